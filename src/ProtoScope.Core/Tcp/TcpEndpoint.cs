namespace ProtoScope.Core.Tcp;

/// <summary>
/// One side of a TCP connection as RFC 9293 sees it from the capture: its state (§3.3.2), the sequence space it
/// has sent (ISN, FIN) and whether the peer acknowledged it, and which close steps it took first.
/// </summary>
/// <remarks>
/// A struct held inside its <see cref="TcpConnection"/> (read it through <see cref="TcpConnection.Originator"/> and
/// <see cref="TcpConnection.Responder"/>): a connection is the model's unit of memory. Two sequence numbers, the
/// state and one bit set: 12 bytes.
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
        SentFirstFin = 1 << 8,
        SentFirstRst = 1 << 9,
        FinAckedPeerFin = 1 << 10,
        FinAckedAlone = 1 << 11,
    }

    /// <summary>The ISN of the last new SYN or SYN-ACK sent, when <see cref="HasIsn"/>.</summary>
    internal SequenceNumber Isn;
    /// <summary>The sequence number the FIN occupies, when <see cref="SentFin"/>.</summary>
    internal SequenceNumber FinSeq;
    private Facts _facts;

    /// <summary>The RFC 9293 state after the last packet of the connection.</summary>
    public TcpState State { readonly get; internal set; }

    internal bool SentAnything { readonly get => Has(Facts.SentAnything); set => Set(Facts.SentAnything, value); }
    /// <summary>Sent a SYN without ACK (an active open).</summary>
    public bool SentSyn { readonly get => Has(Facts.SentSyn); internal set => Set(Facts.SentSyn, value); }
    /// <summary>Sent a SYN-ACK (a passive open answered).</summary>
    public bool SentSynAck { readonly get => Has(Facts.SentSynAck); internal set => Set(Facts.SentSynAck, value); }
    public bool SentFin { readonly get => Has(Facts.SentFin); internal set => Set(Facts.SentFin, value); }
    public bool SentRst { readonly get => Has(Facts.SentRst); internal set => Set(Facts.SentRst, value); }
    internal bool SentHandshakeAck { readonly get => Has(Facts.SentHandshakeAck); set => Set(Facts.SentHandshakeAck, value); }
    internal bool HasIsn { readonly get => Has(Facts.HasIsn); set => Set(Facts.HasIsn, value); }
    /// <summary>The peer acknowledged this side's FIN.</summary>
    internal bool FinAcked { readonly get => Has(Facts.FinAcked); set => Set(Facts.FinAcked, value); }
    /// <summary>This side's FIN was the connection's first.</summary>
    public bool SentFirstFin { readonly get => Has(Facts.SentFirstFin); internal set => Set(Facts.SentFirstFin, value); }
    /// <summary>This side's RST was the connection's first.</summary>
    public bool SentFirstRst { readonly get => Has(Facts.SentFirstRst); internal set => Set(Facts.SentFirstRst, value); }
    /// <summary>This side sent the second FIN, and it acknowledged the first (the FINs did not cross).</summary>
    public bool FinAckedPeerFin { readonly get => Has(Facts.FinAckedPeerFin); internal set => Set(Facts.FinAckedPeerFin, value); }
    /// <summary>This side sent the first FIN, and the peer acknowledged it before sending its own.</summary>
    public bool FinAckedAlone { readonly get => Has(Facts.FinAckedAlone); internal set => Set(Facts.FinAckedAlone, value); }

    private readonly bool Has(Facts f) => (_facts & f) != 0;
    private void Set(Facts f, bool on) => _facts = on ? _facts | f : _facts & ~f;

    /// <summary>The segment acknowledges <paramref name="dst"/>'s SYN for the first time after this side's own SYN: the third step of the handshake.</summary>
    internal readonly bool IsHandshakeAck(in TcpSegment seg, in TcpEndpoint dst) =>
        seg.HasAck && SentSyn && !SentHandshakeAck && dst.HasIsn && seg.Ack > dst.Isn;

    /// <summary>A FIN this side has not sent before (a FIN at the same place again is a retransmission).</summary>
    internal readonly bool IsNewFin(in TcpSegment seg) => seg.IsFin && !(SentFin && seg.Seq + seg.Length == FinSeq);

    /// <summary>The segment, sent by the peer, acknowledges this side's FIN for the first time.</summary>
    internal readonly bool IsFinAckedBy(in TcpSegment seg) => seg.HasAck && SentFin && !FinAcked && seg.Ack > FinSeq;

    /// <summary>
    /// Moves both endpoints through RFC 9293's states for one segment from <paramref name="src"/> to
    /// <paramref name="dst"/>, whose role <see cref="PacketRoles.RoleOf"/> worked out from the states before it.
    /// </summary>
    internal static void Track(ref TcpEndpoint src, ref TcpEndpoint dst, in TcpSegment seg, PacketRole role)
    {
        // A capture that starts after the handshake: both sides were already talking.
        if (!src.SentAnything && !dst.SentAnything && !seg.IsSyn && !seg.IsRst)
            src.State = dst.State = TcpState.Established;
        else if (!src.SentAnything && !seg.IsSyn && !seg.IsRst && src.State == TcpState.Closed)
            src.State = TcpState.Established;
        src.SentAnything = true;

        if (seg.IsRst)
        {
            // RFC 9293 §3.10.7.4: an acceptable RST closes the receiver; the sender has aborted.
            src.SentRst = true;
            if (!dst.SentFirstRst) src.SentFirstRst = true;
            src.State = TcpState.Closed;
            dst.State = TcpState.Closed;
            return;
        }

        if (seg.IsSyn)
        {
            if (role == PacketRole.HandshakeSyn)
            {
                src.SentSyn = true;
                src.HasIsn = true;
                src.Isn = seg.Seq;
                if (src.State is TcpState.Closed or TcpState.Listen) src.State = TcpState.SynSent;
                // The receiver is assumed to listen until it answers; one that had sent its own SYN opens simultaneously.
                if (dst.State == TcpState.Closed) dst.State = TcpState.Listen;
                else if (dst.State == TcpState.SynSent) dst.State = TcpState.SynReceived;
            }
            else if (role == PacketRole.HandshakeSynAck)
            {
                src.SentSynAck = true;
                src.HasIsn = true;
                src.Isn = seg.Seq;
                if (src.State is TcpState.Closed or TcpState.Listen or TcpState.SynSent) src.State = TcpState.SynReceived;
                // A SYN-ACK seen without its SYN: the peer must have sent one.
                if (dst.State is TcpState.Closed or TcpState.Listen && !dst.SentAnything) dst.State = TcpState.SynSent;
            }
            ReceiveAck(ref src, ref dst, in seg);
            if (seg.IsFin) SendFin(ref src, ref dst, in seg);
            return;
        }

        if (src.IsHandshakeAck(in seg, in dst))
        {
            src.SentHandshakeAck = true;
            if (src.State == TcpState.SynSent) src.State = TcpState.Established;
        }
        bool newFin = src.IsNewFin(in seg);
        ReceiveAck(ref src, ref dst, in seg);
        if (newFin) SendFin(ref src, ref dst, in seg);
        else if (role == PacketRole.TeardownAckOfFin && !src.SentFin) dst.FinAckedAlone = true;
    }

    /// <summary>What the receiver of an acknowledgment learns: its SYN or its FIN arrived (RFC 9293 §3.10.7.4, fifth check).</summary>
    private static void ReceiveAck(ref TcpEndpoint src, ref TcpEndpoint dst, in TcpSegment seg)
    {
        if (!seg.HasAck) return;
        if (dst.HasIsn && seg.Ack > dst.Isn)
        {
            if (dst.State is TcpState.SynReceived or TcpState.SynSent) dst.State = TcpState.Established;
            // The sender acknowledges the receiver's SYN: it has seen it, even if the capture missed the SYN-ACK.
            if (src.State == TcpState.SynSent) src.State = TcpState.Established;
        }
        if (dst.IsFinAckedBy(in seg))
        {
            dst.FinAcked = true;
            dst.State = dst.State switch
            {
                TcpState.FinWait1 => TcpState.FinWait2,
                TcpState.Closing => TcpState.TimeWait,
                TcpState.LastAck => TcpState.Closed,
                _ => dst.State,
            };
        }
    }

    private static void SendFin(ref TcpEndpoint src, ref TcpEndpoint dst, in TcpSegment seg)
    {
        src.SentFin = true;
        src.FinSeq = seg.Seq + seg.Length;
        if (!src.SentFirstFin && !dst.SentFirstFin)
            src.SentFirstFin = true;
        else if (dst.SentFirstFin)
        {
            // The second FIN does not acknowledge the first: it left before the first arrived, so the FINs crossed.
            src.FinAckedPeerFin = seg.HasAck && seg.Ack > dst.FinSeq;
        }

        bool peerFinArrived = dst.SentFin && (!seg.HasAck || seg.Ack > dst.FinSeq);
        src.State = src.State switch
        {
            TcpState.CloseWait when peerFinArrived => TcpState.LastAck,
            // The peer's FIN was assumed delivered, but this FIN does not acknowledge it: both were in flight.
            TcpState.CloseWait => TcpState.Closing,
            TcpState.Established or TcpState.SynReceived or TcpState.SynSent => TcpState.FinWait1,
            _ => src.State,
        };
        // The receiver gets the FIN (RFC 9293 §3.10.7.4, eighth check).
        dst.State = dst.State switch
        {
            TcpState.Established or TcpState.SynReceived or TcpState.SynSent or TcpState.Listen => TcpState.CloseWait,
            TcpState.FinWait1 => TcpState.Closing,
            TcpState.FinWait2 => TcpState.TimeWait,
            _ => dst.State,
        };
    }
}
