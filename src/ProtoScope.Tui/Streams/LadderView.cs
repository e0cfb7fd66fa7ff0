using ProtoScope.Core.Decoding;
using ProtoScope.Core.Formatting;
using ProtoScope.Core.Session;
using ProtoScope.Core.Tcp;

namespace ProtoScope.Tui.Streams;

/// <summary>
/// One TCP connection as <c>protoscope ladder</c> draws it (<see cref="LadderFormat"/>): the originator's and the
/// responder's lifelines, an arrow per packet with its role, and each side's RFC 9293 state where it changes. The
/// steps are read from the packet table (role and state bytes the tracker wrote in the one pass), never derived
/// again. <c>e</c> expands collapsed runs of data and ACKs; Enter selects the packet of the arrow under the cursor.
/// The cursor and the packet list move together: the main window moves the cursor to the arrow of the packet
/// selected (<see cref="Highlight"/>), and moving the cursor here raises <see cref="PacketPointed"/>.
/// </summary>
public sealed class LadderView : ConversationView
{
    private readonly List<LadderStep> _steps = [];
    /// <summary>Per line: the first and last packet it draws (a collapsed run draws several; a heading none: 0).</summary>
    private readonly List<(long First, long Last)> _lineFrames = [];
    private long _highlighted;
    /// <summary>A packet the list selected before this ladder read it (the list and the ladder read the table at different moments).</summary>
    private long _pending;
    private bool _placing;
    private int _scanned;
    private int _drawn = -1;
    private long _lastDraw;

    public LadderView(CaptureModel model, Action<long> selectPacket) : base(model, "Ladder", selectPacket)
    {
        Lines.Table.ValueChanged += (_, _) =>
        {
            if (_placing || Lines.SelectedIndex is not (int i and >= 0) || i >= _lineFrames.Count) return;
            var (frame, last) = _lineFrames[i];
            if (frame <= 0 || _highlighted >= frame && _highlighted <= last) return;
            _highlighted = frame;
            _pending = 0;
            PacketPointed?.Invoke(frame);
        };
    }

    /// <summary>Raised with the frame of the arrow the user moved the cursor to.</summary>
    public event Action<long>? PacketPointed;

    /// <summary>The packet whose arrow the cursor is on (0 for none).</summary>
    public long Highlighted => _highlighted;

    /// <summary>
    /// Puts the cursor on the arrow of packet <paramref name="frame"/> (on its collapsed run when it is in one);
    /// false when the ladder does not draw that packet. A packet the ladder has not read yet gets the cursor when it arrives.
    /// </summary>
    public bool Highlight(long frame)
    {
        if (Place(frame))
        {
            _pending = 0;
            return true;
        }
        if (frame > _scanned) _pending = frame;
        return false;
    }

    private bool Place(long frame)
    {
        int line = LineOf(frame);
        if (line < 0) return false;
        _highlighted = frame;
        _placing = true;
        try
        {
            Lines.Select(line);
        }
        finally
        {
            _placing = false;
        }
        return true;
    }

    /// <summary>The arrow line of <paramref name="frame"/> (each packet has a label line, then its arrow), or the run holding it; -1 if none.</summary>
    private int LineOf(long frame)
    {
        for (int i = _lineFrames.Count - 1; i >= 0; i--)
        {
            var (first, last) = _lineFrames[i];
            if (first > 0 && frame >= first && frame <= last) return i;
        }
        return -1;
    }

    /// <summary>Draw every packet instead of collapsing quiet runs (as <c>protoscope ladder --expand</c>).</summary>
    public bool Expand { get; private set; }

    protected override string Hint => "No connection chosen: select a TCP packet or connection and press l.";

    public override bool HandleKey(Key key)
    {
        if (key.AsRune.Value == 'e' && Conversation is not null)
        {
            Expand = !Expand;
            Refresh(force: true);
            return true;
        }
        return base.HandleKey(key);
    }

