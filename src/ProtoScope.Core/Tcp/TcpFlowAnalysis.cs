namespace ProtoScope.Core.Tcp;

/// <summary>
/// What one direction of a connection has shown so far for TCP analysis: the next sequence number expected, the
/// last acknowledgment and the last window, as Wireshark keeps them per flow (tcp_flow_t in packet-tcp.c: nextseq,
/// lastack, window) for its tcp.analysis flags. Retransmission, keep-alive, window update and zero window are
/// decided here, simplified: Wireshark's duplicate ACKs, RTT, out-of-order and lost segments need more of its
/// per-flow state, which belongs in this struct too.
/// </summary>
/// <remarks>A struct of 12 bytes held inside its <see cref="TcpConnection"/>, one per direction.</remarks>
public struct TcpFlowAnalysis
{
    /// <summary>One past the highest sequence number sent (SYN and FIN count one each), when <see cref="_hasNextSeq"/>.</summary>
    private SequenceNumber _nextSeq;
    private SequenceNumber _lastAck;
    private ushort _lastWindow;
    private bool _hasNextSeq;
    private bool _hasLastAck;

    /// <summary>
    /// The analysis flag of a segment of this direction that is not a handshake or teardown step, from the state
    /// before it; <see cref="PacketRole.None"/> when it is plain data or a plain ACK. First match wins, in
    /// Wireshark's order of precedence for these flags.
    /// </summary>
    public readonly PacketRole Classify(in TcpSegment seg)
    {
        // packet-tcp.c: zero or one byte, one below the next expected sequence number.
        if (_hasNextSeq && seg.Length <= 1 && seg.Seq == _nextSeq - 1) return PacketRole.KeepAlive;
        if (seg.Length > 0 && !CarriesNewSequenceSpace(in seg)) return PacketRole.Retransmission;
        if (seg.Window == 0) return PacketRole.ZeroWindow;
        // packet-tcp.c: no data, same ACK, another window, at the next expected sequence number.
        if (seg.Length == 0 && _hasLastAck && seg.Ack == _lastAck && seg.Window != _lastWindow && _hasNextSeq && seg.Seq == _nextSeq)
            return PacketRole.WindowUpdate;
        return PacketRole.None;
    }

    private readonly bool CarriesNewSequenceSpace(in TcpSegment seg) => !_hasNextSeq || seg.End > _nextSeq;

    /// <summary>Takes in a segment of this direction (every one but a RST), after it was classified.</summary>
    public void Advance(in TcpSegment seg)
    {
        if (CarriesNewSequenceSpace(in seg))
        {
            _nextSeq = seg.End;
            _hasNextSeq = true;
        }
        if (seg.HasAck)
        {
            _lastAck = seg.Ack;
            _hasLastAck = true;
        }
        _lastWindow = seg.Window;
    }
}
