using ProtoScope.Core.Session;

namespace ProtoScope.Core.Tcp;

/// <summary>
/// What drives the two <see cref="ZeekEndpoint"/>s, so that conn_state, history and byte counts agree with conn.log.
/// It lives in the connection because, as in Zeek, it also writes the connection's history and may swap originator
/// and responder. The rules follow Zeek's TCPSessionAdapter::Process (packet_analysis/protocol/tcp/TCPSessionAdapter.cc) step by step:
/// endpoint initialisation, history letters, zero windows, acknowledgments, retransmissions (last_seq not
/// advanced by a packet carrying data) and the per-endpoint state machine. Zeek's timers (attempt, close and
/// inactivity expiry) are not modelled: a connection lives as long as its tshark stream.
/// </summary>
public sealed partial class TcpConnection
{
    /// <summary>Zeek's TOO_LARGE_SEQ_DELTA: a SYN or RST this far from the last sequence number is not trusted.</summary>
    private const int TooLargeSeqDelta = 1048576;

    /// <summary>One segment from <paramref name="src"/> (Zeek's endpoint; its dst is Zeek's peer).</summary>
    private void TrackZeek(ref ZeekEndpoint src, in TcpSegment seg)
    {
        bool syn = seg.IsSyn, ack = seg.HasAck, fin = seg.IsFin, rst = seg.IsRst;
        int len = seg.Length;
        SequenceNumber baseSeq = seg.Seq, ackSeq = seg.Ack;
        bool isOrig = IsOrig(ref src);
        ref var dst = ref Peer(ref src);

        int segLen = len + (syn ? 1 : 0) + (fin ? 1 : 0);
        if (rst) segLen -= len; // data on a RST is not part of the stream
        SequenceNumber onePast = baseSeq + segLen;

        InitEndpoint(ref src, syn, baseSeq, onePast);
        ulong relSeq = ZeekRelativeSeq(in src, baseSeq, src.LastSeq, src.SeqWraps, out _);
        UpdateHistory(ref src, syn, ack, fin, rst, relSeq, len);

        // Zeek's update_window: a zero window is boring with or after a RST, or after the receiver's FIN.
        if (seg.Window == 0 && !rst && dst.State != ZeekEndpointState.Closed && src.State != ZeekEndpointState.Reset)
            _history.Scaled(IsOrig(ref src) ? 'W' : 'w', ref src.ZeroWindowCount, ref src.ZeroWindowScale);

        if (fin) src.FinSeen = true;

        if (ack)
        {
            if (dst.State == ZeekEndpointState.Inactive)
                dst.InitSequence(ackSeq - 1, ackSeq - 1); // as if its SYN had been seen
            else
            {
                ZeekRelativeSeq(in dst, ackSeq, dst.AckSeq, dst.AckWraps, out bool ackUnderflow);
                // Acknowledgments on RSTs are not trusted; a jump to exactly 0 is more likely broken than real.
                if (!ackUnderflow && !rst)
                {
                    int deltaAck = ackSeq - dst.AckSeq;
                    if (!(ackSeq.Raw == 0 && deltaAck > TooLargeSeqDelta) && deltaAck > 0) dst.UpdateAckSeq(ackSeq);
                }
            }
        }

        UpdateLastSeq(ref src, onePast, syn, fin, rst, len);
        UpdateStateMachine(ref src, ref dst, baseSeq, len, isOrig, syn, ack, fin, rst);
    }

