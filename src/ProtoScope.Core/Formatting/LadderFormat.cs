using System.Globalization;
using System.Text;
using ProtoScope.Core.Decoding;
using ProtoScope.Core.Tcp;

namespace ProtoScope.Core.Formatting;

/// <summary>One packet of a connection as the ladder draws it: what the session computed for it, copied once.</summary>
public readonly record struct LadderStep(
    long Frame, NetAddress Src, ushort SrcPort, TcpFlags Flags, uint Seq, uint Ack, bool HasAck, int Length,
    PacketRole Role, TcpState SenderState, TcpState ReceiverState);

/// <summary>
/// One line of a ladder: its text, the packet it draws (0 for the heading) and that packet's role;
/// <see cref="Packets"/> is more than 1 for a collapsed run starting at <see cref="Frame"/>.
/// </summary>
public readonly record struct LadderLine(string Text, long Frame, PacketRole Role, int Packets);

/// <summary>
/// Draws a TCP connection as a sequence diagram for an 80-column terminal: the originator's lifeline on the left,
/// the responder's on the right, per packet a line with its role and an arrow with flags, relative seq/ack and
/// length, and each endpoint's RFC 9293 state beside its lifeline whenever it changes. Runs of plain data and ACKs
/// collapse into one line unless expanded. Colour, when asked for, only repeats what the words already say.
/// </summary>
public static class LadderFormat
{
    private const int FrameWidth = 6;
    private const int LeftBar = 20;
    private const int RightBar = 60;
    private const int LaneWidth = RightBar - LeftBar - 1;
    /// <summary>Shorter runs of data and ACKs are always drawn packet by packet.</summary>
    public const int CollapseAtLeast = 5;

    public static string Render(TcpConnection c, IReadOnlyList<LadderStep> steps, bool expand, bool colour)
    {
        var sb = new StringBuilder();
        foreach (var line in Lines(c, steps, expand, colour)) sb.Append(line.Text).Append('\n');
        return sb.ToString();
    }

    /// <summary>
    /// The ladder line by line, each with the packet it draws (<see cref="LadderLine.Frame"/>; the first packet of
    /// a collapsed run; 0 for the heading), so an interactive view can map a selected line back to its packet.
    /// </summary>
    public static List<LadderLine> Lines(TcpConnection c, IReadOnlyList<LadderStep> steps, bool expand, bool colour)
    {
        var lines = new List<LadderLine>(steps.Count * 2 + 8);
        void Add(string text, long frame = 0, PacketRole role = PacketRole.None, int count = 1) => lines.Add(new LadderLine(text, frame, role, count));
        string orig = EndpointText.Of(c.OrigAddress, c.OrigPort);
        string resp = EndpointText.Of(c.RespAddress, c.RespPort);
        Add($"TCP connection {c.Id}: {orig} -> {resp}");
        Add($"opened {c.Open.Name()}, closed {c.Close.Name()}; Zeek conn_state {c.ConnState}, history {c.History}");
        Add("");
        Add(Centred("originator", "responder"));
        Add(Centred(orig, resp));
        Add(ArrowLine("frame", TcpState.Closed.Name(), TcpState.Closed.Name(), Lane(""), colour));

        TcpState left = TcpState.Closed, right = TcpState.Closed;
        for (int i = 0; i < steps.Count; i++)
        {
            int run = expand ? 0 : QuietRun(steps, i, left, right, c);
            if (run >= CollapseAtLeast)
            {
                Add(Collapsed(steps, i, run), steps[i].Frame, PacketRole.Data, run);
                i += run - 1;
                continue;
            }
            var s = steps[i];
            bool fromOrig = FromOrig(s, c);
            var (newLeft, newRight) = fromOrig ? (s.SenderState, s.ReceiverState) : (s.ReceiverState, s.SenderState);
            string label = s.Role.Label();
            Add(Pad(s.Frame.ToString(CultureInfo.InvariantCulture), FrameWidth, right: true).PadRight(LeftBar) +
                "|" + Paint(Centre(label, LaneWidth), RoleColour(s.Role), colour) + "|", s.Frame, s.Role);
            Add(ArrowLine("", newLeft != left ? newLeft.Name() : "", newRight != right ? newRight.Name() : "", Arrow(s, fromOrig), colour), s.Frame, s.Role);
            (left, right) = (newLeft, newRight);
        }
        return lines;
    }

    private static bool FromOrig(in LadderStep s, TcpConnection c) => s.SrcPort == c.OrigPort && s.Src == c.OrigAddress;

