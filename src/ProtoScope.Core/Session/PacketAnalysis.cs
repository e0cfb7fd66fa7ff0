namespace ProtoScope.Core.Session;

/// <summary>What the one pass adds to a decoded packet: its conversation, direction and relative numbers.</summary>
public struct PacketAnalysis
{
    /// <summary>1-based frame number in capture order.</summary>
    public long Frame;
    /// <summary>tcp.stream or udp.stream; -1 when the packet belongs to no conversation.</summary>
    public int Conversation;
    public Direction Direction;
    public uint RelativeSeq;
    public uint RelativeAck;
    public bool HasRelativeAck;
}
