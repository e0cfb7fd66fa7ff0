namespace ProtoScope.Core.Tcp;

/// <summary>Which <see cref="PacketRole"/> a segment plays: a pure function of the segment and the states before it.</summary>
public static class PacketRoles
{
    /// <summary>
    /// The role of <paramref name="seg"/>, sent by <paramref name="src"/> to <paramref name="dst"/>, given both
    /// endpoints as they were before it and the segment's analysis flags. Handshake and teardown steps come first
    /// (RFC 9293 §3.5, §3.6); what is left is data or an ACK unless the flow analysis flags it.
    /// </summary>
    public static PacketRole RoleOf(in TcpSegment seg, in TcpEndpoint src, in TcpEndpoint dst, TcpAnalysisFlags flags)
    {
        if (seg.IsRst) return PacketRole.Reset;
        if (seg.IsSyn)
        {
            // A SYN with the ISN already seen from this side is the same SYN again.
            if (src.HasIsn && src.Isn == seg.Seq) return PacketRole.Retransmission;
            return seg.HasAck ? PacketRole.HandshakeSynAck : PacketRole.HandshakeSyn;
        }
        if (src.IsNewFin(in seg)) return src.SentFin || dst.SentFin ? PacketRole.TeardownSecondFin : PacketRole.TeardownFin;
        if (seg.IsFin) return PacketRole.Retransmission;
        if (src.IsHandshakeAck(in seg, in dst)) return PacketRole.HandshakeAck;
        if (dst.IsFinAckedBy(in seg)) return dst.SentFirstFin ? PacketRole.TeardownAckOfFin : PacketRole.TeardownAckOfSecondFin;
        if ((flags & TcpAnalysisFlags.KeepAlive) != 0) return PacketRole.KeepAlive;
        if ((flags & AnyRetransmission) != 0) return PacketRole.Retransmission;
        if ((flags & TcpAnalysisFlags.ZeroWindow) != 0) return PacketRole.ZeroWindow;
        if ((flags & TcpAnalysisFlags.WindowUpdate) != 0) return PacketRole.WindowUpdate;
        return seg.Length > 0 ? PacketRole.Data : PacketRole.Ack;
    }

    private const TcpAnalysisFlags AnyRetransmission =
        TcpAnalysisFlags.Retransmission | TcpAnalysisFlags.FastRetransmission | TcpAnalysisFlags.SpuriousRetransmission;
}
