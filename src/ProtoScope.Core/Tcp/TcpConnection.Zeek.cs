using ProtoScope.Core.Decoding;

namespace ProtoScope.Core.Tcp;

/// <summary>
/// Zeek's view of the connection, kept so that conn_state, history and byte counts agree with conn.log. The rules
/// follow Zeek's TCPSessionAdapter::Process (packet_analysis/protocol/tcp/TCPSessionAdapter.cc) step by step:
/// endpoint initialisation, history letters, zero windows, acknowledgments, retransmissions (last_seq not
/// advanced by a packet carrying data) and the per-endpoint state machine. Zeek's timers (attempt, close and
/// inactivity expiry) are not modelled: a connection lives as long as its tshark stream.
/// </summary>
public sealed partial class TcpConnection
{
    /// <summary>Zeek's TOO_LARGE_SEQ_DELTA: a SYN or RST this far from the last sequence number is not trusted.</summary>
    private const int TooLargeSeqDelta = 1048576;

    private void TrackZeek(ref TcpEndpoint ep, in DecodedPacket p)
    {
        var f = p.Flags;
        bool syn = (f & TcpFlags.Syn) != 0, ack = (f & TcpFlags.Ack) != 0, fin = (f & TcpFlags.Fin) != 0, rst = (f & TcpFlags.Rst) != 0;
        int len = p.PayloadLength;
        uint baseSeq = p.SequenceNumber, ackSeq = p.AcknowledgmentNumber;
        bool isOrig = IsOrig(ref ep);
        ref var peer = ref Peer(ref ep);

        int segLen = len + (syn ? 1 : 0) + (fin ? 1 : 0);
        if (rst) segLen -= len; // data on a RST is not part of the stream
        uint onePast = unchecked(baseSeq + (uint)segLen);

        InitEndpoint(ref ep, syn, baseSeq, onePast);
        ulong relSeq = ZeekRelativeSeq(in ep, baseSeq, ep.LastSeq, ep.SeqWraps, out _);
        UpdateHistory(ref ep, syn, ack, fin, rst, relSeq, len);

        // Zeek's update_window: a zero window is boring with or after a RST, or after the peer's FIN.
        if (p.Window == 0 && !rst && peer.ZeekState != ZeekEndpointState.Closed && ep.ZeekState != ZeekEndpointState.Reset)
            _history.Scaled(IsOrig(ref ep) ? 'W' : 'w', ref ep.ZeroWindowCount, ref ep.ZeroWindowScale);

        if (fin) ep.SentZeekFin = true;

        if (ack)
        {
            if (peer.ZeekState == ZeekEndpointState.Inactive)
                peer.InitSequence(unchecked(ackSeq - 1), unchecked(ackSeq - 1)); // as if its SYN had been seen
            else
            {
                ZeekRelativeSeq(in peer, ackSeq, peer.AckSeq, peer.AckWraps, out bool ackUnderflow);
                // Acknowledgments on RSTs are not trusted; a jump to exactly 0 is more likely broken than real.
                if (!ackUnderflow && !rst)
                {
                    int deltaAck = SequenceNumber.Diff(ackSeq, peer.AckSeq);
                    if (!(ackSeq == 0 && deltaAck > TooLargeSeqDelta) && deltaAck > 0) peer.UpdateAckSeq(ackSeq);
                }
            }
        }

        UpdateLastSeq(ref ep, onePast, syn, fin, rst, len);
        UpdateStateMachine(ref ep, ref peer, baseSeq, len, isOrig, syn, ack, fin, rst);
    }

