using ProtoScope.Core.Decoding;
using ProtoScope.Core.Tcp;

namespace ProtoScope.Core.Session;

/// <summary>One UDP conversation (one tshark udp.stream): a 5-tuple in either direction, with Zeek's view of it.</summary>
public sealed class UdpConversation : Conversation
{
    internal UdpConversation(int id, in DecodedPacket first, long frame, long timestamp) : base(id, first, frame, timestamp)
    {
        // Zeek's UDP WantConnection: a datagram from a likely server port to another port comes from the responder.
        if (LikelyServerPorts.Udp(first.SrcPort) && !LikelyServerPorts.Udp(first.DstPort) && !first.Dst.IsBroadcast)
        {
            Flip();
            _history.Add('^');
        }
    }

    public override string Proto => "udp";

    /// <summary>Zeek's history: D for the originator's first datagram, d for the responder's.</summary>
    public ref readonly ConnectionHistory History => ref _history;

    private ConnectionHistory _history;

    /// <summary>UDP payload bytes per side as the UDP length fields state them (Zeek's request_len / reply_len).</summary>
    public long OrigBytes { get; private set; }
    public long RespBytes { get; private set; }

    public string ConnState => ZeekConnState.Udp(
        Orig.Packets > 0 ? ZeekUdpState.Active : ZeekUdpState.Inactive,
        Resp.Packets > 0 ? ZeekUdpState.Active : ZeekUdpState.Inactive);

    internal void Track(Direction d, in DecodedPacket p)
    {
        bool orig = d == Direction.Orig;
        _history.Check(ConnectionHistory.Mask.Data, 'D', orig);
        long bytes = Math.Max(0, p.UdpLength - 8);
        if (orig) OrigBytes += bytes;
        else RespBytes += bytes;
    }
}
