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
/// </summary>
public sealed class LadderView(CaptureModel model, Action<long> selectPacket)
    : ConversationView(model, "Ladder", selectPacket)
{
    private readonly List<LadderStep> _steps = [];
    private int _scanned;
    private int _drawn = -1;
    private long _lastDraw;

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
            if (chunk.Conversation[i] != c.Id || (Transport)chunk.Transport[i] != Transport.Tcp) continue;
            var flags = (TcpFlags)chunk.Flags[i];
            _steps.Add(new LadderStep(row + 1L, table.Address(chunk.Src[i]), chunk.SrcPort[i], flags, chunk.RelativeSeq[i],
                chunk.RelativeAck[i], (flags & TcpFlags.Ack) != 0, chunk.PayloadLength[i], (PacketRole)chunk.Role[i],
                table.SenderState(row), table.ReceiverState(row)));
        }
        _scanned = count;
        // Redraw when steps arrived (at most once a second for a long ladder) or when the heading's summary can change.
        long now = Environment.TickCount64;
        if (!force && (_steps.Count == _drawn || _steps.Count > 5000 && now - _lastDraw < 1000)) return;
        _drawn = _steps.Count;
        _lastDraw = now;
        var lines = new List<ScopeLine>(_steps.Count * 2 + 8);
        foreach (var line in LadderFormat.Lines(tcp, _steps, Expand, colour: false))
            lines.Add(new ScopeLine(line.Text, line.Frame, KindOf(line)));
        Lines.Set(lines);
        Lines.Table.Title = $"Ladder — {Endpoints(c)}, {_steps.Count} packets  e {(Expand ? "collapse" : "expand")}  Enter packet";
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