    private static void InitEndpoint(ref TcpEndpoint ep, bool syn, uint firstSeq, uint lastSeq)
    {
        switch (ep.ZeekState)
        {
            case ZeekEndpointState.Inactive:
                if (syn) ep.InitSequence(firstSeq, lastSeq);
                // No SYN: number as though there had been one, and do not count this first packet as a retransmission.
                else ep.InitSequence(unchecked(firstSeq - 1), firstSeq);
                break;
            case ZeekEndpointState.SynSent or ZeekEndpointState.SynAckSent:
                if (syn && firstSeq != ep.StartSeq) ep.InitSequence(firstSeq, lastSeq);
                break;
            case ZeekEndpointState.Established or ZeekEndpointState.Partial:
                // A SYN inside a connection: guess that this SYN is the one that really set it up.
                if (syn) ep.InitSequence(firstSeq, lastSeq);
                break;
            case ZeekEndpointState.Reset:
                // Sequence numbers came from a RST (perhaps spoofed); a SYN from this side is more trustworthy.
                if (syn && ep.ZeekPrevState == ZeekEndpointState.Inactive) ep.InitSequence(firstSeq, lastSeq);
                break;
        }
    }

    /// <summary>Zeek's get_relative_seq: a sequence number relative to the endpoint's start, across wraps.</summary>
    private static ulong ZeekRelativeSeq(in TcpEndpoint ep, uint cur, uint last, uint wraps, out bool underflow)
    {
        underflow = false;
        int delta = SequenceNumber.Diff(cur, last);
        if (delta < 0) { if (wraps != 0 && cur > last) wraps--; }
        else if (delta > 0) { if (cur < last) wraps++; }
        if (wraps == 0)
        {
            delta = SequenceNumber.Diff(cur, ep.StartSeq);
            underflow = delta < 0;
            return unchecked((ulong)(long)delta);
        }
        return unchecked(((ulong)wraps << 32) + cur - (ulong)ep.StartSeq);
    }

    /// <summary>Zeek's update_history: one letter per kind of packet and side, SYN/FIN/RST again only with a new sequence number.</summary>
    private void UpdateHistory(ref TcpEndpoint ep, bool syn, bool ack, bool fin, bool rst, ulong relSeq, int len)
    {
        int bits = (syn ? 1 : 0) + (fin ? 1 : 0) + (rst ? 1 : 0);
        if (bits > 1)
        {
            if (fin && rst) Check(ref ep, ConnectionHistory.Mask.FinRst, 'I');
            else Check(ref ep, ConnectionHistory.Mask.MultiFlag, 'Q');
        }
        else if (bits == 1)
        {
            if (syn)
            {
                char code = ack ? 'H' : 'S';
                if (Check(ref ep, ConnectionHistory.Mask.Syn, code) && relSeq != ep.HistLastSyn) AddHistory(ref ep, code);
                ep.HistLastSyn = relSeq;
            }
            if (fin)
            {
                // A FIN's sequence number is at the end of its data.
                ulong finSeq = relSeq + (ulong)len;
                if (Check(ref ep, ConnectionHistory.Mask.Fin, 'F') && finSeq != ep.HistLastFin) AddHistory(ref ep, 'F');
                ep.HistLastFin = finSeq;
            }
            if (rst)
            {
                if (Check(ref ep, ConnectionHistory.Mask.Rst, 'R') && relSeq != ep.HistLastRst) AddHistory(ref ep, 'R');
                ep.HistLastRst = relSeq;
            }
        }
        else if (len > 0) Check(ref ep, ConnectionHistory.Mask.Data, 'D');
        else if (ack) Check(ref ep, ConnectionHistory.Mask.Ack, 'A');
    }

    /// <summary>
    /// Zeek's TCP_Endpoint::CheckHistory, including its late flip: a connection that began with a SYN-ACK (history
    /// "H") and now shows an ACK or data is flipped, its history rewritten as "^h".
    /// </summary>
    private bool Check(ref TcpEndpoint ep, ConnectionHistory.Mask mask, char code)
    {
        if (code is 'A' or 'D' && _history.Length == 1 && _history.ToString() == "H")
        {
            FlipRoles();
            _history.Replace("^h");
        }
        return _history.Check(mask, code, IsOrig(ref ep));
    }

    private void AddHistory(ref TcpEndpoint ep, char code) => _history.Add(IsOrig(ref ep) ? code : char.ToLowerInvariant(code));

