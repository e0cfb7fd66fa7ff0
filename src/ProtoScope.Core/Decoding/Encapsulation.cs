using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace ProtoScope.Core.Decoding;

/// <summary>A tunnel the decoder went through to reach the packet it reports (the innermost one).</summary>
public enum TunnelKind : byte
{
    None,
    /// <summary>IPv4 or IPv6 carried directly in IPv4 or IPv6 (IP protocol 4, RFC 2003; 41, RFC 4213's 6in4).</summary>
    IPinIP,
    /// <summary>Generic Routing Encapsulation (IP protocol 47, RFC 2784/2890).</summary>
    Gre,
    /// <summary>PPTP's enhanced GRE (version 1, RFC 2637): PPP frames of one call.</summary>
    Pptp,
    /// <summary>Cisco's ERSPAN, a mirrored Ethernet frame in GRE (type I without a header, II and III with one).</summary>
    Erspan,
    /// <summary>VXLAN (UDP 4789, RFC 7348): Ethernet in UDP with a 24-bit network identifier.</summary>
    Vxlan,
    /// <summary>Geneve (UDP 6081, RFC 8926): like VXLAN with options and a protocol type.</summary>
    Geneve,
    /// <summary>Teredo (UDP 3544, RFC 4380): IPv6 in UDP over IPv4, with optional authentication and origin indications.</summary>
    Teredo,
    /// <summary>GTP-U (UDP 2152, 3GPP TS 29.281): a mobile network's user plane, IP in UDP with a tunnel endpoint id.</summary>
    GtpU,
    /// <summary>AYIYA, "anything in anything" (UDP 5072): SixXS's IPv6 tunnel broker protocol.</summary>
    Ayiya,
}

public static class TunnelNames
{
    /// <summary>The lower-case name the outputs print: JSON's <c>encap</c>, <c>conns</c>' tunnel column.</summary>
    public static string Name(this TunnelKind kind) => kind switch
    {
        TunnelKind.IPinIP => "ip-in-ip",
        TunnelKind.Gre => "gre",
        TunnelKind.Pptp => "pptp",
        TunnelKind.Erspan => "erspan",
        TunnelKind.Vxlan => "vxlan",
        TunnelKind.Geneve => "geneve",
        TunnelKind.Teredo => "teredo",
        TunnelKind.GtpU => "gtp-u",
        TunnelKind.Ayiya => "ayiya",
        _ => "none",
    };
}

/// <summary>
/// One outer layer of a tunnelled packet: where its IP header (and UDP header, for the UDP tunnels) starts in the
/// captured bytes, and the tunnel's identifier. The outer addresses and ports are read back from those bytes when an
/// output wants them (<see cref="OuterAddresses"/>), so the per-packet record stays small.
/// </summary>
public struct EncapLayer
{
    public TunnelKind Kind;
    /// <summary>The outer network layer: IPv4 or IPv6.</summary>
    public Network Network;
    /// <summary>The identifier the tunnel carries, when <see cref="HasId"/>: VXLAN/Geneve VNI, GRE key, PPTP call id, GTP TEID, ERSPAN session.</summary>
    public bool HasId;
    public uint Id;
    public int NetworkOffset;
    /// <summary>Where the outer UDP header starts; 0 for a tunnel straight over IP (GRE, IP-in-IP).</summary>
    public int UdpOffset;

    public readonly bool OverUdp => UdpOffset > 0;

    /// <summary>The outer IP header's source and destination, read from the captured bytes the packet was decoded from.</summary>
    public readonly (NetAddress Src, NetAddress Dst) OuterAddresses(ReadOnlySpan<byte> data)
    {
        var ip = data[NetworkOffset..];
        return Network == Network.IPv6
            ? (NetAddress.FromIPv6(ip[8..]), NetAddress.FromIPv6(ip[24..]))
            : (NetAddress.FromIPv4(ip[12..]), NetAddress.FromIPv4(ip[16..]));
    }

    /// <summary>The outer UDP ports; (0, 0) for a tunnel over IP.</summary>
    public readonly (ushort Src, ushort Dst) OuterPorts(ReadOnlySpan<byte> data) => OverUdp
        ? (BinaryPrimitives.ReadUInt16BigEndian(data[UdpOffset..]), BinaryPrimitives.ReadUInt16BigEndian(data[(UdpOffset + 2)..]))
        : ((ushort)0, (ushort)0);

    /// <summary>The outer IP header's length field: IPv4 total length, or 40 + the IPv6 payload length.</summary>
    public readonly int OuterIpLength(ReadOnlySpan<byte> data) => Network == Network.IPv6
        ? 40 + BinaryPrimitives.ReadUInt16BigEndian(data[(NetworkOffset + 4)..])
        : BinaryPrimitives.ReadUInt16BigEndian(data[(NetworkOffset + 2)..]);

    /// <summary>The outer UDP length field (header and payload).</summary>
    public readonly int OuterUdpLength(ReadOnlySpan<byte> data) => OverUdp ? BinaryPrimitives.ReadUInt16BigEndian(data[(UdpOffset + 4)..]) : 0;
}

/// <summary>
/// The outer layers of one packet, outermost first. Four is deeper than real networks nest (Zeek's default
/// <c>Tunnel::max_depth</c> is 2); a packet nested deeper is an error on that packet rather than a walk without end.
/// </summary>
[InlineArray(MaxDepth)]
public struct EncapStack
{
    public const int MaxDepth = 4;
    private EncapLayer _first;
}
