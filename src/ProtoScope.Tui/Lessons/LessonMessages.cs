using ProtoScope.Core.Framing;
using ProtoScope.Core.Session;

namespace ProtoScope.Tui.Lessons;

/// <summary>
/// The length-prefixed messages of the conversation the lesson is about, so a data packet's lesson can say which
/// messages its bytes belong to. The model does not keep messages (see <see cref="CaptureModel"/>): like the Frames
/// view, this rebuilds them from the conversation's stored packets with the same framer, on a worker thread, and
/// again when the conversation has grown (at most once a second while packets arrive).
/// </summary>
public sealed class LessonMessages(CaptureModel model)
{
    private Conversation? _conversation;
    private long _builtLastFrame = -1;
    private long _lastBuild;
    private Task<List<FramedMessage>>? _building;
    private List<FramedMessage>? _built;

    /// <summary>
    /// The messages of <paramref name="c"/> as last built, or null while the first build runs (ask again on a
    /// later tick). Call on the UI thread.
    /// </summary>
    public IReadOnlyList<FramedMessage>? Of(Conversation c)
    {
        if (!ReferenceEquals(c, _conversation))
        {
            _conversation = c;
            _built = null;
            _building = null;
            _builtLastFrame = -1;
        }
        if (_building is { IsCompleted: true } done)
        {
            _building = null;
            _built = done.Result;
        }
        long last = c.LastFrame, now = Environment.TickCount64;
        if (_building is null && last != _builtLastFrame && (_built is null || now - _lastBuild >= 1000))
        {
            _builtLastFrame = last;
            _lastBuild = now;
            var table = model.Table;
            int count = table.Count, unit = model.Session.TimestampUnit;
            _building = Task.Run(() =>
            {
                var log = new FramedMessageLog();
                new StoredConversation(table, c, count, unit).Messages(CaptureModel.Framing, log);
                var messages = new List<LoggedMessage>();
                log.Read(c.Transport, c.Id, 0, messages);
                return messages.Select(m => m.Message).Where(m => m.Kind == MessageKind.LengthPrefixed).ToList();
            });
        }
        return _built;
    }

    /// <summary>Whether a build is running whose result the lesson has not shown yet.</summary>
    public bool Building => _building is not null;
}
