using System.Globalization;
using ProtoScope.Core.Decoding;
using ProtoScope.Core.Formatting;
using ProtoScope.Core.Framing;
using ProtoScope.Core.Reassembly;
using ProtoScope.Core.Session;
using ProtoScope.Core.Tcp;

namespace ProtoScope.Tui.Streams;

/// <summary>
/// The length-prefixed frames (and for UDP the datagrams) of one conversation: direction, index, stream offset,
/// length, the packets that carried it, how many segments, sticky or split, a preview; then where framing stopped
/// and why. Enter selects the frame's first packet.
/// </summary>
/// <remarks>
/// The messages are not kept for every conversation in the model (a capture of a million frames would hold a
/// million previews): like <see cref="FollowView"/>, this view runs the conversation's stored packets alone through
/// the same reassembler and framer as <c>protoscope frames</c>, on a worker thread, and rebuilds at most once a
/// second while packets arrive.
/// </remarks>
public sealed class FramesView(CaptureModel model, Action<long> selectPacket)
    : RebuiltConversationView<FramesView.Framed>(model, "Frames", selectPacket)
{
    public sealed record Framed(List<LoggedMessage> Messages, FramingFailure[] Failures);

    protected override string Hint => "No connection chosen: select a packet or connection and press f.";

    protected override string Working => "  framing…";

    /// <summary>
    /// Frames the conversation's packets in a session of their own, where it is the first and only conversation;
    /// frame numbers are mapped back to the capture's.
    /// </summary>
    protected override Framed Build(PacketTable table, List<int> rows, Conversation c, int timestampUnit)
    {
        var log = new FramedMessageLog();
        var framer = new ConversationFramer(CaptureModel.Framing, log);
        var reassembler = new Reassembler(framer, framer);
        var session = new CaptureSession(table.LinkType, timestampUnit) { Reassembly = reassembler };
        foreach (int row in rows)
        {
            var chunk = table.ChunkOf(row, out int i);
            session.Add(new PacketHeader(chunk.Timestamp[i], chunk.CapturedLength[i], chunk.WireLength[i]), table.Bytes(row));
        }
        reassembler.Finish(session.PacketCount);

        long Frame(long subFrame) => subFrame >= 1 && subFrame <= rows.Count ? rows[(int)subFrame - 1] + 1L : subFrame;
        var messages = new List<LoggedMessage>();
        var failures = log.Read(c.Proto, 0, 0, messages);
        for (int k = 0; k < messages.Count; k++)
        {
            var m = messages[k];
            messages[k] = m with { Message = m.Message with { Conversation = c.Id, FirstFrame = Frame(m.Message.FirstFrame), LastFrame = Frame(m.Message.LastFrame) } };
        }
        return new Framed(messages, [.. failures.Select(f => f with { Conversation = c.Id, Frame = Frame(f.Frame) })]);
    }

    protected override void Show(Conversation c, Framed framed)
    {
        var (messages, failures) = (framed.Messages, framed.Failures);
        var lines = new List<ScopeLine>(messages.Count + failures.Length + 2)
        {
            new("  dir   kind      #  offset     length  packets          segs  how            preview", 0, LineKind.Heading),
        };
        foreach (var m in messages) lines.Add(Line(m));
        foreach (var f in failures)
        {
            string dir = f.Direction == Direction.Orig ? "orig" : "resp";
            lines.Add(f.NotFramed
                ? new ScopeLine($"  {dir}  not framed: {f.Reason} (offset {f.Offset})", 0, LineKind.Quiet)
                : new ScopeLine($"! {dir}  framing error at offset {f.Offset}, packet {f.Frame}: {f.Reason}", f.Frame, LineKind.Error));
        }
        if (messages.Count == 0 && failures.Length == 0)
            lines.Add(new ScopeLine(Model.State is CaptureState.Reading or CaptureState.Paused
                ? "  no frames yet" : "  no frames: the conversation carried no payload"));
        Lines.Set(lines);
        int frames = messages.Count(m => m.Message.Kind == MessageKind.Frame), datagrams = messages.Count - frames;
        int errors = failures.Count(f => !f.NotFramed);
        Lines.Table.Title = $"Frames — {Endpoints(c)}: {frames} frames" + (c.Proto == "udp" ? $", {datagrams} datagrams" : "") +
            (errors > 0 ? $", {errors} framing errors" : "") + "  Enter first packet";
    }

    private static ScopeLine Line(in LoggedMessage logged)
    {
        var m = logged.Message;
        var i = CultureInfo.InvariantCulture;
        string dir = m.Direction == Direction.Orig ? "orig →" : "resp ←";
        string kind = m.Kind == MessageKind.Frame ? "frame" : "datagram";
        string offset = m.Kind == MessageKind.Frame ? string.Create(i, $"@{m.Offset}") : "";
        string packets = m.FirstFrame == m.LastFrame ? string.Create(i, $"{m.FirstFrame}") : string.Create(i, $"{m.FirstFrame}-{m.LastFrame}");
        string how = string.Join(' ', new[] { m.Sticky ? "sticky" : "", m.Split ? "split" : "" }.Where(s => s.Length > 0));
        string error = logged.Error is null ? "" : $" [{logged.Error}]";
        string text = string.Create(i,
            $"{(logged.Error is null ? ' ' : '!')} {dir} {kind,-8} {m.Index,3}  {offset,-9} {m.Length,7}  {packets,-15} {m.Segments,5}  {how,-13}  {TerminalText.Preview(logged.Preview, m.Length, CaptureModel.PreviewBytes)}{error}");
        var lineKind = logged.Error is not null ? LineKind.Error : m.Direction == Direction.Orig ? LineKind.Orig : LineKind.Resp;
        return new ScopeLine(text, m.FirstFrame, lineKind);
    }
}
