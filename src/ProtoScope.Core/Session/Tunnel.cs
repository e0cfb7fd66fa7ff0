using ProtoScope.Core.Decoding;

namespace ProtoScope.Core.Session;

/// <summary>
/// The tunnel a conversation was found in: its kind, its outer endpoints and identifier, and for the UDP tunnels
/// (VXLAN, Geneve, Teredo, GTP-U, AYIYA) the outer UDP conversation that carries it, which is a conversation of its
/// own, as in Zeek's conn.log, where the inner connection names it in <c>tunnel_parents</c>.
/// </summary>
public sealed class Tunnel
{
    internal Tunnel(TunnelKind kind, NetAddress src, NetAddress dst, ushort srcPort, ushort dstPort, bool hasId, uint id, UdpConversation? carrier, long startTime)
    {
        Kind = kind;
        Src = src;
        Dst = dst;
        SrcPort = srcPort;
        DstPort = dstPort;
        HasId = hasId;
        Id = id;
        Carrier = carrier;
        StartTime = startTime;
    }

    public TunnelKind Kind { get; }
    /// <summary>The outer addresses (and ports, over UDP) of the first packet seen in the tunnel.</summary>
    public NetAddress Src { get; }
    public NetAddress Dst { get; }
    public ushort SrcPort { get; }
    public ushort DstPort { get; }
    public bool HasId { get; }
    /// <summary>VXLAN/Geneve VNI, GRE key, PPTP call id, GTP TEID, ERSPAN session: see <see cref="HasId"/>.</summary>
    public uint Id { get; }
    /// <summary>The outer UDP conversation, for tunnels over UDP; null for those straight over IP.</summary>
    public UdpConversation? Carrier { get; }
    /// <summary>When the tunnel's first packet was seen, in nanoseconds since the epoch.</summary>
    public long StartTime { get; }
}
