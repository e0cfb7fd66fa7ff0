using ProtoScope.Core.Session;

namespace ProtoScope.Tui.Streams;

/// <summary>
/// A conversation view whose content Core rebuilds from the conversation's stored packets (<see cref="StoredConversation"/>: Follow, Frames):
/// the work runs on a worker thread, the UI thread only shows the finished result on its tick, and while packets
/// arrive it is redone at most once a second.
/// </summary>
public abstract class RebuiltConversationView<T>(CaptureModel model, string title, Action<long> selectPacket)
    : ConversationView(model, title, selectPacket) where T : class
{
    private Task<T>? _building;
    private long _builtLastFrame;
    private long _lastBuild;

    /// <summary>The rebuild in progress, if any (tests wait for it).</summary>
    public Task? Building => _building;

    /// <summary>What the view says while its first build runs.</summary>
    protected abstract string Working { get; }

    /// <summary>Works the content out from the conversation's stored packets; runs on a worker.</summary>
    protected abstract T Build(StoredConversation stored);

    /// <summary>Shows a finished build; on the UI thread.</summary>
    protected abstract void Show(Conversation conversation, T built);

    protected override void Restart(Conversation conversation)
    {
        _building = null;
        _builtLastFrame = -1;
    }

    protected override void Refresh(bool force)
    {
        var c = Conversation!;
        if (_building is { IsCompleted: true } done)
        {
            _building = null;
            Show(c, done.Result);
        }
        long last = c.LastFrame;
        long now = Environment.TickCount64;
        if (_building is null && last != _builtLastFrame && (force || now - _lastBuild >= 1000))
        {
            _builtLastFrame = last;
            _lastBuild = now;
            var table = Model.Table;
            int count = table.Count, unit = Model.Session.TimestampUnit;
            _building = Task.Run(() => Build(new StoredConversation(table, c, count, unit)));
        }
        if (force && _building is not null && Lines.Lines.Count == 0) Lines.Set([new ScopeLine(Working)]);
    }
}
