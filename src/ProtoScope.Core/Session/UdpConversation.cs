using ProtoScope.Core.Decoding;

namespace ProtoScope.Core.Session;

/// <summary>One UDP conversation (one tshark udp.stream): a 5-tuple in either direction.</summary>
public sealed class UdpConversation : Conversation
{
    internal UdpConversation(int id, in DecodedPacket first, long frame, long timestamp) : base(id, first, frame, timestamp) { }

    public override string Proto => "udp";
}
