using System.Globalization;
using ProtoScope.Core.Graphs;
using ProtoScope.Core.Session;
using ProtoScope.Core.Tcp;
using ProtoScope.Tui.Streams;

namespace ProtoScope.Tui.Graphs;

/// <summary>
/// Wireshark's TCP Stream Graphs of one connection and direction (<see cref="TcpGraphKind"/>: time-sequence
/// Stevens and tcptrace, throughput, round-trip time, window), drawn as <c>protoscope graph</c> draws them. A cursor
/// column picks a time; Enter goes to the packet of the mark nearest to it. Its keys are <see cref="KeyMap.Graph"/>.
/// </summary>
/// <remarks>
/// The graph is made by replaying the connection's stored packets (<see cref="StoredConversation.Replay"/>) into a
/// <see cref="TcpGraphPlot"/>, whose fixed number of buckets is all that is kept: no object per packet. A zoom or a
/// pan draws the graph again over the new time range (the buckets then hold that range at full resolution). The
/// replay runs on a worker (a million-packet connection takes a few tenths of a second) and posts its plot to the
/// UI thread; a newer request makes an older replay stop and its plot be dropped.
/// </remarks>
public sealed class TcpGraphView : ConversationView
{
    /// <summary>Each zoom step halves (or doubles) the time shown; each pan step moves it by a quarter.</summary>
    private const double ZoomStep = 2, PanStep = 0.25;

    /// <summary>Milliseconds between the pictures of a replay still running.</summary>
    private const long PartialInterval = 100;

    private readonly IApplication _app;
    private readonly Action<long> _selectPacket;
    private TcpGraphKind _kind = TcpGraphKind.Tcptrace;
    private Direction _direction;
    /// <summary>The time range shown when zoomed (seconds since the capture's first packet); null for all of the connection.</summary>
    private (double From, double To)? _zoom;
    /// <summary>The connection's whole time range, from the last graph drawn without a zoom.</summary>
    private (double From, double To) _whole;
    private Task<Plot>? _building;
    private int _generation;
    private long _builtLastFrame = -1;
    private long _lastBuild;

    public TcpGraphView(IApplication app, CaptureModel model, Action<long> selectPacket) : base(model, "Graph", selectPacket)
    {
        _app = app;
        _selectPacket = selectPacket;
        Canvas = new PlotCanvas("Graph");
        // The graph takes the place of the line list the other conversation views show.
        View.Remove(Lines.Table);
        View.Add(Canvas);
        Canvas.Show(null, Hint);
    }

    public PlotCanvas Canvas { get; }

    public TcpGraphKind Kind => _kind;
    public Direction Direction => _direction;

    /// <summary>The plot shown; null before the first replay has finished.</summary>
    public Plot? Plot { get; private set; }

    /// <summary>The replay in progress, if any (tests wait for it, then <see cref="ConversationView.Tick"/> shows its plot).</summary>
    public Task? Building => _building;

    protected override string Hint => "No connection chosen: select a TCP packet or connection and press g.";

    public override void Shown() => Canvas.SetFocus();

    public override bool HandleKey(Key key) => Conversation is TcpConnection && KeyMap.Run(KeyMap.Graph, this, key);

    protected override void Restart(Conversation conversation)
    {
        // The direction that sent more data, whose segments the time-sequence graphs are about.
        _direction = conversation.Resp.PayloadBytes > conversation.Orig.PayloadBytes ? Direction.Resp : Direction.Orig;
        _zoom = null;
        _builtLastFrame = -1;
        Plot = null;
        Canvas.CursorTime = null;
        Canvas.Show(null);
    }

    protected override void Refresh(bool force)
    {
        var c = Conversation!;
        if (c is not TcpConnection)
        {
            if (!force) return;
            Canvas.Title = $"Graph — {Endpoints(c)}";
            Canvas.Show(null, "The graphs are for TCP connections: this is a UDP conversation (f shows its datagrams, 8 the I/O graph).");
            Canvas.Status = "";
            return;
        }
        if (_building is { IsCompleted: true } done) Take(done);
        // A live connection grows: drawn again at most once a second, as the other conversation views are.
        long now = Environment.TickCount64;
        if (force || _building is null && c.LastFrame != _builtLastFrame && now - _lastBuild >= 1000) Draw();
    }

    /// <summary>Shows the next graph type (back: the previous).</summary>
    public void NextKind(bool back = false)
    {
        int count = Enum.GetValues<TcpGraphKind>().Length;
        _kind = (TcpGraphKind)(((int)_kind + (back ? count - 1 : 1)) % count);
        Draw();
    }

    /// <summary>Graphs the other direction's data (the ACKs then come from this one).</summary>
    public void SwapDirection()
    {
        _direction = _direction == Direction.Orig ? Direction.Resp : Direction.Orig;
        Draw();
    }

    /// <summary>Moves the cursor by <paramref name="columns"/>, or to the first or last column.</summary>
    public void MoveCursor(int columns, bool toEdge = false)
    {
        if (Canvas.Picture is not { } p) return;
        int at = Canvas.CursorColumn < 0 ? p.Left : Canvas.CursorColumn;
        int column = toEdge ? (columns < 0 ? p.Left : p.Left + p.PlotWidth - 1) : Math.Clamp(at + columns, p.Left, p.Left + p.PlotWidth - 1);
        Canvas.CursorTime = p.XAt(column);
        ShowStatus();
    }

