namespace ProtoScope.Core.Tcp;

/// <summary>
/// One side of a TCP connection as the capture shows it: its RFC 9293 state, what it has sent and what the peer
/// has acknowledged, and the bookkeeping Zeek keeps per endpoint (TCP_Endpoint) for conn_state, history and sizes.
/// </summary>
public sealed class TcpEndpoint
{
    /// <summary>The RFC 9293 state after the last packet of the connection.</summary>
    public TcpState State { get; internal set; }

    /// <summary>Zeek's state of this endpoint (TCP_ENDPOINT_*).</summary>
    public ZeekEndpointState ZeekState { get; private set; }
    internal ZeekEndpointState ZeekPrevState { get; private set; }

    // What this side has sent, for roles and RFC states.
    internal bool SentAnything;
    /// <summary>Sent a SYN without ACK (an active open).</summary>
    public bool SentSyn { get; internal set; }
    /// <summary>Sent a SYN-ACK (a passive open answered).</summary>
    public bool SentSynAck { get; internal set; }
    public bool SentFin { get; internal set; }
    public bool SentRst { get; internal set; }
    internal bool SentHandshakeAck;
    internal bool HasIsn;
    internal uint Isn;
    /// <summary>The sequence number the FIN occupies.</summary>
    internal uint FinSeq;
    internal bool FinAcked;
    /// <summary>One past the highest sequence number sent (SYN and FIN count one each).</summary>
    internal bool HasNextSeq;
    internal uint NextSeq;
    internal bool HasLastAck;
    internal uint LastAck;
    internal ushort LastWindow;

    // Zeek's sequence bookkeeping (TCP_Endpoint start_seq, last_seq, ack_seq and their wrap counts): the
    // source of orig_bytes / resp_bytes, which count sequence space, not captured payload.
    internal long StartSeq;
    internal uint LastSeq;
    internal uint AckSeq;
    internal uint SeqWraps;
    internal uint AckWraps;
    internal int FinCount;
    internal ulong HistLastSyn, HistLastFin, HistLastRst;
    internal uint RetransmitCount, RetransmitThreshold = 1, ZeroWindowCount, ZeroWindowThreshold = 1;

    internal void SetZeekState(ZeekEndpointState state)
    {
        if (state == ZeekState) return;
        ZeekPrevState = ZeekState;
        ZeekState = state;
    }

    internal void UpdateLastSeq(uint seq)
    {
        if (seq < LastSeq) SeqWraps++;
        LastSeq = seq;
    }

    internal void UpdateAckSeq(uint seq)
    {
        if (seq < AckSeq) AckWraps++;
        AckSeq = seq;
    }

    internal void InitSequence(uint start, uint last)
    {
        StartSeq = start;
        AckSeq = start;
        LastSeq = last;
    }

    private bool NoDataAcked
    {
        get
        {
            ulong ack = ((ulong)AckWraps << 32) + AckSeq;
            ulong start = unchecked((ulong)StartSeq);
            return ack == start || ack == start + 1;
        }
    }

    /// <summary>
    /// Bytes of sequence space this side used, without SYN and FIN: Zeek's endpoint size, logged as orig_bytes and
    /// resp_bytes. It counts bytes the peer acknowledged even if the capture missed them (TCP_Endpoint::Size).
    /// </summary>
    public long Size(TcpEndpoint peer)
    {
        // A half-open connection found and aborted: its sequence numbers mean nothing (Zeek's rule).
        if (ZeekPrevState == ZeekEndpointState.SynSent && ZeekState == ZeekEndpointState.Reset
            && peer.ZeekState == ZeekEndpointState.Inactive && !NoDataAcked)
            return 0;
        ulong last = ((ulong)SeqWraps << 32) + LastSeq;
        ulong ack = ((ulong)AckWraps << 32) + AckSeq;
        ulong size = unchecked((last > ack ? last : ack) - (ulong)StartSeq);
        if (size != 0) size--;
        if (FinCount > 0 && size != 0) size--;
        return unchecked((long)size);
    }
}
