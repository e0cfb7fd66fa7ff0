using System.Globalization;
using ProtoScope.Core.Formatting;
using ProtoScope.Core.Framing;
using ProtoScope.Core.Session;

namespace ProtoScope.Tui.Streams;

/// <summary>
/// The length-prefixed frames (and for UDP the datagrams) of one conversation, as the one pass's framer found
/// them (<see cref="CaptureModel.Frames"/>): direction, index, stream offset, length, the packets that carried it,
/// how many segments, sticky or split, a preview; then where framing stopped and why. Enter selects the frame's
/// first packet.
/// </summary>
public sealed class FramesView(CaptureModel model, Action<long> selectPacket)
    : ConversationView(model, "Frames", selectPacket)
{
    private readonly List<LoggedMessage> _messages = [];
    private FramingFailure[] _failures = [];
    private int _drawnFailures = -1;
    private int _drawn = -1;

    protected override string Hint => "No connection chosen: select a packet or connection and press f.";

    protected override void Restart(Conversation conversation)
    {
        _messages.Clear();
        _failures = [];
        _drawn = _drawnFailures = -1;
    }

    protected override void Refresh(bool force)
    {
        var c = Conversation!;
        _failures = Model.Frames.Read(c.Proto, c.Id, _messages.Count, _messages);
        if (!force && _messages.Count == _drawn && _failures.Length == _drawnFailures) return;
        _drawn = _messages.Count;
        _drawnFailures = _failures.Length;

        var lines = new List<ScopeLine>(_messages.Count + _failures.Length + 2)
        {
            new("  dir   kind      #  offset     length  packets          segs  how            preview", 0, LineKind.Heading),
        };
        foreach (var m in _messages) lines.Add(Line(m));
        foreach (var f in _failures)
        {
            string dir = f.Direction == Direction.Orig ? "orig" : "resp";
            lines.Add(f.NotFramed
                ? new ScopeLine($"  {dir}  not framed: {f.Reason} (offset {f.Offset})", 0, LineKind.Quiet)
                : new ScopeLine($"! {dir}  framing error at offset {f.Offset}, packet {f.Frame}: {f.Reason}", f.Frame, LineKind.Error));
        }
        if (_messages.Count == 0 && _failures.Length == 0)
            lines.Add(new ScopeLine(Model.State is CaptureState.Reading or CaptureState.Paused
                ? "  no frames yet" : "  no frames: the conversation carried no payload"));
        Lines.Set(lines);
        int frames = _messages.Count(m => m.Message.Kind == MessageKind.Frame), datagrams = _messages.Count - frames;
        int errors = _failures.Count(f => !f.NotFramed);
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