    /// <summary>Zooms the time axis in (or out) around the cursor; out to the whole connection drops the zoom.</summary>
    public void Zoom(bool zoomIn)
    {
        var (from, to) = _zoom ?? _whole;
        if (to <= from) return;
        double centre = Canvas.CursorTime ?? (from + to) / 2;
        double width = (to - from) * (zoomIn ? 1 / ZoomStep : ZoomStep);
        SetZoom(centre - (centre - from) * width / (to - from), width);
    }

    /// <summary>Moves the zoomed time range a quarter of its width later (or earlier); the cursor keeps its time.</summary>
    public void Pan(int direction)
    {
        if (_zoom is not { } zoom) return;
        double width = zoom.To - zoom.From;
        SetZoom(zoom.From + direction * PanStep * width, width);
    }

    public void ResetZoom()
    {
        if (_zoom is null) return;
        _zoom = null;
        Draw();
    }

    /// <summary>Selects the packet of the mark nearest to the cursor in the packet list.</summary>
    public void GoToPacket()
    {
        if (PacketAtCursor() is > 0 and var frame) _selectPacket(frame);
    }

    /// <summary>The packet of the mark nearest to the cursor's time; 0 for none.</summary>
    public long PacketAtCursor() => Plot is { } plot && Canvas.CursorTime is double x ? plot.FrameNear(x) : 0;

    /// <summary>Shows [from, from + width], kept inside the connection's time range.</summary>
    private void SetZoom(double from, double width)
    {
        var (first, last) = _whole;
        if (width >= last - first)
        {
            ResetZoom();
            return;
        }
        from = Math.Clamp(from, first, last - width);
        _zoom = (from, from + width);
        if (Canvas.CursorTime is double x) Canvas.CursorTime = Math.Clamp(x, from, from + width);
        Draw();
    }

    /// <summary>Starts a replay of the connection for the graph as now chosen; an older one still running stops.</summary>
    private void Draw()
    {
        var c = (TcpConnection)Conversation!;
        var table = Model.Table;
        int count = table.Count, unit = Model.Session.TimestampUnit;
        var (kind, direction, zoom) = (_kind, _direction, _zoom);
        int generation = ++_generation;
        _builtLastFrame = c.LastFrame;
        _lastBuild = Environment.TickCount64;
        var building = Task.Run(() =>
        {
            var plot = new TcpGraphPlot(kind, $"connection {c.Id}, {direction.Name()} data", zoom?.From, zoom?.To);
            var source = new TcpGraphSource(direction, table.FirstTimestamp, plot, rates: kind == TcpGraphKind.Throughput);
            // A zoomed graph needs no packet after its range (a packet's analysis depends only on those before it),
            // but a capture's timestamps may step back a little: the replay stops a second past the range.
            long end = zoom is { } z ? table.FirstTimestamp + (long)((z.To + 1) * 1e9) : long.MaxValue;
            bool past = false;
            long packets = Math.Max(1, c.Orig.Packets + c.Resp.Packets), seen = 0, shown = Environment.TickCount64;
            // Alone in the replay's session, the connection needs no test of its id.
            new StoredConversation(table, c, count, unit).Replay(
                s =>
                {
                    source.Add(s);
                    past = s.LastTimestamp > end;
                    // A long connection's graph is shown as it grows, a copy every tenth of a second: the first
                    // picture of a million-packet connection is on screen long before its replay ends.
                    if ((++seen & 0x3FFF) != 0 || Environment.TickCount64 - shown < PartialInterval) return;
                    shown = Environment.TickCount64;
                    var partial = plot.Plot.Snapshot();
                    double done = Math.Min(1, (double)seen / packets);
                    _app.Invoke(() => ShowPartial(generation, partial, done));
                },
                () => past || Volatile.Read(ref _generation) != generation);
            return plot.Plot;
        });
        _building = building;
        building.ContinueWith(_ => _app.Invoke(() => Take(building)), TaskScheduler.Default);
        Canvas.Title = TitleText();
        Canvas.Status = "drawing…";
    }

    /// <summary>Shows the graph of a replay still running, unless it has finished or a newer one has been asked for since.</summary>
    private void ShowPartial(int generation, Plot partial, double done)
    {
        if (generation != _generation || _building is null || _building.IsCompleted) return;
        Canvas.Show(partial);
        Canvas.Status = $"drawing… {done:P0} of the connection's packets";
    }

    /// <summary>Shows a finished replay's plot, unless a newer one has been asked for since.</summary>
    private void Take(Task<Plot> building)
    {
        if (!ReferenceEquals(building, _building)) return;
        _building = null;
        if (!building.IsCompletedSuccessfully) return;
        Plot = building.Result;
        if (_zoom is null) _whole = (Plot.XFrom, Plot.XTo);
        Canvas.Show(Plot);
        Canvas.CursorTime ??= Plot.XFrom;
        Canvas.Title = TitleText();
        ShowStatus();
    }

    private string TitleText() =>
        $"Graph: {_kind.Title()} — TCP {Conversation!.Id}, {_direction.Name()} data  {KeyMap.Labels(KeyMap.Graph)}";

    private void ShowStatus()
    {
        if (_building is not null) return;
        string zoom = _zoom is { } z ? $"  zoomed to {Seconds(z.From)}–{Seconds(z.To)} s (0 shows all)" : "";
        long frame = PacketAtCursor();
        Canvas.Status = Canvas.CursorTime is double x
            ? $"cursor {Seconds(x)} s: " + (frame > 0 ? $"packet {frame} (Enter goes to it)" : "no packet") + zoom
            : zoom.TrimStart();
    }

    private static string Seconds(double x) => x.ToString("F6", CultureInfo.InvariantCulture);
}
