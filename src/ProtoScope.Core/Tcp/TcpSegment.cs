using ProtoScope.Core.Decoding;

namespace ProtoScope.Core.Tcp;

/// <summary>The header fields of one TCP segment that the connection trackers read, with typed sequence numbers.</summary>
public readonly record struct TcpSegment(TcpFlags Flags, SequenceNumber Seq, SequenceNumber Ack, int Length, ushort Window)
{
    public static TcpSegment Of(in DecodedPacket p) =>
        new(p.Flags, new SequenceNumber(p.SequenceNumber), new SequenceNumber(p.AcknowledgmentNumber), p.PayloadLength, p.Window);

    public bool IsSyn => (Flags & TcpFlags.Syn) != 0;
    public bool IsFin => (Flags & TcpFlags.Fin) != 0;
    public bool IsRst => (Flags & TcpFlags.Rst) != 0;
    /// <summary>The ACK flag is set, so <see cref="Ack"/> means something (RFC 9293 §3.1).</summary>
    public bool HasAck => (Flags & TcpFlags.Ack) != 0;

    /// <summary>One past the last sequence number the segment occupies: SYN and FIN count one each (RFC 9293 §3.4).</summary>
    public SequenceNumber End => Seq + Length + (IsSyn ? 1 : 0) + (IsFin ? 1 : 0);
}
