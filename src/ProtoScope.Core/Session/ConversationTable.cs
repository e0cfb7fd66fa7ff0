using ProtoScope.Core.Decoding;
using ProtoScope.Core.Tcp;

namespace ProtoScope.Core.Session;

/// <summary>
/// Finds the conversation of each packet and numbers conversations from 0 in order of first appearance,
/// separately for TCP and UDP, as tshark's tcp.stream and udp.stream do.
/// </summary>
public sealed class ConversationTable
{
    private readonly Dictionary<FlowKey, TcpConnection> _tcpByKey = new();
    private readonly Dictionary<FlowKey, UdpConversation> _udpByKey = new();
    private readonly List<TcpConnection> _tcp = new();
    private readonly List<UdpConversation> _udp = new();

    public IReadOnlyList<TcpConnection> Tcp => _tcp;
    public IReadOnlyList<UdpConversation> Udp => _udp;

    public TcpConnection FindOrAddTcp(in DecodedPacket p, long frame, long timestamp)
    {
        var key = FlowKey.Of(p, out _);
        if (_tcpByKey.TryGetValue(key, out var conn) && !StartsNewStream(conn, p))
            return conn;
        conn = new TcpConnection(_tcp.Count, p, frame, timestamp);
        _tcp.Add(conn);
        _tcpByKey[key] = conn;
        return conn;
    }

    /// <summary>
    /// Port reuse: a SYN without ACK whose ISN differs from the SYN already seen in that direction opens a
    /// new connection on the same 4-tuple (Wireshark's rule for starting a new tcp.stream).
    /// </summary>
    private static bool StartsNewStream(TcpConnection conn, in DecodedPacket p)
    {
        if ((p.Flags & (TcpFlags.Syn | TcpFlags.Ack)) != TcpFlags.Syn) return false;
        ref readonly var b = ref conn.BaseOf(conn.DirectionOf(p));
        return b.HasBase && b.Base != p.SequenceNumber && !(!b.HasSyn && b.Base + 1 == p.SequenceNumber);
    }

    public UdpConversation FindOrAddUdp(in DecodedPacket p, long frame, long timestamp)
    {
        var key = FlowKey.Of(p, out _);
        if (_udpByKey.TryGetValue(key, out var conv)) return conv;
        conv = new UdpConversation(_udp.Count, p, frame, timestamp);
        _udp.Add(conv);
        _udpByKey[key] = conv;
        return conv;
    }
}
