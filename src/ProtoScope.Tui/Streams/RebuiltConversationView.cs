using ProtoScope.Core.Decoding;
using ProtoScope.Core.Session;
using ProtoScope.Core.Tcp;

namespace ProtoScope.Tui.Streams;

/// <summary>
/// A conversation view whose content is worked out again from the conversation's stored packets (Follow, Frames):
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

    /// <summary>Works the content out from the conversation's packets (table rows, in capture order); runs on a worker.</summary>
    protected abstract T Build(PacketTable table, List<int> rows, Conversation conversation, int timestampUnit);

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
            int first = (int)Math.Max(0, c.FirstFrame - 1), count = table.Count, unit = Model.Session.TimestampUnit;
            _building = Task.Run(() => Build(table, RowsOf(table, c, first, count), c, unit));
        }
        if (force && _building is not null && Lines.Lines.Count == 0) Lines.Set([new ScopeLine(Working)]);
    }

    private static List<int> RowsOf(PacketTable table, Conversation c, int first, int count)
    {
        var rows = new List<int>();
        var transport = c is TcpConnection ? Transport.Tcp : Transport.Udp;
        for (int row = first; row < count; row++)
        {
            var chunk = table.ChunkOf(row, out int i);
            if (chunk.Conversation[i] == c.Id && (Transport)chunk.Transport[i] == transport) rows.Add(row);
        }
        return rows;
    }
}