    private static void InitEndpoint(ref ZeekEndpoint src, bool syn, SequenceNumber firstSeq, SequenceNumber lastSeq)
    {
        switch (src.State)
        {
            case ZeekEndpointState.Inactive:
                if (syn) src.InitSequence(firstSeq, lastSeq);
                // No SYN: number as though there had been one, and do not count this first packet as a retransmission.
                else src.InitSequence(firstSeq - 1, firstSeq);
                break;
            case ZeekEndpointState.SynSent or ZeekEndpointState.SynAckSent:
                if (syn && firstSeq != src.StartSeq) src.InitSequence(firstSeq, lastSeq);
                break;
            case ZeekEndpointState.Established or ZeekEndpointState.Partial:
                // A SYN inside a connection: guess that this SYN is the one that really set it up.
                if (syn) src.InitSequence(firstSeq, lastSeq);
                break;
            case ZeekEndpointState.Reset:
                // Sequence numbers came from a RST (perhaps spoofed); a SYN from this side is more trustworthy.
                if (syn && src.PrevState == ZeekEndpointState.Inactive) src.InitSequence(firstSeq, lastSeq);
                break;
        }
    }

    /// <summary>Zeek's get_relative_seq: a sequence number relative to the endpoint's start, across wraps.</summary>
    private static ulong ZeekRelativeSeq(in ZeekEndpoint src, SequenceNumber cur, SequenceNumber last, uint wraps, out bool underflow)
    {
        underflow = false;
        int delta = cur - last;
        // Zeek counts a wrap when the serial order and the unsigned order of the two numbers disagree.
        if (delta < 0) { if (wraps != 0 && cur.Raw > last.Raw) wraps--; }
        else if (delta > 0) { if (cur.Raw < last.Raw) wraps++; }
        if (wraps == 0)
        {
            delta = cur - src.StartSeq;
            underflow = delta < 0;
            return unchecked((ulong)(long)delta);
        }
        return unchecked(((ulong)wraps << 32) + cur.Raw - src.StartSeq.Raw);
    }

    /// <summary>Zeek's update_history: one letter per kind of packet and side, SYN/FIN/RST again only with a new sequence number.</summary>
    private void UpdateHistory(ref ZeekEndpoint src, bool syn, bool ack, bool fin, bool rst, ulong relSeq, int len)
    {
        int bits = (syn ? 1 : 0) + (fin ? 1 : 0) + (rst ? 1 : 0);
        if (bits > 1)
        {
            if (fin && rst) Check(ref src, ConnectionHistory.Mask.FinRst, 'I');
            else Check(ref src, ConnectionHistory.Mask.MultiFlag, 'Q');
        }
        else if (bits == 1)
        {
            if (syn)
            {
                char code = ack ? 'H' : 'S';
                if (Check(ref src, ConnectionHistory.Mask.Syn, code) && relSeq != src.HistLastSyn) AddHistory(ref src, code);
                src.HistLastSyn = relSeq;
            }
            if (fin)
            {
                // A FIN's sequence number is at the end of its data.
                ulong finSeq = relSeq + (ulong)len;
                if (Check(ref src, ConnectionHistory.Mask.Fin, 'F') && finSeq != src.HistLastFin) AddHistory(ref src, 'F');
                src.HistLastFin = finSeq;
            }
            if (rst)
            {
                if (Check(ref src, ConnectionHistory.Mask.Rst, 'R') && relSeq != src.HistLastRst) AddHistory(ref src, 'R');
                src.HistLastRst = relSeq;
            }
        }
        else if (len > 0) Check(ref src, ConnectionHistory.Mask.Data, 'D');
        else if (ack) Check(ref src, ConnectionHistory.Mask.Ack, 'A');
    }

    /// <summary>
    /// Zeek's TCP_Endpoint::CheckHistory, including its late flip: a connection that began with a SYN-ACK (history
    /// "H") and now shows an ACK or data is flipped, its history rewritten as "^h".
    /// </summary>
    private bool Check(ref ZeekEndpoint src, ConnectionHistory.Mask mask, char code)
    {
        if (code is 'A' or 'D' && _history.Length == 1 && _history.ToString() == "H")
        {
            FlipRoles();
            _history.Replace("^h");
        }
        return _history.Check(mask, code, IsOrig(ref src));
    }

    private void AddHistory(ref ZeekEndpoint src, char code) => _history.Add(IsOrig(ref src) ? code : char.ToLowerInvariant(code));

