using System.Globalization;
using ProtoScope.Core.Decoding;
using ProtoScope.Core.Formatting;
using ProtoScope.Core.Framing;
using ProtoScope.Core.Session;

namespace ProtoScope.Tui.Streams;

/// <summary>
/// The length-prefixed messages ("frames", as the outputs say) and for UDP the datagrams of one conversation:
/// direction, index, stream offset, length, the packets that carried it, how many segments, sticky or split, a
/// preview; then where framing stopped and why. Enter selects the message's first packet.
/// </summary>
/// <remarks>
/// The messages are not kept for every conversation in the model (a capture of a million frames would hold a
/// million previews): like <see cref="FollowView"/>, this view has <see cref="StoredConversation.Messages"/> rebuild
/// them from the conversation's stored packets with the same reassembler and framer as <c>protoscope frames</c>, on
/// a worker thread, at most once a second while packets arrive.
/// </remarks>
public sealed class FramesView(CaptureModel model, Action<long> selectPacket)
    : RebuiltConversationView<FramesView.Framed>(model, "Frames", selectPacket)
{
    public sealed record Framed(List<LoggedMessage> Messages, FramingFailure[] Failures);

    protected override string Hint => "No connection chosen: select a packet or connection and press f.";

    protected override string Working => "  framing…";

    protected override Framed Build(StoredConversation stored)
    {
        var log = new FramedMessageLog();
        stored.Messages(CaptureModel.Framing, log);
        var c = stored.Conversation;
        var messages = new List<LoggedMessage>();
        var failures = log.Read(c.Transport, c.Id, 0, messages);
        return new Framed(messages, failures);
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
            string dir = f.Direction.Name();
            lines.Add(f.NotFramed
                ? new ScopeLine($"  {dir}  {MessageFormat.NotFramed(f)}", 0, LineKind.Quiet)
                : new ScopeLine($"! {dir}  framing error at offset {f.Offset}, packet {f.Frame}: {f.Reason}", f.Frame, LineKind.Error));
        }
        if (messages.Count == 0 && failures.Length == 0)
            lines.Add(new ScopeLine(Model.State is CaptureState.Reading or CaptureState.Paused
                ? "  no frames yet" : "  no frames: the conversation carried no payload"));
        Lines.Set(lines);
        int prefixed = messages.Count(m => m.Message.Kind == MessageKind.LengthPrefixed), datagrams = messages.Count - prefixed;
        int errors = failures.Count(f => !f.NotFramed);
        Lines.Table.Title = $"Frames — {Endpoints(c)}: {prefixed} frames" + (c.Transport == Transport.Udp ? $", {datagrams} datagrams" : "") +
            (errors > 0 ? $", {errors} framing errors" : "") + "  Enter first packet";
    }

    private static ScopeLine Line(in LoggedMessage logged)
    {
        var m = logged.Message;
        var i = CultureInfo.InvariantCulture;
        string dir = m.Direction == Direction.Orig ? "orig →" : "resp ←";
        string kind = MessageFormat.KindName(m.Kind);
        string offset = m.Kind == MessageKind.LengthPrefixed ? string.Create(i, $"@{m.Offset}") : "";
        string packets = m.FirstFrame == m.LastFrame ? string.Create(i, $"{m.FirstFrame}") : string.Create(i, $"{m.FirstFrame}-{m.LastFrame}");
        string how = string.Join(' ', new[] { m.Sticky ? "sticky" : "", m.Split ? "split" : "" }.Where(s => s.Length > 0));
        string error = logged.Error is null ? "" : $" [{logged.Error}]";
        string text = string.Create(i,
            $"{(logged.Error is null ? ' ' : '!')} {dir} {kind,-8} {m.Index,3}  {offset,-9} {m.Length,7}  {packets,-15} {m.Segments,5}  {how,-13}  {TerminalText.Preview(logged.Preview, m.Length, CaptureModel.PreviewBytes)}{error}");
        var lineKind = logged.Error is not null ? LineKind.Error : m.Direction == Direction.Orig ? LineKind.Orig : LineKind.Resp;
        return new ScopeLine(text, m.FirstFrame, lineKind);
    }
}
