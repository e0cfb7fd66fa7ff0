using System.Globalization;
using System.Text;
using ProtoScope.Core.Decoding;
using ProtoScope.Core.Session;
using ProtoScope.Core.Tcp;

namespace ProtoScope.Core.Formatting;

/// <summary>The `conns` text table: one line per connection, the columns a teacher reads out (how it opened and closed, Zeek's state and history).</summary>
public static class ConnectionTableFormat
{
    /// <summary>Each column's width and side: positive pads on the left (numbers), negative on the right. The last column is not padded.</summary>
    private static readonly int[] Widths = [5, -5, -47, -17, -13, -6, -12, 10, 14, 11, -7, 7, 18, 0];

    public static string Header { get; } = Columns("id", "proto", "originator -> responder", "open", "close", "state", "history", "pkts o/r", "bytes o/r", "duration",
        "health", "irtt ms", "rtt ms min/avg/max", "events");

    public static string Line(Conversation c)
    {
        var sb = new StringBuilder(160);
        Append(sb, c);
        return sb.ToString();
    }

    /// <summary>
    /// Appends <paramref name="c"/>'s line, without a newline: every column formatted on the stack and padded in
    /// place, so that a table of 100,000 connections does not make twenty strings a line.
    /// </summary>
    public static void Append(StringBuilder sb, Conversation c)
    {
        int start = sb.Length;
        Span<char> text = stackalloc char[96];
        var invariant = CultureInfo.InvariantCulture;
        Cell(sb, 0, Formatted(text, invariant, $"{c.Id}"));
        Cell(sb, 1, c.Proto);
        Cell(sb, 2, Formatted(text, invariant, $"{new EndpointText(c.OrigAddress, c.OrigPort)} -> {new EndpointText(c.RespAddress, c.RespPort)}"));
        string state, history, health = "";
        long ob, rb;
        TcpConnection? t = c as TcpConnection;
        if (t is not null)
        {
            Cell(sb, 3, t.Open.Name());
            Cell(sb, 4, t.Close.Name());
            state = t.ConnState;
            history = t.History.ToString();
            (ob, rb) = (t.OrigBytes, t.RespBytes);
            health = t.Expert.Health;
        }
        else
        {
            Cell(sb, 3, "");
            Cell(sb, 4, "");
            var u = (UdpConversation)c;
            state = u.ConnState;
            history = u.History.ToString();
            (ob, rb) = (u.OrigBytes, u.RespBytes);
        }
        Cell(sb, 5, state);
        Cell(sb, 6, history);
        Cell(sb, 7, Formatted(text, invariant, $"{c.Orig.Packets}/{c.Resp.Packets}"));
        Cell(sb, 8, Formatted(text, invariant, $"{ob}/{rb}"));
        Cell(sb, 9, Formatted(text, invariant, $"{(c.EndTime - c.StartTime) / 1e9:F6}"));
        Cell(sb, 10, health);
        if (t is not null && t.InitialRtt != 0) Cell(sb, 11, Formatted(text, invariant, $"{t.InitialRtt / 1e6:0.###}"));
        else Cell(sb, 11, "");
        if (t is not null && t.Expert.RttSamples > 0)
        {
            ref readonly var e = ref t.Expert;
            Cell(sb, 12, Formatted(text, invariant, $"{e.RttMin / 1e6:0.###}/{e.RttMean / 1e6:0.###}/{e.RttMax / 1e6:0.###}"));
        }
        else Cell(sb, 12, "");
        string events = t is null ? "" : Events(in t.Expert);
        if (c.Tunnel is { } tunnel) events = events.Length == 0 ? TunnelText(tunnel) : TunnelText(tunnel) + " " + events;
        sb.Append(events);
        int end = sb.Length;
        while (end > start && char.IsWhiteSpace(sb[end - 1])) end--;
        sb.Length = end;
    }

    private static ReadOnlySpan<char> Formatted(Span<char> into, IFormatProvider provider,
        [System.Runtime.CompilerServices.InterpolatedStringHandlerArgument("into", "provider")] MemoryExtensions.TryWriteInterpolatedStringHandler text)
    {
        if (!into.TryWrite(provider, ref text, out int written)) throw new InvalidOperationException("a column outgrew its buffer");
        return into[..written];
    }

    /// <summary>Appends one column padded to its width, and the space after it (not after the last).</summary>
    private static void Cell(StringBuilder sb, int column, ReadOnlySpan<char> text)
    {
        int width = Widths[column], pad = Math.Max(0, Math.Abs(width) - text.Length);
        if (width > 0) sb.Append(' ', pad);
        sb.Append(text);
        if (width < 0) sb.Append(' ', pad);
        if (column < Widths.Length - 1) sb.Append(' ');
    }

    /// <summary>The tunnel a conversation is in, where the events go: "in vxlan 10.1.200.131:50000 > 10.1.1.172:4789 vni 1".</summary>
    public static string TunnelText(Tunnel t)
    {
        var sb = new StringBuilder("in ").Append(t.Kind.Name()).Append(' ');
        sb.Append(t.Carrier is null ? t.Src.ToString() : EndpointText.Of(t.Src, t.SrcPort)).Append(" > ");
        sb.Append(t.Carrier is null ? t.Dst.ToString() : EndpointText.Of(t.Dst, t.DstPort));
        if (t.HasId) sb.Append(' ').Append(TcpdumpFormat.TunnelIdName(t.Kind)).Append(' ').Append(t.Id);
        return sb.ToString();
    }

    /// <summary>Each analysis event the connection had, with its count, by tshark's names: "retransmission=8 duplicate_ack=12".</summary>
    private static string Events(in TcpExpertSummary e)
    {
        if (e.Seen == TcpAnalysisFlags.None) return "";
        var sb = new StringBuilder();
        foreach (ref readonly var info in TcpAnalysisNames.All.AsSpan())
            if ((e.Seen & info.Flag) != 0)
                sb.Append(sb.Length == 0 ? "" : " ").Append(info.Name).Append('=').Append(e.Count(info.Flag));
        return sb.ToString();
    }

    private static string Columns(params string[] cells)
    {
        var sb = new StringBuilder(160);
        for (int i = 0; i < cells.Length; i++) Cell(sb, i, cells[i]);
        return sb.ToString().TrimEnd();
    }
}
