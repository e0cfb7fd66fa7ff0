using System.Globalization;
using ProtoScope.Core.Decoding;
using ProtoScope.Core.Formatting;
using ProtoScope.Core.Framing;
using ProtoScope.Core.Session;

namespace ProtoScope.Tui.Streams;

/// <summary>
/// The messages of one conversation: length-prefixed frames, or lines, or HTTP requests and responses (<c>m</c>
/// steps through <see cref="Framings"/>), and for UDP the datagrams: direction, kind, index, stream offset, length,
/// the packets that carried it, how many segments, sticky, split or incomplete, for HTTP the head's summary, a
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
    public sealed record Framed(List<LoggedMessage> Messages, FramingFailure[] Failures, FramingSpec Framing);

    /// <summary>
    /// The framings <c>m</c> steps through: the one pass's (u32le, whose errors the packet list marks), lines, HTTP.
    /// </summary>
    public static IReadOnlyList<FramingSpec> Framings { get; } = [CaptureModel.Framing.Spec!, FramingSpec.Line, FramingSpec.Http];

    /// <summary>A demo's own framing (the <c>http</c> demo's HTTP), else the one pass's.</summary>
    private volatile FramingSpec _framing = model.Demo?.Framing ?? Framings[0];

    /// <summary>How the view cuts TCP streams now.</summary>
    public FramingSpec Framing => _framing;

    /// <summary>Cuts the conversation with the next of <see cref="Framings"/>, from its start.</summary>
    public void NextFraming()
    {
        _framing = Framings[(Framings.ToList().IndexOf(_framing) + 1) % Framings.Count];
        if (Conversation is { } c) Open(c);
    }

    public override bool HandleKey(Key key) => KeyMap.Run(KeyMap.Frames, this, key) || base.HandleKey(key);

    protected override string Hint => "No connection chosen: select a packet or connection and press f.";

    protected override string Working => "  framing…";

    protected override Framed Build(StoredConversation stored)
    {
        var log = new FramedMessageLog();
        FramingSpec framing = _framing;
        stored.Messages(CaptureModel.Framing with { Spec = framing }, log);
        var c = stored.Conversation;
        var messages = new List<LoggedMessage>();
        var failures = log.Read(c.Transport, c.Id, 0, messages);
        return new Framed(messages, failures, framing);
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
        // "3 requests, 3 responses": each kind's count, in the order of MessageKind.
        string counts = messages.Count == 0 ? $"0 {MessageFormat.KindName(framed.Framing.Method == FramingMethod.LengthPrefix ? MessageKind.LengthPrefixed : MessageKind.Line)}s"
            : string.Join(", ", messages.GroupBy(m => m.Message.Kind).OrderBy(g => g.Key).Select(g => $"{g.Count()} {MessageFormat.KindName(g.Key)}s"));
        int errors = failures.Count(f => !f.NotFramed);
        Lines.Table.Title = $"Frames ({framed.Framing.Name}) — {Endpoints(c)}: {counts}" +
            (errors > 0 ? $", {errors} framing errors" : "") + $"  Enter first packet  {KeyMap.Labels(KeyMap.Frames)}";
    }

    private static ScopeLine Line(in LoggedMessage logged)
    {
        var m = logged.Message;
        var i = CultureInfo.InvariantCulture;
        string dir = m.Direction == Direction.Orig ? "orig →" : "resp ←";
        string kind = MessageFormat.KindName(m.Kind);
        string offset = MessageFormat.HasOffset(m.Kind) ? string.Create(i, $"@{m.Offset}") : "";
        string packets = m.FirstFrame == m.LastFrame ? string.Create(i, $"{m.FirstFrame}") : string.Create(i, $"{m.FirstFrame}-{m.LastFrame}");
        string how = string.Join(' ', new[] { m.Sticky ? "sticky" : "", m.Split ? "split" : "", m.Incomplete ? "incomplete" : "" }.Where(s => s.Length > 0));
        string error = logged.Error is null ? "" : $" [{logged.Error}]";
        string head = m.Http is { } http ? MessageFormat.HttpSummary(http) + "  " : "";
        string text = string.Create(i,
            $"{(logged.Error is null ? ' ' : '!')} {dir} {kind,-8} {m.Index,3}  {offset,-9} {m.Length,7}  {packets,-15} {m.Segments,5}  {how,-13}  {head}{TerminalText.Preview(logged.Preview, m.Length, CaptureModel.PreviewBytes)}{error}");
        var lineKind = logged.Error is not null ? LineKind.Error : m.Direction == Direction.Orig ? LineKind.Orig : LineKind.Resp;
        return new ScopeLine(text, m.FirstFrame, lineKind);
    }
}