    /// <summary>Zeek's update_last_seq; a packet with data that does not advance the last sequence number is a retransmission (T).</summary>
    private void UpdateLastSeq(ref TcpEndpoint ep, uint lastSeq, bool syn, bool fin, bool rst, int len)
    {
        int delta = SequenceNumber.Diff(lastSeq, ep.LastSeq);
        if ((syn || rst) && (delta > TooLargeSeqDelta || delta < -TooLargeSeqDelta)) { }
        else if (fin && ep.LastSeq == unchecked(ep.StartSeq + 1)) ep.UpdateLastSeq(lastSeq); // > 2 GB with only SYN and FIN seen
        else if (ep.ZeekState == ZeekEndpointState.Reset) { }
        else if (delta > 0) ep.UpdateLastSeq(lastSeq);
        else if (len > 0)
            _history.Scaled(IsOrig(ref ep) ? 'T' : 't', ref ep.RetransmitCount, ref ep.RetransmitScale);
    }

    private void UpdateStateMachine(ref TcpEndpoint ep, ref TcpEndpoint peer, uint baseSeq, int len, bool isOrig, bool syn, bool ack, bool fin, bool rst)
    {
        switch (ep.ZeekState)
        {
            case ZeekEndpointState.Inactive:
                UpdateInactive(ref ep, ref peer, baseSeq, len, isOrig, syn, ack, fin, rst);
                break;
            case ZeekEndpointState.SynSent or ZeekEndpointState.SynAckSent:
                if (fin) ep.SetZeekState(ZeekEndpointState.Closed);
                if (rst) ep.SetZeekState(ZeekEndpointState.Reset);
                break;
            case ZeekEndpointState.Established or ZeekEndpointState.Partial:
                if (syn && ep.ZeekState == ZeekEndpointState.Partial && peer.ZeekState == ZeekEndpointState.Inactive && !ack)
                    ep.SetZeekState(ZeekEndpointState.SynSent);
                if (fin && !rst)
                {
                    ep.SetZeekState(ZeekEndpointState.Closed);
                    // The peer sent a FIN and then a RST: that was a normal close after all.
                    if (peer.ZeekState == ZeekEndpointState.Reset && peer.ZeekPrevState == ZeekEndpointState.Closed)
                        peer.SetZeekState(ZeekEndpointState.Closed);
                }
                if (rst) ep.SetZeekState(ZeekEndpointState.Reset);
                break;
            case ZeekEndpointState.Closed:
                // After a complete FIN exchange a RST changes nothing.
                if (rst && peer.ZeekState != ZeekEndpointState.Closed) ep.SetZeekState(ZeekEndpointState.Reset);
                break;
        }
    }

    private void UpdateInactive(ref TcpEndpoint ep, ref TcpEndpoint peer, uint baseSeq, int len, bool isOrig, bool syn, bool ack, bool fin, bool rst)
    {
        if (syn)
        {
            if (isOrig)
                ep.SetZeekState(ack ? ZeekEndpointState.SynAckSent : ZeekEndpointState.SynSent);
            else
            {
                if (!ack && peer.ZeekState == ZeekEndpointState.SynAckSent && baseSeq == ep.StartSeq)
                {
                    // SYN and SYN-ACK seen in reverse order (two interfaces, interrupt coalescing): flip and establish.
                    FlipRoles();
                    peer.SetZeekState(ZeekEndpointState.Established);
                }
                if (peer.ZeekState == ZeekEndpointState.SynSent) peer.SetZeekState(ZeekEndpointState.Established);
                ep.SetZeekState(ZeekEndpointState.Established);
            }
        }
        if (fin) ep.SetZeekState(ZeekEndpointState.Closed);
        if (rst) ep.SetZeekState(ZeekEndpointState.Reset);

        if (ep.ZeekState == ZeekEndpointState.Inactive)
        {
            // Some stacks ACK a SYN before answering it: that ACK does not make a partial connection.
            if (!isOrig && len == 0 && Originator.ZeekState == ZeekEndpointState.SynSent) { }
            // A SYN-ACK then an ACK: the SYN was missed; establish rather than call it partial.
            else if (ack && peer.ZeekState == ZeekEndpointState.Established) ep.SetZeekState(ZeekEndpointState.Established);
            else ep.SetZeekState(ZeekEndpointState.Partial);
        }
    }
}
