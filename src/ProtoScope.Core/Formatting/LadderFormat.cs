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
        string orig = ConnectionTableFormat.Endpoint(c.OrigAddress.ToString(), c.OrigPort);
        string resp = ConnectionTableFormat.Endpoint(c.RespAddress.ToString(), c.RespPort);
        sb.Append("TCP connection ").Append(c.Id).Append(": ").Append(orig).Append(" -> ").Append(resp).Append('\n');
        sb.Append("opened ").Append(c.Open.Name()).Append(", closed ").Append(c.Close.Name())
          .Append("; Zeek conn_state ").Append(c.ConnState).Append(", history ").Append(c.History).Append('\n').Append('\n');
        sb.Append(Centred("originator", "responder")).Append('\n');
        sb.Append(Centred(orig, resp)).Append('\n');
        sb.Append(ArrowLine("frame", TcpState.Closed.Name(), TcpState.Closed.Name(), Lane(""), colour)).Append('\n');

        TcpState left = TcpState.Closed, right = TcpState.Closed;
        for (int i = 0; i < steps.Count; i++)
        {
            int run = expand ? 0 : QuietRun(steps, i, left, right, c);
            if (run >= CollapseAtLeast)
            {
                AppendCollapsed(sb, steps, i, run);
                i += run - 1;
                continue;
            }
            var s = steps[i];
            bool fromOrig = FromOrig(s, c);
            var (newLeft, newRight) = fromOrig ? (s.SenderState, s.ReceiverState) : (s.ReceiverState, s.SenderState);
            string label = s.Role.Label();
            sb.Append(Pad(s.Frame.ToString(CultureInfo.InvariantCulture), FrameWidth, right: true).PadRight(LeftBar))
              .Append('|').Append(Paint(Centre(label, LaneWidth), RoleColour(s.Role), colour)).Append('|').Append('\n');
            sb.Append(ArrowLine("", newLeft != left ? newLeft.Name() : "", newRight != right ? newRight.Name() : "", Arrow(s, fromOrig), colour)).Append('\n');
            (left, right) = (newLeft, newRight);
        }
        return sb.ToString();
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

    private static void AppendCollapsed(StringBuilder sb, IReadOnlyList<LadderStep> steps, int start, int count)
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
        sb.Append(frames.PadLeft(FrameWidth).PadRight(LeftBar)).Append('|').Append(Centre(text.ToString(), LaneWidth)).Append('|').Append('\n');
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
