using System.Globalization;
using System.Text;
using ProtoScope.Core.Decoding;
using ProtoScope.Core.Formatting;
using ProtoScope.Core.Reassembly;
using ProtoScope.Core.Session;
using ProtoScope.Core.Tcp;

namespace ProtoScope.Tui.Streams;

/// <summary>
/// One conversation's payload both ways, like Wireshark's Follow TCP/UDP Stream: the originator's text prefixed
/// with <c>→</c> (red), the responder's with <c>←</c> (blue), so it reads without colour too; a heading where the
/// other side starts talking, gaps marked. Every byte goes through <see cref="TerminalText"/> escaping.
/// </summary>
/// <remarks>
/// TCP uses <see cref="StreamFollower"/>, the code behind <c>protoscope follow</c>, fed with the conversation's
/// stored packets on a worker thread (the UI thread only swaps in the finished lines on its tick); while packets
/// arrive, it is rebuilt at most once a second. Very long conversations stop at <see cref="MaxLines"/> lines:
/// <c>protoscope follow</c> prints them whole.
/// </remarks>
public sealed class FollowView(CaptureModel model, Action<long> selectPacket)
    : RebuiltConversationView<List<ScopeLine>>(model, "Follow", selectPacket)
{
    public const int MaxLines = 50_000;
    /// <summary>Longer lines are wrapped: a cell is one screen line.</summary>
    public const int WrapAt = 160;

    protected override string Hint => "No connection chosen: select a packet or connection and press F (or w).";

    protected override string Working => "  reassembling…";

    protected override void Show(Conversation conversation, List<ScopeLine> built)
    {
        Lines.Set(built);
        Lines.Table.Title = $"Follow — {Endpoints(conversation)}";
    }

    protected override List<ScopeLine> Build(PacketTable table, List<int> rows, Conversation c, int timestampUnit)
    {
        var output = new Transcript(rows);
        if (c is TcpConnection) FollowTcp(table, rows, timestampUnit, output);
        else FollowUdp(table, c, rows, output);
        return output.Lines;
    }

    /// <summary>Runs the connection's packets alone through a session of their own with a <see cref="StreamFollower"/> behind its reassembler.</summary>
    private static void FollowTcp(PacketTable table, List<int> rows, int timestampUnit, Transcript output)
    {
        // Alone, the connection is the sub-session's first and only one: tcp.stream 0 there.
        var follower = new StreamFollower(0, output);
        var reassembler = new Reassembler(follower);
        var session = new CaptureSession(table.LinkType, timestampUnit) { Reassembly = reassembler };
        foreach (int row in rows)
        {
            var chunk = table.ChunkOf(row, out int i);
            session.Add(new PacketHeader(chunk.Timestamp[i], chunk.CapturedLength[i], chunk.WireLength[i]), table.Bytes(row));
            if (output.Full) break;
        }
        reassembler.Finish(session.PacketCount);
        follower.Flush();
        if (follower.Connection is null) output.Note("no data and no handshake in this connection", LineKind.Quiet);
        output.Summary(follower.BytesOf(Direction.Orig), follower.MissingOf(Direction.Orig), follower.EndOf(Direction.Orig),
            follower.BytesOf(Direction.Resp), follower.MissingOf(Direction.Resp), follower.EndOf(Direction.Resp));
    }

    /// <summary>UDP has no stream to put back together: each datagram's payload, read from the stored packet, in capture order.</summary>
    private static void FollowUdp(PacketTable table, Conversation c, List<int> rows, Transcript output)
    {
        output.Heading(c);
        var packet = default(DecodedPacket);
        long[] bytes = new long[2];
        var text = new StringBuilder();
        for (int k = 0; k < rows.Count && !output.Full; k++)
        {
            int row = rows[k];
            table.Decode(row, ref packet);
            var d = table.ChunkOf(row, out int i).Direction[i] == (byte)Direction.Orig ? Direction.Orig : Direction.Resp;
            var payload = packet.Payload(table.Bytes(row));
            bytes[(int)d] += payload.Length;
            output.Turn(d, bytes[(int)d] - payload.Length, k + 1L);
            text.Clear();
            TerminalText.AppendEscaped(text, payload, multiline: true);
            output.Text(d, text.ToString());
            output.TurnEnded(d);
        }
        output.Summary(bytes[0], 0, null, bytes[1], 0, null);
    }

    /// <summary>Turns the follower's output into screen lines. Frame numbers from the sub-session map back to the capture's.</summary>
    private sealed class Transcript(List<int> rows) : IFollowOutput
    {
        private readonly StringBuilder _partial = new();
        private long _turnFrame;

        public List<ScopeLine> Lines { get; } = [];
        public bool Full => Lines.Count >= MaxLines;

        private long Frame(long subFrame) => subFrame >= 1 && subFrame <= rows.Count ? rows[(int)subFrame - 1] + 1L : 0;

        public void Heading(Conversation c) => Lines.Add(new ScopeLine($"Follow {Endpoints(c)}", 0, LineKind.Heading));

        public void Opened(TcpConnection connection) => Heading(connection);

        public void Turn(Direction d, long offset, long frame)
        {
            _turnFrame = Frame(frame);
            string arrow = d == Direction.Orig ? "orig → resp" : "resp → orig";
            Add(string.Create(CultureInfo.InvariantCulture, $"── {arrow}, stream offset {offset}, packet {_turnFrame} ──"), _turnFrame, Colour(d));
        }

        public void Text(Direction d, string text)
        {
            int start = 0;
            for (int nl; (nl = text.IndexOf('\n', start)) >= 0; start = nl + 1)
            {
                _partial.Append(text, start, nl - start);
                EmitLine(d);
            }
            _partial.Append(text, start, text.Length - start);
        }

        public void Bytes(Direction d, ReadOnlySpan<byte> bytes, long offset) => Text(d, TerminalText.Escape(bytes));

        public void TurnEnded(Direction d)
        {
            if (_partial.Length > 0) EmitLine(d);
        }

        public void Gap(Direction d, in StreamGap gap)
        {
            string dir = d == Direction.Orig ? "orig" : "resp";
            long frame = Frame(gap.Frame);
            Add(string.Create(CultureInfo.InvariantCulture, $"[gap in {dir} at stream offset {gap.Offset}, packet {frame}: {gap.Describe()}]"), frame, LineKind.Error);
        }

        public void Note(string text, LineKind kind) => Add(text, 0, kind);

        public void Summary(long origBytes, long origMissing, StreamEnd? origEnd, long respBytes, long respMissing, StreamEnd? respEnd)
        {
            if (Full) Lines.Add(new ScopeLine($"… stopped after {MaxLines} lines: `protoscope follow` prints the whole conversation", 0, LineKind.Quiet));
            Lines.Add(new ScopeLine(string.Create(CultureInfo.InvariantCulture,
                $"══ orig → resp: {origBytes} bytes, {origMissing} missing{End(origEnd)}; resp → orig: {respBytes} bytes, {respMissing} missing{End(respEnd)} ══"), 0, LineKind.Heading));
        }

        private static string End(StreamEnd? end) => end switch
        {
            StreamEnd.Fin => ", FIN",
            StreamEnd.Reset => ", RST",
            StreamEnd.CaptureEnd => ", open at capture end",
            _ => "",
        };

        private void EmitLine(Direction d)
        {
            string line = LineTable.ExpandTabs(_partial.ToString());
            _partial.Clear();
            string prefix = d == Direction.Orig ? "→ " : "← ";
            int at = 0;
            do
            {
                int take = Math.Min(WrapAt, line.Length - at);
                if (take < line.Length - at && char.IsHighSurrogate(line[at + take - 1])) take--;
                Add(prefix + line.Substring(at, take), _turnFrame, Colour(d));
                at += take;
            } while (at < line.Length);
        }

        private void Add(string text, long frame, LineKind kind)
        {
            if (Lines.Count < MaxLines) Lines.Add(new ScopeLine(text, frame, kind));
        }

        private static LineKind Colour(Direction d) => d == Direction.Orig ? LineKind.Orig : LineKind.Resp;
    }
}
