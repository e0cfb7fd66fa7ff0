namespace ProtoScope.Core.Tcp;

/// <summary>
/// One side of a TCP connection as Zeek keeps it (TCP_Endpoint in Zeek's src/analyzer/protocol/tcp/TCP_Endpoint.h):
/// its coarse state, the sequence space it used and had acknowledged, counted across wraps, and the history
/// bookkeeping. The source of conn.log's conn_state, history, orig_bytes and resp_bytes; driven packet by packet by
/// <see cref="TcpConnection"/> as Zeek's TCPSessionAdapter drives its endpoints.
/// </summary>
/// <remarks>
/// A struct held inside its <see cref="TcpConnection"/> (read it through <see cref="TcpConnection.Zeek"/>): a
/// connection is the model's unit of memory. Both states and the FIN fact share one byte, so the struct packs into
/// 56 bytes.
/// </remarks>
public struct ZeekEndpoint
{
    private const byte StateBits = 0x7, FinSeenBit = 0x40;

    /// <summary>Relative sequence numbers of the last SYN, FIN and RST recorded in the history (hist_last_SYN, ...).</summary>
    internal ulong HistLastSyn, HistLastFin, HistLastRst;

    // start_seq, last_seq, ack_seq and their wrap counts: orig_bytes and resp_bytes count this sequence space,
    // not the captured payload.
    internal SequenceNumber StartSeq;
    /// <summary>One past the last sequence number seen from this side (last_seq).</summary>
    internal SequenceNumber LastSeq;
    /// <summary>The highest acknowledgment of this side's sequence space the peer sent (ack_seq).</summary>
    internal SequenceNumber AckSeq;
    internal uint SeqWraps;
    internal uint AckWraps;
    /// <summary>Retransmissions and zero windows counted (rxmt_cnt, win0_cnt).</summary>
    internal uint RetransmitCount, ZeroWindowCount;
    /// <summary>Powers of ten (as <see cref="ConnectionHistory.Scaled"/> counts them) at which T and W are next recorded (rxmt_thresh, win0_thresh).</summary>
    internal byte RetransmitScale, ZeroWindowScale;
    /// <summary>state in bits 0-2, prev_state in bits 3-5, FIN_cnt &gt; 0 in bit 6.</summary>
    private byte _states;

    /// <summary>Zeek's state of this endpoint (TCP_ENDPOINT_*).</summary>
    public readonly ZeekEndpointState State => (ZeekEndpointState)(_states & StateBits);
    internal readonly ZeekEndpointState PrevState => (ZeekEndpointState)((_states >> 3) & StateBits);

    /// <summary>Zeek counted a FIN from this side (FIN_cnt &gt; 0, all that <see cref="Size"/> asks of the count).</summary>
    internal bool FinSeen
    {
        readonly get => (_states & FinSeenBit) != 0;
        set => _states = (byte)(value ? _states | FinSeenBit : _states & ~FinSeenBit);
    }

    /// <summary>TCP_Endpoint::SetState: the state before is kept as prev_state.</summary>
    internal void SetState(ZeekEndpointState state)
    {
        if (state == State) return;
        _states = (byte)((_states & FinSeenBit) | ((int)State << 3) | (int)state);
    }

    /// <summary>TCP_Endpoint::UpdateLastSeq: a number below the last one, compared unsigned as Zeek does, means the space wrapped.</summary>
    internal void UpdateLastSeq(SequenceNumber seq)
    {
        if (seq.Raw < LastSeq.Raw) SeqWraps++;
        LastSeq = seq;
    }

    internal void UpdateAckSeq(SequenceNumber seq)
    {
        if (seq.Raw < AckSeq.Raw) AckWraps++;
        AckSeq = seq;
    }

    /// <summary>InitStartSeq, InitAckSeq and InitLastSeq, which Zeek always calls together.</summary>
    internal void InitSequence(SequenceNumber start, SequenceNumber last)
    {
        StartSeq = start;
        AckSeq = start;
        LastSeq = last;
    }

    /// <summary>TCP_Endpoint::ToFullSeqSpace: a 32-bit number widened by its wrap count.</summary>
    private static ulong ToFullSeqSpace(SequenceNumber seq, uint wraps) => ((ulong)wraps << 32) + seq.Raw;

    /// <summary>TCP_Endpoint::NoDataAcked: nothing acknowledged, or one octet for a SYN.</summary>
    private readonly bool NoDataAcked
    {
        get
        {
            ulong ack = ToFullSeqSpace(AckSeq, AckWraps);
            return ack == StartSeq.Raw || ack == (ulong)StartSeq.Raw + 1;
        }
    }

    /// <summary>
    /// Bytes of sequence space this side used, without SYN and FIN: Zeek's endpoint size, logged as orig_bytes and
    /// resp_bytes. It counts bytes the peer acknowledged even if the capture missed them (TCP_Endpoint::Size).
    /// </summary>
    public readonly long Size(in ZeekEndpoint peer)
    {
        // A half-open connection found and aborted: its sequence numbers mean nothing (Zeek's rule).
        if (PrevState == ZeekEndpointState.SynSent && State == ZeekEndpointState.Reset
            && peer.State == ZeekEndpointState.Inactive && !NoDataAcked)
            return 0;
        ulong last = ToFullSeqSpace(LastSeq, SeqWraps);
        ulong ack = ToFullSeqSpace(AckSeq, AckWraps);
        ulong size = unchecked((last > ack ? last : ack) - StartSeq.Raw);
        if (size != 0) size--;
        if (FinSeen && size != 0) size--;
        return unchecked((long)size);
    }
}