    /// <summary>Zeek's update_last_seq; a packet with data that does not advance the last sequence number is a retransmission (T).</summary>
    private void UpdateLastSeq(ref ZeekEndpoint src, SequenceNumber lastSeq, bool syn, bool fin, bool rst, int len)
    {
        int delta = lastSeq - src.LastSeq;
        if ((syn || rst) && (delta > TooLargeSeqDelta || delta < -TooLargeSeqDelta)) { }
        else if (fin && src.LastSeq == src.StartSeq + 1) src.UpdateLastSeq(lastSeq); // > 2 GB with only SYN and FIN seen
        else if (src.State == ZeekEndpointState.Reset) { }
        else if (delta > 0) src.UpdateLastSeq(lastSeq);
        else if (len > 0)
            _history.Scaled(IsOrig(ref src) ? 'T' : 't', ref src.RetransmitCount, ref src.RetransmitScale);
    }

    private void UpdateStateMachine(ref ZeekEndpoint src, ref ZeekEndpoint dst, SequenceNumber baseSeq, int len, bool isOrig, bool syn, bool ack, bool fin, bool rst)
    {
        switch (src.State)
        {
            case ZeekEndpointState.Inactive:
                UpdateInactive(ref src, ref dst, baseSeq, len, isOrig, syn, ack, fin, rst);
                break;
            case ZeekEndpointState.SynSent or ZeekEndpointState.SynAckSent:
                if (fin) src.SetState(ZeekEndpointState.Closed);
                if (rst) src.SetState(ZeekEndpointState.Reset);
                break;
            case ZeekEndpointState.Established or ZeekEndpointState.Partial:
                if (syn && src.State == ZeekEndpointState.Partial && dst.State == ZeekEndpointState.Inactive && !ack)
                    src.SetState(ZeekEndpointState.SynSent);
                if (fin && !rst)
                {
                    src.SetState(ZeekEndpointState.Closed);
                    // The receiver sent a FIN and then a RST: that was a normal close after all.
                    if (dst.State == ZeekEndpointState.Reset && dst.PrevState == ZeekEndpointState.Closed)
                        dst.SetState(ZeekEndpointState.Closed);
                }
                if (rst) src.SetState(ZeekEndpointState.Reset);
                break;
            case ZeekEndpointState.Closed:
                // After a complete FIN exchange a RST changes nothing.
                if (rst && dst.State != ZeekEndpointState.Closed) src.SetState(ZeekEndpointState.Reset);
                break;
        }
    }

    private void UpdateInactive(ref ZeekEndpoint src, ref ZeekEndpoint dst, SequenceNumber baseSeq, int len, bool isOrig, bool syn, bool ack, bool fin, bool rst)
    {
        if (syn)
        {
            if (isOrig)
                src.SetState(ack ? ZeekEndpointState.SynAckSent : ZeekEndpointState.SynSent);
            else
            {
                if (!ack && dst.State == ZeekEndpointState.SynAckSent && baseSeq == src.StartSeq)
                {
                    // SYN and SYN-ACK seen in reverse order (two interfaces, interrupt coalescing): flip and establish.
                    FlipRoles();
                    dst.SetState(ZeekEndpointState.Established);
                }
                if (dst.State == ZeekEndpointState.SynSent) dst.SetState(ZeekEndpointState.Established);
                src.SetState(ZeekEndpointState.Established);
            }
        }
        if (fin) src.SetState(ZeekEndpointState.Closed);
        if (rst) src.SetState(ZeekEndpointState.Reset);

        if (src.State == ZeekEndpointState.Inactive)
        {
            // Some stacks ACK a SYN before answering it: that ACK does not make a partial connection.
            if (!isOrig && len == 0 && Zeek(Direction.Orig).State == ZeekEndpointState.SynSent) { }
            // A SYN-ACK then an ACK: the SYN was missed; establish rather than call it partial.
            else if (ack && dst.State == ZeekEndpointState.Established) src.SetState(ZeekEndpointState.Established);
            else src.SetState(ZeekEndpointState.Partial);
        }
    }
}
