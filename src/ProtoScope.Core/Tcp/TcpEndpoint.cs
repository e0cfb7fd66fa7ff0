namespace ProtoScope.Core.Tcp;

/// <summary>
/// One side of a TCP connection as the capture shows it: its RFC 9293 state, what it has sent and what the peer
/// has acknowledged, and the bookkeeping Zeek keeps per endpoint (TCP_Endpoint) for conn_state, history and sizes.
/// </summary>
/// <remarks>
/// A struct held inside its <see cref="TcpConnection"/> (read it through <see cref="TcpConnection.Originator"/> and
/// <see cref="TcpConnection.Responder"/>): a connection is the model's unit of memory, and two endpoint objects cost
/// their headers and references on top of their fields. The fields are ordered widest first so the struct packs
/// into 80 bytes; the yes/no facts share one bit set.
/// </remarks>
public struct TcpEndpoint
{
    [Flags]
    private enum Facts : ushort
    {
        SentAnything = 1 << 0,
        SentSyn = 1 << 1,
        SentSynAck = 1 << 2,
        SentFin = 1 << 3,
        SentRst = 1 << 4,
        SentHandshakeAck = 1 << 5,
        HasIsn = 1 << 6,
        FinAcked = 1 << 7,
        HasNextSeq = 1 << 8,
        HasLastAck = 1 << 9,
        SentZeekFin = 1 << 10,
    }

    // Zeek's history bookkeeping: the relative sequence number of the last SYN, FIN and RST recorded.
    internal ulong HistLastSyn, HistLastFin, HistLastRst;

    internal uint Isn;
    /// <summary>The sequence number the FIN occupies.</summary>
    internal uint FinSeq;
    /// <summary>One past the highest sequence number sent (SYN and FIN count one each).</summary>
    internal uint NextSeq;
    internal uint LastAck;

    // Zeek's sequence bookkeeping (TCP_Endpoint start_seq, last_seq, ack_seq and their wrap counts): the
    // source of orig_bytes / resp_bytes, which count sequence space, not captured payload.
    internal uint StartSeq;
    internal uint LastSeq;
    internal uint AckSeq;
    internal uint SeqWraps;
    internal uint AckWraps;
    internal uint RetransmitCount, ZeroWindowCount;

    internal ushort LastWindow;
    private Facts _facts;

    /// <summary>The RFC 9293 state after the last packet of the connection.</summary>
    public TcpState State { readonly get; internal set; }

    /// <summary>Zeek's state of this endpoint (TCP_ENDPOINT_*).</summary>
    public ZeekEndpointState ZeekState { readonly get; private set; }
    internal ZeekEndpointState ZeekPrevState { readonly get; private set; }

    /// <summary>Powers of ten (as <see cref="ConnectionHistory.Scaled"/> counts them) at which T and W are next recorded.</summary>
    internal byte RetransmitScale, ZeroWindowScale;

    // What this side has sent, for roles and RFC states.
    internal bool SentAnything { readonly get => Has(Facts.SentAnything); set => Set(Facts.SentAnything, value); }
    /// <summary>Sent a SYN without ACK (an active open).</summary>
    public bool SentSyn { readonly get => Has(Facts.SentSyn); internal set => Set(Facts.SentSyn, value); }
    /// <summary>Sent a SYN-ACK (a passive open answered).</summary>
    public bool SentSynAck { readonly get => Has(Facts.SentSynAck); internal set => Set(Facts.SentSynAck, value); }
    public bool SentFin { readonly get => Has(Facts.SentFin); internal set => Set(Facts.SentFin, value); }
    public bool SentRst { readonly get => Has(Facts.SentRst); internal set => Set(Facts.SentRst, value); }
    internal bool SentHandshakeAck { readonly get => Has(Facts.SentHandshakeAck); set => Set(Facts.SentHandshakeAck, value); }
    internal bool HasIsn { readonly get => Has(Facts.HasIsn); set => Set(Facts.HasIsn, value); }
    internal bool FinAcked { readonly get => Has(Facts.FinAcked); set => Set(Facts.FinAcked, value); }
    internal bool HasNextSeq { readonly get => Has(Facts.HasNextSeq); set => Set(Facts.HasNextSeq, value); }
    internal bool HasLastAck { readonly get => Has(Facts.HasLastAck); set => Set(Facts.HasLastAck, value); }
    /// <summary>Zeek counted a FIN from this side (TCP_Endpoint FIN_cnt &gt; 0, all that Size asks of the count).</summary>
    internal bool SentZeekFin { readonly get => Has(Facts.SentZeekFin); set => Set(Facts.SentZeekFin, value); }

    private readonly bool Has(Facts f) => (_facts & f) != 0;
    private void Set(Facts f, bool on) => _facts = on ? _facts | f : _facts & ~f;

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

    private readonly bool NoDataAcked
    {
        get
        {
            ulong ack = ((ulong)AckWraps << 32) + AckSeq;
            return ack == StartSeq || ack == (ulong)StartSeq + 1;
        }
    }

    /// <summary>
    /// Bytes of sequence space this side used, without SYN and FIN: Zeek's endpoint size, logged as orig_bytes and
    /// resp_bytes. It counts bytes the peer acknowledged even if the capture missed them (TCP_Endpoint::Size).
    /// </summary>
    public readonly long Size(in TcpEndpoint peer)
    {
        // A half-open connection found and aborted: its sequence numbers mean nothing (Zeek's rule).
        if (ZeekPrevState == ZeekEndpointState.SynSent && ZeekState == ZeekEndpointState.Reset
            && peer.ZeekState == ZeekEndpointState.Inactive && !NoDataAcked)
            return 0;
        ulong last = ((ulong)SeqWraps << 32) + LastSeq;
        ulong ack = ((ulong)AckWraps << 32) + AckSeq;
        ulong size = unchecked((last > ack ? last : ack) - StartSeq);
        if (size != 0) size--;
        if (SentZeekFin && size != 0) size--;
        return unchecked((long)size);
    }
}
