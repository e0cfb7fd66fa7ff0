using System.Globalization;
using System.Text;
using ProtoScope.Core.Formatting;
using ProtoScope.Core.Reassembly;
using ProtoScope.Core.Session;

namespace ProtoScope.Tui.Streams;

/// <summary>
/// One conversation's payload both ways, like Wireshark's Follow TCP/UDP Stream: the originator's text prefixed
/// with <c>→</c> (red), the responder's with <c>←</c> (blue), so it reads without colour too; a heading where the
/// other side starts talking, gaps marked. Every byte goes through <see cref="TerminalText"/> escaping.
/// </summary>
/// <remarks>
/// <see cref="StoredConversation.Follow"/> rebuilds it from the conversation's stored packets (TCP through
/// <see cref="StreamFollower"/>, the code behind <c>protoscope follow</c>) on a worker thread (the UI thread only
/// swaps in the finished lines on its tick); while packets arrive, it is rebuilt at most once a second. Very long conversations stop at <see cref="MaxLines"/> lines:
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

    protected override List<ScopeLine> Build(StoredConversation stored)
    {
        var output = new Transcript();
        var totals = stored.Follow(output, () => output.Full);
        if (totals is null) output.Note("no data and no handshake in this connection", LineKind.Quiet);
        var (orig, resp) = totals ?? default;
        output.Summary(orig, resp);
        return output.Lines;
    }

    /// <summary>Turns the followed conversation into screen lines.</summary>
    private sealed class Transcript : IFollowOutput
    {
        private readonly StringBuilder _partial = new();
        private long _turnFrame;

        public List<ScopeLine> Lines { get; } = [];
        public bool Full => Lines.Count >= MaxLines;

        public void Opened(Conversation c) => Lines.Add(new ScopeLine($"Follow {Endpoints(c)}", 0, LineKind.Heading));

        public void Turn(Direction d, long offset, long frame)
        {
            _turnFrame = frame;
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

        public void Gap(Direction d, in StreamGap gap) =>
            Add(string.Create(CultureInfo.InvariantCulture, $"[gap in {d.Name()} at stream offset {gap.Offset}, packet {gap.Frame}: {gap.Describe()}]"), gap.Frame, LineKind.Error);

        public void Note(string text, LineKind kind) => Add(text, 0, kind);

        public void Summary(FollowedDirection orig, FollowedDirection resp)
        {
            if (Full) Lines.Add(new ScopeLine($"… stopped after {MaxLines} lines: `protoscope follow` prints the whole conversation", 0, LineKind.Quiet));
            Lines.Add(new ScopeLine(string.Create(CultureInfo.InvariantCulture,
                $"══ orig → resp: {Totals(orig)}; resp → orig: {Totals(resp)} ══"), 0, LineKind.Heading));
        }

        private static string Totals(FollowedDirection t) =>
            string.Create(CultureInfo.InvariantCulture, $"{t.Bytes} bytes, {t.Missing} missing{(t.End is { } end ? ", " + FollowFormat.EndName(end) : "")}");

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