    protected override void Restart(Conversation conversation)
    {
        _steps.Clear();
        _lineFrames.Clear();
        _highlighted = 0;
        _pending = 0;
        _scanned = (int)Math.Max(0, conversation.FirstFrame - 1);
        _drawn = -1;
    }

    protected override void Refresh(bool force)
    {
        var c = Conversation!;
        if (c is not TcpConnection tcp)
        {
            Lines.Table.Title = $"Ladder — {Endpoints(c)}";
            if (force) Lines.Set([new ScopeLine("A ladder draws a TCP connection; this UDP conversation has no handshake or teardown. f shows its datagrams.")]);
            return;
        }
        var table = Model.Table;
        int count = table.Count;
        for (int row = _scanned; row < count; row++)
        {
            var chunk = table.ChunkOf(row, out int i);
            var flow = table.FlowOf(chunk.Flow[i]);
            if (flow.Conversation != c.Id || (Transport)chunk.Transport[i] != Transport.Tcp) continue;
            var flags = (TcpFlags)chunk.Flags[i];
            _steps.Add(new LadderStep(row + 1L, table.Address(flow.Src), flow.SrcPort, flags, chunk.RelativeSeq[i],
                chunk.RelativeAck[i], (flags & TcpFlags.Ack) != 0, chunk.PayloadLength(i), chunk.Role(i),
                table.SenderState(row), table.ReceiverState(row)));
        }
        _scanned = count;
        // Redraw when steps arrived (at most once a second for a long ladder) or when the heading's summary can change.
        long now = Environment.TickCount64;
        if (!force && (_steps.Count == _drawn || _steps.Count > 5000 && now - _lastDraw < 1000)) return;
        _drawn = _steps.Count;
        _lastDraw = now;
        var lines = new List<ScopeLine>(_steps.Count * 2 + 8);
        _lineFrames.Clear();
        foreach (var line in LadderFormat.Lines(tcp, _steps, Expand, colour: false))
        {
            lines.Add(new ScopeLine(line.Text, line.Frame, KindOf(line)));
            _lineFrames.Add((line.Frame, line.Packets > 1 ? LastOfRun(line.Frame, line.Packets) : line.Frame));
        }
        _placing = true;
        try
        {
            Lines.Set(lines);
        }
        finally
        {
            _placing = false;
        }
        // A packet the list selected before this ladder read it takes the cursor now. Otherwise, as runs collapse and
        // lines come and go, the cursor stays on its packet, not on its line number.
        bool placed = _pending > 0 && Place(_pending);
        if (placed || _pending <= _scanned) _pending = 0;
        if (!placed && _highlighted > 0) Place(_highlighted);
        Lines.Table.Title = $"Ladder — {Endpoints(c)}, {_steps.Count} packets  e {(Expand ? "collapse" : "expand")}  Enter packet";
    }

    /// <summary>The frame of the last packet of the run of <paramref name="packets"/> steps that starts at <paramref name="first"/>.</summary>
    private long LastOfRun(long first, int packets)
    {
        // Steps are in frame order: a binary search keeps a long ladder's rebuild linear.
        int lo = 0, hi = _steps.Count - 1;
        while (lo < hi)
        {
            int mid = (lo + hi) / 2;
            if (_steps[mid].Frame < first) lo = mid + 1;
            else hi = mid;
        }
        return _steps.Count == 0 ? first : _steps[Math.Min(_steps.Count - 1, lo + packets - 1)].Frame;
    }

    private static LineKind KindOf(in LadderLine line) => line.Frame == 0 ? LineKind.Heading : line.Role switch
    {
        PacketRole.HandshakeSyn or PacketRole.HandshakeSynAck or PacketRole.HandshakeAck => LineKind.Handshake,
        PacketRole.TeardownFin or PacketRole.TeardownAckOfFin or PacketRole.TeardownSecondFin or PacketRole.TeardownAckOfSecondFin => LineKind.Teardown,
        PacketRole.Reset => LineKind.Reset,
        PacketRole.Data => LineKind.Data,
        _ => LineKind.Quiet,
    };
}
