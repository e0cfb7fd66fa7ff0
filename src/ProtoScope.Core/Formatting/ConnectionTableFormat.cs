using System.Globalization;
using System.Text;
using ProtoScope.Core.Decoding;
using ProtoScope.Core.Session;
using ProtoScope.Core.Tcp;

namespace ProtoScope.Core.Formatting;

/// <summary>The `conns` text table: one line per connection, the columns a teacher reads out (how it opened and closed, Zeek's state and history).</summary>
public static class ConnectionTableFormat
{
    public static string Header { get; } = Columns("id", "proto", "originator -> responder", "open", "close", "state", "history", "pkts o/r", "bytes o/r", "duration",
        "health", "irtt ms", "rtt ms min/avg/max", "events");

    public static string Line(Conversation c)
    {
        string ends = EndpointText.Of(c.OrigAddress, c.OrigPort) + " -> " + EndpointText.Of(c.RespAddress, c.RespPort);
        string open = "", close = "", state, history, health = "", irtt = "", rtt = "", events = "";
        long ob, rb;
        if (c is TcpConnection t)
        {
            open = t.Open.Name();
            close = t.Close.Name();
            state = t.ConnState;
            history = t.History.ToString();
            (ob, rb) = (t.OrigBytes, t.RespBytes);
            ref readonly var e = ref t.Expert;
            health = e.Health;
            if (t.InitialRtt != 0) irtt = Milliseconds(t.InitialRtt);
            if (e.RttSamples > 0) rtt = $"{Milliseconds(e.RttMin)}/{Milliseconds(e.RttMean)}/{Milliseconds(e.RttMax)}";
            events = Events(in e);
        }
        else
        {
            var u = (UdpConversation)c;
            state = u.ConnState;
            history = u.History.ToString();
            (ob, rb) = (u.OrigBytes, u.RespBytes);
        }
        if (c.Tunnel is { } tunnel) events = events.Length == 0 ? TunnelText(tunnel) : TunnelText(tunnel) + " " + events;
        return Columns(c.Id.ToString(CultureInfo.InvariantCulture), c.Proto, ends, open, close, state, history,
            $"{c.Orig.Packets}/{c.Resp.Packets}", $"{ob}/{rb}",
            ((c.EndTime - c.StartTime) / 1e9).ToString("F6", CultureInfo.InvariantCulture), health, irtt, rtt, events);
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

    private static string Milliseconds(long ns) => (ns / 1e6).ToString("0.###", CultureInfo.InvariantCulture);

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

    private static string Columns(string id, string proto, string ends, string open, string close, string state, string history,
        string pkts, string bytes, string duration, string health, string irtt, string rtt, string events)
    {
        var sb = new StringBuilder(160);
        sb.Append(id.PadLeft(5)).Append(' ').Append(proto.PadRight(5)).Append(' ').Append(ends.PadRight(47)).Append(' ');
        sb.Append(open.PadRight(17)).Append(' ').Append(close.PadRight(13)).Append(' ').Append(state.PadRight(6)).Append(' ');
        sb.Append(history.PadRight(12)).Append(' ').Append(pkts.PadLeft(10)).Append(' ').Append(bytes.PadLeft(14)).Append(' ');
        sb.Append(duration.PadLeft(11)).Append(' ').Append(health.PadRight(7)).Append(' ').Append(irtt.PadLeft(7)).Append(' ');
        sb.Append(rtt.PadLeft(18)).Append(' ').Append(events);
        return sb.ToString().TrimEnd();
    }
}