    /// <summary>How many steps from <paramref name="start"/> are plain data, ACKs or window updates that change no state.</summary>
    private static int QuietRun(IReadOnlyList<LadderStep> steps, int start, TcpState left, TcpState right, TcpConnection c)
    {
        int n = 0;
        for (int i = start; i < steps.Count; i++)
        {
            var s = steps[i];
            if (s.Role is not (PacketRole.Data or PacketRole.Ack or PacketRole.WindowUpdate)) break;
            var (l, r) = FromOrig(s, c) ? (s.SenderState, s.ReceiverState) : (s.ReceiverState, s.SenderState);
            if (l != left || r != right) break;
            n++;
        }
        return n;
    }

    private static string Collapsed(IReadOnlyList<LadderStep> steps, int start, int count)
    {
        int segments = 0, acks = 0;
        long bytes = 0;
        for (int i = start; i < start + count; i++)
        {
            if (steps[i].Length > 0) { segments++; bytes += steps[i].Length; }
            else acks++;
        }
        var text = new StringBuilder("… ");
        if (segments > 0) text.Append(segments).Append(segments == 1 ? " data segment, " : " data segments, ").Append(Size(bytes));
        if (acks > 0) text.Append(segments > 0 ? ", " : "").Append(acks).Append(acks == 1 ? " ack" : " acks");
        text.Append(" …");
        string frames = $"{steps[start].Frame}-{steps[start + count - 1].Frame}";
        return frames.PadLeft(FrameWidth).PadRight(LeftBar) + "|" + Centre(text.ToString(), LaneWidth) + "|";
    }

    private static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} bytes",
        < 1024 * 1024 => $"{(bytes + 512) / 1024} KB",
        _ => (bytes / (1024.0 * 1024)).ToString("F1", CultureInfo.InvariantCulture) + " MB",
    };

    /// <summary>The arrow between the lifelines, with flags, relative numbers and length written on it.</summary>
    private static string Arrow(in LadderStep s, bool rightwards)
    {
        string flags = "[" + TcpFlagNotation.Tcpdump(s.Flags) + "]";
        string text = $"{flags} seq {s.Seq}" + (s.HasAck ? $" ack {s.Ack}" : "") + (s.Length > 0 ? $" len {s.Length}" : "");
        if (text.Length > LaneWidth - 6)
            text = $"{flags} {s.Seq}" + (s.HasAck ? $"/{s.Ack}" : "") + (s.Length > 0 ? $" +{s.Length}" : "");
        if (text.Length > LaneWidth - 6) text = text[..(LaneWidth - 6)];
        string body = "-- " + text + " ";
        return rightwards
            ? body.PadRight(LaneWidth - 1, '-') + ">"
            : "<" + body.PadRight(LaneWidth - 1, '-');
    }

    private static string ArrowLine(string frame, string leftState, string rightState, string lane, bool colour)
    {
        var sb = new StringBuilder(80);
        sb.Append(frame.PadLeft(FrameWidth)).Append(' ');
        sb.Append(Paint(leftState.PadLeft(LeftBar - FrameWidth - 2), "36", colour && leftState.Length > 0)).Append(' ');
        sb.Append('|').Append(lane).Append('|').Append(' ');
        sb.Append(Paint(rightState, "36", colour && rightState.Length > 0));
        return sb.ToString().TrimEnd();
    }

    private static string Lane(string text) => Centre(text, LaneWidth);

    private static string Centred(string left, string right)
    {
        int leftStart = Math.Max(0, LeftBar - left.Length / 2);
        int rightStart = Math.Max(leftStart + left.Length + 2, Math.Min(RightBar - right.Length / 2, 80 - right.Length));
        return (new string(' ', leftStart) + left).PadRight(rightStart) + right;
    }

    private static string Centre(string text, int width)
    {
        if (text.Length >= width) return text[..width];
        int left = (width - text.Length) / 2;
        return (new string(' ', left) + text).PadRight(width);
    }

    private static string Pad(string text, int width, bool right) => right ? text.PadLeft(width) : text.PadRight(width);

    private static string? RoleColour(PacketRole role) => role switch
    {
        PacketRole.HandshakeSyn or PacketRole.HandshakeSynAck or PacketRole.HandshakeAck => "32",
        PacketRole.TeardownFin or PacketRole.TeardownAckOfFin or PacketRole.TeardownSecondFin or PacketRole.TeardownAckOfSecondFin => "33",
        PacketRole.Reset => "31",
        PacketRole.Retransmission or PacketRole.ZeroWindow or PacketRole.KeepAlive => "35",
        _ => null,
    };

    private static string Paint(string text, string? sgr, bool colour) =>
        colour && sgr is not null ? $"\u001b[{sgr}m{text}\u001b[0m" : text;
}
