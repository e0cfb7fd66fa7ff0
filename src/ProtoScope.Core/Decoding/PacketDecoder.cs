using System.Buffers.Binary;

namespace ProtoScope.Core.Decoding;

/// <summary>
/// Decodes the headers ProtoScope needs (link, IPv4/IPv6, TCP, UDP, ICMP, ARP) straight from the captured
/// bytes into a caller-owned <see cref="DecodedPacket"/>. Span-based and allocation-free; malformed input
/// ends in <see cref="DecodedPacket.Error"/>, never in an exception.
/// </summary>
/// <remarks>
/// This replaces PacketDotNet on the per-packet path: PacketDotNet allocates several objects per layer,
/// throws on truncated frames, does not know link types 228/229 nor big-endian BSD loopback, and its
/// TCP option parser can loop forever. PacketDotNet dissects only the one packet the UI shows in its detail tree
/// (Tui's LibraryLayers), beside this decoder's result for that row, decoded again from its stored bytes
/// (<see cref="Session.PacketTable.Decode"/>).
/// </remarks>
public static class PacketDecoder
{
    private const ushort EtherIPv4 = 0x0800;
    private const ushort EtherArp = 0x0806;
    /// <summary>Reverse ARP (RFC 903): the ARP packet format with operations 3 and 4.</summary>
    private const ushort EtherRarp = 0x8035;
    private const ushort EtherIPv6 = 0x86DD;
    private const ushort EtherVlan = 0x8100;
    private const ushort EtherQinQ = 0x88A8;
    private const ushort EtherQinQOld = 0x9100;
    private const ushort EtherMplsUnicast = 0x8847;
    private const ushort EtherMplsMulticast = 0x8848;
    private const ushort EtherPppoeDiscovery = 0x8863;
    private const ushort EtherPppoeSession = 0x8864;
    /// <summary>Provider backbone bridging (802.1ah): an I-tag, then the customer's whole Ethernet header.</summary>
    private const ushort EtherPbb = 0x88E7;
    /// <summary>Cisco's VN-Tag (802.1Qbh): four bytes of tag before the next ethertype.</summary>
    private const ushort EtherVnTag = 0x8926;
    /// <summary>Transparent Ethernet bridging: a whole Ethernet frame follows (GRE's NVGRE, Geneve).</summary>
    private const ushort EtherBridged = 0x6558;
    private const ushort EtherPpp = 0x880B;
    private const ushort EtherErspan2 = 0x88BE;
    private const ushort EtherErspan3 = 0x22EB;

    private const ushort PppIPv4 = 0x0021;
    private const ushort PppIPv6 = 0x0057;
    private const ushort PppMplsUnicast = 0x0281;

    private const int PortVxlan = 4789, PortGeneve = 6081, PortTeredo = 3544, PortGtpU = 2152, PortAyiya = 5072;

    public static void Decode(ReadOnlySpan<byte> data, int linkType, int wireLength, ref DecodedPacket p)
    {
        p = default;
        p.LinkType = linkType;
        p.CapturedLength = data.Length;
        p.WireLength = wireLength;

        switch (linkType)
        {
            case LinkType.Ethernet: DecodeEthernet(data, ref p); break;
            case LinkType.LinuxSll: DecodeSll(data, ref p); break;
            case LinkType.LinuxSll2: DecodeSll2(data, ref p); break;
            case LinkType.Null: DecodeNull(data, ref p, bigEndian: false); break;
            case LinkType.Loop: DecodeNull(data, ref p, bigEndian: true); break;
            case LinkType.Raw or LinkType.RawDltLinux or LinkType.RawDltOpenBsd: DecodeIpByVersion(data, 0, ref p); break;
            case LinkType.Ipv4: DecodeIPv4(data, 0, ref p); break;
            case LinkType.Ipv6: DecodeIPv6(data, 0, ref p); break;
            case LinkType.Ppp: DecodePppLink(data, ref p); break;
            case LinkType.PppSerial: DecodePppSerial(data, ref p); break;
            case LinkType.PppEther: DecodePppoeSession(data, 0, ref p); break;
            case LinkType.Ieee80211: DecodeWlan(data, 0, ref p); break;
            case LinkType.Radiotap: DecodeRadiotap(data, ref p); break;
            case LinkType.Ppi: DecodePpi(data, ref p); break;
            default: p.Network = Network.Other; p.Transport = Transport.Other; break;
        }
    }

    private static void Fail(ref DecodedPacket p, DecodeErrorKind kind, DecodeLayer layer, int needed, int available) =>
        p.Error = new DecodeError(kind, layer, needed, available);

    private static void DecodeEthernet(ReadOnlySpan<byte> d, ref DecodedPacket p) => DecodeEthernetAt(d, 0, ref p);

    private static void DecodeEthernetAt(ReadOnlySpan<byte> d, int offset, ref DecodedPacket p)
    {
        if (d.Length < offset + 14) { Fail(ref p, DecodeErrorKind.Truncated, DecodeLayer.Link, 14, Math.Max(d.Length - offset, 0)); return; }
        ushort type = BinaryPrimitives.ReadUInt16BigEndian(d[(offset + 12)..]);
        // Values up to 1500 are an 802.3 length with an LLC header, not an ethertype.
        if (type <= 1500) { p.Network = Network.Other; p.Transport = Transport.Other; return; }
        DecodeEtherType(d, offset + 14, type, ref p);
    }

    private static void DecodeEtherType(ReadOnlySpan<byte> d, int offset, ushort type, ref DecodedPacket p)
    {
        while (type is EtherVlan or EtherQinQ or EtherQinQOld or EtherVnTag)
        {
            // A VLAN tag is two bytes of tag and the next ethertype; a VN-Tag four bytes of tag and the next ethertype.
            int tag = type == EtherVnTag ? 4 : 2;
            if (d.Length < offset + tag + 2)
            {
                Fail(ref p, DecodeErrorKind.Truncated, type == EtherVnTag ? DecodeLayer.VnTag : DecodeLayer.Vlan, tag + 2, Math.Max(d.Length - offset, 0));
                return;
            }
            if (type != EtherVnTag)
            {
                if (p.VlanDepth == 0) p.VlanId = (ushort)(BinaryPrimitives.ReadUInt16BigEndian(d[offset..]) & 0x0FFF);
                p.VlanDepth++;
            }
            type = BinaryPrimitives.ReadUInt16BigEndian(d[(offset + tag)..]);
            offset += tag + 2;
        }
        p.EtherType = type;
        switch (type)
        {
            case EtherIPv4: DecodeIPv4(d, offset, ref p); break;
            case EtherIPv6: DecodeIPv6(d, offset, ref p); break;
            case EtherArp or EtherRarp: DecodeArp(d, offset, ref p); break;
            case EtherMplsUnicast or EtherMplsMulticast: DecodeMpls(d, offset, ref p); break;
            case EtherPppoeSession: DecodePppoeSession(d, offset, ref p); break;
            case EtherPbb:
                // The I-tag (flags and the 24-bit service id), then the customer frame from its addresses on.
                if (d.Length < offset + 4) { Fail(ref p, DecodeErrorKind.Truncated, DecodeLayer.Pbb, 4, Math.Max(d.Length - offset, 0)); return; }
                DecodeEthernetAt(d, offset + 4, ref p);
                break;
            default: p.Network = Network.Other; p.Transport = Transport.Other; break;
        }
    }

    /// <summary>Linux cooked capture v1: 16-byte header, protocol in the last two bytes.</summary>
    private static void DecodeSll(ReadOnlySpan<byte> d, ref DecodedPacket p)
    {
        if (d.Length < 16) { Fail(ref p, DecodeErrorKind.Truncated, DecodeLayer.Link, 16, d.Length); return; }
        DecodeCookedProtocol(d, 16, BinaryPrimitives.ReadUInt16BigEndian(d[2..]), BinaryPrimitives.ReadUInt16BigEndian(d[14..]), ref p);
    }

    /// <summary>Linux cooked capture v2: 20-byte header, protocol in the first two bytes.</summary>
    private static void DecodeSll2(ReadOnlySpan<byte> d, ref DecodedPacket p)
    {
        if (d.Length < 20) { Fail(ref p, DecodeErrorKind.Truncated, DecodeLayer.Link, 20, d.Length); return; }
        DecodeCookedProtocol(d, 20, BinaryPrimitives.ReadUInt16BigEndian(d[8..]), BinaryPrimitives.ReadUInt16BigEndian(d), ref p);
    }

    private static void DecodeCookedProtocol(ReadOnlySpan<byte> d, int offset, ushort arpHardwareType, ushort protocol, ref DecodedPacket p)
    {
        // ARPHRD_NETLINK (824) and similar carry no ethertype; anything at or below 1500 is an LLC/802.2 marker.
        if (arpHardwareType == 824 || protocol <= 1500) { p.Network = Network.Other; p.Transport = Transport.Other; return; }
        DecodeEtherType(d, offset, protocol, ref p);
    }

    /// <summary>
    /// BSD loopback: a 4-byte address family in the byte order of the machine that wrote it (LOOP: always
    /// big-endian). AF_INET is 2 everywhere; AF_INET6 is 10 on Linux, 24 on NetBSD/OpenBSD, 28 on FreeBSD,
    /// 30 on Darwin (tcpdump's print-null.c).
    /// </summary>
    private static void DecodeNull(ReadOnlySpan<byte> d, ref DecodedPacket p, bool bigEndian)
    {
        if (d.Length < 4) { Fail(ref p, DecodeErrorKind.Truncated, DecodeLayer.Link, 4, d.Length); return; }
        uint family = bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(d) : BinaryPrimitives.ReadUInt32LittleEndian(d);
        if ((family & 0xFFFF0000) != 0) family = BinaryPrimitives.ReverseEndianness(family);
        switch (family)
        {
            case 2: DecodeIPv4(d, 4, ref p); break;
            case 10 or 24 or 28 or 30: DecodeIPv6(d, 4, ref p); break;
            default: p.Network = Network.Other; p.Transport = Transport.Other; break;
        }
    }

    /// <summary>DLT_PPP: the address and control bytes (0xFF 0x03) may be there or not; then the protocol.</summary>
    private static void DecodePppLink(ReadOnlySpan<byte> d, ref DecodedPacket p)
    {
        int offset = d.Length >= 2 && d[0] == 0xFF && d[1] == 0x03 ? 2 : 0;
        DecodePpp(d, offset, ref p);
    }

    /// <summary>DLT_PPP_SERIAL: PPP in HDLC-like framing, or Cisco HDLC (address 0x0F or 0x8F, then an ethertype).</summary>
    private static void DecodePppSerial(ReadOnlySpan<byte> d, ref DecodedPacket p)
    {
        if (d.Length < 4) { Fail(ref p, DecodeErrorKind.Truncated, DecodeLayer.Ppp, 4, d.Length); return; }
        if (d[0] is 0x0F or 0x8F) { DecodeEtherType(d, 4, BinaryPrimitives.ReadUInt16BigEndian(d[2..]), ref p); return; }
        DecodePpp(d, d[0] == 0xFF && d[1] == 0x03 ? 2 : 0, ref p);
    }

    private static void DecodePpp(ReadOnlySpan<byte> d, int offset, ref DecodedPacket p)
    {
        if (!TryReadPppProtocol(d, ref offset, out int protocol))
        {
            Fail(ref p, DecodeErrorKind.Truncated, DecodeLayer.Ppp, 2, Math.Max(d.Length - offset, 0));
            return;
        }
        DecodePppProtocol(d, offset, protocol, ref p);
    }

    /// <summary>
    /// The PPP protocol field (RFC 1661 §2): two bytes, or one when protocol-field compression is on, which the odd low
    /// bit of the first byte shows. Moves <paramref name="offset"/> past it; false when the capture ends first.
    /// </summary>
    private static bool TryReadPppProtocol(ReadOnlySpan<byte> d, ref int offset, out int protocol)
    {
        protocol = 0;
        if (d.Length <= offset) return false;
        if ((d[offset] & 1) != 0)
        {
            protocol = d[offset++];
            return true;
        }
        if (d.Length < offset + 2) return false;
        protocol = BinaryPrimitives.ReadUInt16BigEndian(d[offset..]);
        offset += 2;
        return true;
    }

    private static void DecodePppProtocol(ReadOnlySpan<byte> d, int offset, int protocol, ref DecodedPacket p)
    {
        switch (protocol)
        {
            case PppIPv4: DecodeIPv4(d, offset, ref p); break;
            case PppIPv6: DecodeIPv6(d, offset, ref p); break;
            case PppMplsUnicast: DecodeMpls(d, offset, ref p); break;
            // LCP, IPCP, CHAP, compressed data...: PPP's own traffic, no IP packet in it.
            default: p.Network = Network.Other; p.Transport = Transport.Other; break;
        }
    }

    /// <summary>A PPPoE session header (RFC 2516 §4): version and type, code, session id, length; then PPP's protocol field.</summary>
    private static void DecodePppoeSession(ReadOnlySpan<byte> d, int offset, ref DecodedPacket p)
    {
        if (d.Length < offset + 8) { Fail(ref p, DecodeErrorKind.Truncated, DecodeLayer.Pppoe, 8, Math.Max(d.Length - offset, 0)); return; }
        DecodePpp(d, offset + 6, ref p);
    }

    /// <summary>
    /// An 802.11 frame: only data frames carry packets. The header is 24 bytes, 30 with the fourth address (to and from
    /// the distribution system), 2 more for QoS data and 4 more for an HT control field; an unencrypted body starts
    /// with an LLC/SNAP header whose last two bytes are the ethertype.
    /// </summary>
    private static void DecodeWlan(ReadOnlySpan<byte> d, int offset, ref DecodedPacket p)
    {
        p.Network = Network.Other;
        p.Transport = Transport.Other;
        if (d.Length < offset + 2) { Fail(ref p, DecodeErrorKind.Truncated, DecodeLayer.Wlan, 24, Math.Max(d.Length - offset, 0)); return; }
        int fc0 = d[offset], fc1 = d[offset + 1];
        int type = (fc0 >> 2) & 3, subtype = fc0 >> 4;
        // Not version 0, not data, a data frame without a body (null function, CF-Ack/Poll), or a protected one: no packet to read.
        if ((fc0 & 3) != 0 || type != 2 || (subtype & 0x4) != 0 || (fc1 & 0x40) != 0) return;
        bool qos = (subtype & 0x8) != 0;
        int header = 24 + ((fc1 & 0x03) == 0x03 ? 6 : 0) + (qos ? 2 : 0) + (qos && (fc1 & 0x80) != 0 ? 4 : 0);
        if (d.Length < offset + header + 8) { Fail(ref p, DecodeErrorKind.Truncated, DecodeLayer.Wlan, header + 8, Math.Max(d.Length - offset, 0)); return; }
        // A QoS frame whose body is an A-MSDU holds several subframes, each with its own addresses: not one packet.
        if (qos && (d[offset + header - 2] & 0x80) != 0) return;
        var llc = d[(offset + header)..];
        if (llc[0] != 0xAA || llc[1] != 0xAA || llc[2] != 0x03) return;
        DecodeEtherType(d, offset + header + 8, BinaryPrimitives.ReadUInt16BigEndian(llc[6..]), ref p);
    }

    /// <summary>
    /// What an 802.11 frame that carries no packet is, by its frame control field ("Beacon", "Acknowledgment",
    /// "Data (protected)"), for the outputs; null when the capture's link is not 802.11 or the frame is cut.
    /// </summary>
    public static string? WlanFrameName(ReadOnlySpan<byte> d, int linkType)
    {
        int offset = linkType switch
        {
            LinkType.Ieee80211 => 0,
            LinkType.Radiotap or LinkType.Ppi when d.Length >= 4 => BinaryPrimitives.ReadUInt16LittleEndian(d[2..]),
            _ => -1,
        };
        if (offset < 0 || d.Length < offset + 2) return null;
        if ((d[offset] & 3) != 0) return $"frame of unknown protocol version {d[offset] & 3}";
        int type = (d[offset] >> 2) & 3, subtype = d[offset] >> 4;
        bool isProtected = (d[offset + 1] & 0x40) != 0;
        return type switch
        {
            0 => subtype switch
            {
                0 => "Association Request", 1 => "Association Response", 2 => "Reassociation Request", 3 => "Reassociation Response",
                4 => "Probe Request", 5 => "Probe Response", 8 => "Beacon", 9 => "ATIM", 10 => "Disassociation",
                11 => "Authentication", 12 => "Deauthentication", 13 => "Action", _ => $"Management subtype {subtype}",
            },
            1 => subtype switch
            {
                8 => "Block Ack Request", 9 => "Block Ack", 10 => "Power-Save Poll", 11 => "Request-To-Send", 12 => "Clear-To-Send",
                13 => "Acknowledgment", 14 => "CF-End", _ => $"Control subtype {subtype}",
            },
            2 when isProtected => "Data (protected)",
            2 when (subtype & 0x4) != 0 => (subtype & 0x8) != 0 ? "QoS Null function" : "Null function",
            2 => "Data (not LLC/SNAP)",
            _ => "Extension frame",
        };
    }

    /// <summary>Radiotap: a little-endian header whose own length field says where the 802.11 frame starts.</summary>
    private static void DecodeRadiotap(ReadOnlySpan<byte> d, ref DecodedPacket p)
    {
        if (d.Length < 8) { Fail(ref p, DecodeErrorKind.Truncated, DecodeLayer.Radiotap, 8, d.Length); return; }
        int length = BinaryPrimitives.ReadUInt16LittleEndian(d[2..]);
        if (length < 8) { Fail(ref p, DecodeErrorKind.BadHeaderLength, DecodeLayer.Radiotap, 8, length); return; }
        if (d.Length < length) { Fail(ref p, DecodeErrorKind.Truncated, DecodeLayer.Radiotap, length, d.Length); return; }
        DecodeWlan(d, length, ref p);
    }

    /// <summary>PPI (per-packet information): a little-endian header with its length and the link type that follows it.</summary>
    private static void DecodePpi(ReadOnlySpan<byte> d, ref DecodedPacket p)
    {
        if (d.Length < 8) { Fail(ref p, DecodeErrorKind.Truncated, DecodeLayer.Ppi, 8, d.Length); return; }
        int length = BinaryPrimitives.ReadUInt16LittleEndian(d[2..]);
        int dlt = (int)BinaryPrimitives.ReadUInt32LittleEndian(d[4..]);
        if (length < 8) { Fail(ref p, DecodeErrorKind.BadHeaderLength, DecodeLayer.Ppi, 8, length); return; }
        if (d.Length < length) { Fail(ref p, DecodeErrorKind.Truncated, DecodeLayer.Ppi, length, d.Length); return; }
        switch (dlt)
        {
            case LinkType.Ieee80211: DecodeWlan(d, length, ref p); break;
            case LinkType.Ethernet: DecodeEthernetAt(d, length, ref p); break;
            default: p.Network = Network.Other; p.Transport = Transport.Other; break;
        }
    }

    /// <summary>
    /// Records the current network layer as an outer layer and clears what the inner packet will fill in. False, with
    /// the error set, when the packet is nested deeper than <see cref="EncapStack.MaxDepth"/>.
    /// </summary>
    private static bool EnterTunnel(ref DecodedPacket p, TunnelKind kind, int udpOffset, bool hasId, uint id)
    {
        if (p.EncapDepth == EncapStack.MaxDepth)
        {
            Fail(ref p, DecodeErrorKind.TooDeep, DecodeLayer.Tunnel, EncapStack.MaxDepth, EncapStack.MaxDepth + 1);
            return false;
        }
        ref var layer = ref p.Encap[p.EncapDepth++];
        layer.Kind = kind;
        layer.Network = p.Network;
        layer.NetworkOffset = p.NetworkOffset;
        layer.UdpOffset = udpOffset;
        layer.HasId = hasId;
        layer.Id = id;
        p.Network = Network.None;
        p.Transport = Transport.None;
        p.Src = default;
        p.Dst = default;
        p.NetworkOffset = p.NetworkHeaderLength = p.IpLength = 0;
        p.Ttl = p.IpProtocol = 0;
        p.IpId = 0;
        p.IsLaterFragment = p.MoreFragments = false;
        p.FragmentOffset = p.FragmentDataOffset = 0;
        p.FragmentId = 0;
        p.TransportOffset = p.TransportHeaderLength = 0;
        p.SrcPort = p.DstPort = 0;
        p.CapturedTransportHeader = 0;
        p.UdpLength = 0;
        p.PayloadOffset = p.PayloadLength = p.CapturedPayloadLength = 0;
        return true;
    }

    /// <summary>
    /// GRE (RFC 2784/2890; version 1 is PPTP's, RFC 2637): optional checksum, key and sequence number, then what the
    /// protocol type names. A payload that is not a packet (PPP's own control traffic, source routing) leaves the GRE
    /// packet as it is.
    /// </summary>
    private static void DecodeGre(ReadOnlySpan<byte> d, int offset, int length, ref DecodedPacket p)
    {
        int avail = Math.Min(d.Length - offset, length);
        if (avail < 4) { Fail(ref p, DecodeErrorKind.Truncated, DecodeLayer.Gre, 4, Math.Max(avail, 0)); return; }
        int flags = d[offset], version = d[offset + 1] & 0x07;
        ushort protocol = BinaryPrimitives.ReadUInt16BigEndian(d[(offset + 2)..]);
        bool sequence = (flags & 0x10) != 0, key = (flags & 0x20) != 0;
        int header = 4;
        uint id = 0;
        if (version == 0)
        {
            if ((flags & 0x40) != 0) return; // source routing (RFC 1701): obsolete, left undecoded
            if ((flags & 0x80) != 0) header += 4;
            if (key) { if (avail >= header + 4) id = BinaryPrimitives.ReadUInt32BigEndian(d[(offset + header)..]); header += 4; }
            if (sequence) header += 4;
        }
        else if (version == 1 && key && protocol == EtherPpp)
        {
            // The key field holds the payload length and the call id; an acknowledgment number may follow the sequence.
            if (avail >= header + 4) id = BinaryPrimitives.ReadUInt16BigEndian(d[(offset + header + 2)..]);
            header += 4 + (sequence ? 4 : 0) + ((d[offset + 1] & 0x80) != 0 ? 4 : 0);
        }
        else return;
        if (avail < header) { Fail(ref p, DecodeErrorKind.Truncated, DecodeLayer.Gre, header, avail); return; }
        int inner = offset + header;
        var kind = TunnelKind.Gre;
        switch (protocol)
        {
            case EtherPpp:
            {
                // PPTP's PPP may keep or drop the address and control bytes and compress the protocol field.
                int at = avail > header + 1 && d[inner] == 0xFF && d[inner + 1] == 0x03 ? inner + 2 : inner;
                if (!TryReadPppProtocol(d, ref at, out int ppp) || ppp is not (PppIPv4 or PppIPv6)) return;
                if (!EnterTunnel(ref p, version == 1 ? TunnelKind.Pptp : kind, 0, key, id)) return;
                DecodePppProtocol(d, at, ppp, ref p);
                return;
            }
            case EtherErspan2 when sequence:
                // ERSPAN type II: an 8-byte header with a 10-bit session id, then the mirrored frame.
                if (avail < header + 8) { Fail(ref p, DecodeErrorKind.Truncated, DecodeLayer.Gre, header + 8, avail); return; }
                if (!EnterTunnel(ref p, TunnelKind.Erspan, 0, true, BinaryPrimitives.ReadUInt16BigEndian(d[(inner + 2)..]) & 0x3FFu)) return;
                DecodeEthernetAt(d, inner + 8, ref p);
                return;
            case EtherErspan2:
                // ERSPAN type I: no sequence number and no header, the mirrored frame straight away.
                if (!EnterTunnel(ref p, TunnelKind.Erspan, 0, false, 0)) return;
                DecodeEthernetAt(d, inner, ref p);
                return;
            case EtherErspan3:
            {
                // ERSPAN type III: 12 bytes, and 8 more when the O flag says a platform-specific subheader follows.
                if (avail < header + 12) { Fail(ref p, DecodeErrorKind.Truncated, DecodeLayer.Gre, header + 12, avail); return; }
                int erspan = 12 + ((d[inner + 11] & 0x01) != 0 ? 8 : 0);
                if (!EnterTunnel(ref p, TunnelKind.Erspan, 0, true, BinaryPrimitives.ReadUInt16BigEndian(d[(inner + 2)..]) & 0x3FFu)) return;
                DecodeEthernetAt(d, inner + erspan, ref p);
                return;
            }
            case EtherBridged:
                if (!EnterTunnel(ref p, kind, 0, key, id)) return;
                DecodeEthernetAt(d, inner, ref p);
                return;
            case EtherIPv4 or EtherIPv6 or EtherMplsUnicast or EtherMplsMulticast:
                if (!EnterTunnel(ref p, kind, 0, key, id)) return;
                DecodeEtherType(d, inner, protocol, ref p);
                return;
        }
    }

    /// <summary>
    /// The UDP tunnels, by port as tshark's dissector table picks them (the destination port first): VXLAN, Geneve,
    /// Teredo, GTP-U and AYIYA. A payload that does not look like its tunnel's header stays plain UDP.
    /// </summary>
    private static void DecodeUdpTunnel(ReadOnlySpan<byte> d, ref DecodedPacket p)
    {
        int port = IsTunnelPort(p.DstPort) ? p.DstPort : IsTunnelPort(p.SrcPort) ? p.SrcPort : 0;
        if (port == 0) return;
        int offset = p.PayloadOffset, udp = p.TransportOffset;
        var t = d[offset..];
        int avail = Math.Min(t.Length, p.PayloadLength);
        switch (port)
        {
            case PortVxlan:
            {
                if (avail < 8 + 14) return;
                uint vni = (uint)(t[4] << 16 | t[5] << 8 | t[6]);
                if (!EnterTunnel(ref p, TunnelKind.Vxlan, udp, (t[0] & 0x08) != 0, vni)) return;
                DecodeEthernetAt(d, offset + 8, ref p);
                return;
            }
            case PortGeneve:
            {
                if (avail < 8 || t[0] >> 6 != 0) return;
                int header = 8 + (t[0] & 0x3F) * 4;
                if (avail < header) return;
                ushort protocol = BinaryPrimitives.ReadUInt16BigEndian(t[2..]);
                uint vni = (uint)(t[4] << 16 | t[5] << 8 | t[6]);
                if (protocol <= 1500) return; // not an ethertype
                if (!EnterTunnel(ref p, TunnelKind.Geneve, udp, true, vni)) return;
                if (protocol == EtherBridged) DecodeEthernetAt(d, offset + header, ref p);
                else DecodeEtherType(d, offset + header, protocol, ref p);
                return;
            }
            case PortTeredo:
            {
                // Optional authentication (0x0001) and origin indication (0x0000) headers, then an IPv6 packet.
                int at = 0;
                if (avail >= 13 && t[0] == 0x00 && t[1] == 0x01) at += 13 + t[2] + t[3];
                if (avail >= at + 8 && t[at] == 0x00 && t[at + 1] == 0x00) at += 8;
                if (avail < at + 40 || t[at] >> 4 != 6) return;
                if (40 + BinaryPrimitives.ReadUInt16BigEndian(t[(at + 4)..]) > avail - at) return;
                if (!EnterTunnel(ref p, TunnelKind.Teredo, udp, false, 0)) return;
                DecodeIPv6(d, offset + at, ref p);
                return;
            }
            case PortGtpU:
            {
                // Version 1 with the protocol-type bit, a G-PDU (type 255): the only message that carries a user packet.
                if (avail < 8 || t[0] >> 5 != 1 || (t[0] & 0x10) == 0 || t[1] != 0xFF) return;
                uint teid = BinaryPrimitives.ReadUInt32BigEndian(t[4..]);
                int header = 8;
                if ((t[0] & 0x07) != 0)
                {
                    if (avail < 12) return;
                    header = 12;
                    int next = (t[0] & 0x04) != 0 ? t[11] : 0;
                    // Extension headers: a length in 4-byte units, the last byte naming the next one.
                    while (next != 0)
                    {
                        if (avail < header + 1 || t[header] == 0) return;
                        int len = t[header] * 4;
                        if (avail < header + len) return;
                        next = t[header + len - 1];
                        header += len;
                    }
                }
                if (avail <= header || t[header] >> 4 is not (4 or 6)) return;
                if (!EnterTunnel(ref p, TunnelKind.GtpU, udp, true, teid)) return;
                DecodeIpByVersion(d, offset + header, ref p);
                return;
            }
            case PortAyiya:
            {
                // Identity of 2^n bytes, signature of 4·n bytes; opcode 1 forwards the packet named by the next header.
                if (avail < 8 || (t[2] & 0x0F) != 1 || t[3] is not (4 or 41)) return;
                int header = 8 + (1 << (t[0] >> 4)) + (t[1] >> 4) * 4;
                if (avail <= header) return;
                if (!EnterTunnel(ref p, TunnelKind.Ayiya, udp, false, 0)) return;
                if (t[3] == 4) DecodeIPv4(d, offset + header, ref p);
                else DecodeIPv6(d, offset + header, ref p);
                return;
            }
        }
    }

    private static bool IsTunnelPort(ushort port) => port is PortVxlan or PortGeneve or PortTeredo or PortGtpU or PortAyiya;

    /// <summary>MPLS label stack (RFC 3032): skip labels to the bottom of stack, then guess IP by its version nibble.</summary>
    private static void DecodeMpls(ReadOnlySpan<byte> d, int offset, ref DecodedPacket p)
    {
        while (true)
        {
            if (d.Length < offset + 4) { Fail(ref p, DecodeErrorKind.Truncated, DecodeLayer.Mpls, 4, d.Length - offset); return; }
            bool bottom = (d[offset + 2] & 0x01) != 0;
            offset += 4;
            if (bottom) break;
        }
        if (d.Length <= offset) { p.Network = Network.Other; p.Transport = Transport.Other; return; }
        switch (d[offset] >> 4)
        {
            case 4: DecodeIPv4(d, offset, ref p); break;
            case 6: DecodeIPv6(d, offset, ref p); break;
            default: p.Network = Network.Other; p.Transport = Transport.Other; break;
        }
    }

    private static void DecodeIpByVersion(ReadOnlySpan<byte> d, int offset, ref DecodedPacket p)
    {
        if (d.Length <= offset) { Fail(ref p, DecodeErrorKind.Truncated, DecodeLayer.IPv4, 20, 0); return; }
        int version = d[offset] >> 4;
        if (version == 6) DecodeIPv6(d, offset, ref p);
        else if (version == 4) DecodeIPv4(d, offset, ref p);
        else { p.Network = Network.Other; p.Transport = Transport.Other; Fail(ref p, DecodeErrorKind.BadVersion, DecodeLayer.IPv4, 4, version); }
    }

    private static void DecodeArp(ReadOnlySpan<byte> d, int offset, ref DecodedPacket p)
    {
        p.Network = Network.Arp;
        p.Transport = Transport.Arp;
        p.NetworkOffset = offset;
        if (d.Length < offset + 8) { Fail(ref p, DecodeErrorKind.Truncated, DecodeLayer.Arp, 8, d.Length - offset); return; }
        int hlen = d[offset + 4], plen = d[offset + 5];
        p.ArpOperation = BinaryPrimitives.ReadUInt16BigEndian(d[(offset + 6)..]);
        int need = 8 + 2 * hlen + 2 * plen;
        if (d.Length < offset + need) { Fail(ref p, DecodeErrorKind.Truncated, DecodeLayer.Arp, need, d.Length - offset); return; }
        p.NetworkHeaderLength = need;
        if (plen == 4)
        {
            p.Src = NetAddress.FromIPv4(d[(offset + 8 + hlen)..]);
            p.Dst = NetAddress.FromIPv4(d[(offset + 8 + 2 * hlen + 4)..]);
        }
    }

    private static void DecodeIPv4(ReadOnlySpan<byte> d, int offset, ref DecodedPacket p)
    {
        p.Network = Network.IPv4;
        p.NetworkOffset = offset;
        int avail = d.Length - offset;
        if (avail < 20) { Fail(ref p, DecodeErrorKind.Truncated, DecodeLayer.IPv4, 20, Math.Max(avail, 0)); return; }
        var ip = d[offset..];
        int version = ip[0] >> 4;
        if (version != 4) { Fail(ref p, DecodeErrorKind.BadVersion, DecodeLayer.IPv4, 4, version); return; }
        int ihl = (ip[0] & 0x0F) * 4;
        if (ihl < 20) { Fail(ref p, DecodeErrorKind.BadHeaderLength, DecodeLayer.IPv4, 20, ihl); return; }
        int total = BinaryPrimitives.ReadUInt16BigEndian(ip[2..]);
        p.IpLength = total;
        p.IpId = BinaryPrimitives.ReadUInt16BigEndian(ip[4..]);
        ushort frag = BinaryPrimitives.ReadUInt16BigEndian(ip[6..]);
        p.MoreFragments = (frag & 0x2000) != 0;
        p.IsLaterFragment = (frag & 0x1FFF) != 0;
        p.FragmentOffset = (frag & 0x1FFF) * 8;
        p.FragmentId = p.IpId;
        p.FragmentDataOffset = offset + ((ip[0] & 0x0F) * 4);
        p.Ttl = ip[8];
        p.IpProtocol = ip[9];
        p.Src = NetAddress.FromIPv4(ip[12..]);
        p.Dst = NetAddress.FromIPv4(ip[16..]);
        p.NetworkHeaderLength = ihl;
        if (avail < ihl) { Fail(ref p, DecodeErrorKind.Truncated, DecodeLayer.IPv4, ihl, avail); return; }
        // A total length of 0 is what TCP segmentation offload leaves in locally captured packets: use the
        // captured length, as Wireshark does.
        if (total == 0) total = avail;
        if (total < ihl) { Fail(ref p, DecodeErrorKind.BadHeaderLength, DecodeLayer.IPv4, ihl, total); return; }
        if (p.IsLaterFragment) { p.Transport = Transport.Other; return; }
        DecodeTransport(d, offset + ihl, total - ihl, ref p);
    }

    private static void DecodeIPv6(ReadOnlySpan<byte> d, int offset, ref DecodedPacket p)
    {
        p.Network = Network.IPv6;
        p.NetworkOffset = offset;
        int avail = d.Length - offset;
        if (avail < 40) { Fail(ref p, DecodeErrorKind.Truncated, DecodeLayer.IPv6, 40, Math.Max(avail, 0)); return; }
        var ip = d[offset..];
        int version = ip[0] >> 4;
        if (version != 6) { Fail(ref p, DecodeErrorKind.BadVersion, DecodeLayer.IPv6, 6, version); return; }
        int payloadLength = BinaryPrimitives.ReadUInt16BigEndian(ip[4..]);
        if (payloadLength == 0) payloadLength = avail - 40; // jumbogram or offload: trust the capture
        p.IpLength = 40 + payloadLength;
        p.Ttl = ip[7];
        p.Src = NetAddress.FromIPv6(ip[8..]);
        p.Dst = NetAddress.FromIPv6(ip[24..]);
        byte next = ip[6];
        int pos = offset + 40;
        int remaining = payloadLength;
        // Walk the extension headers (RFC 8200 §4) to the upper-layer protocol.
        while (true)
        {
            switch (next)
            {
                case 0 or 43 or 60 or 135 or 139 or 140:
                {
                    if (d.Length < pos + 8) { p.IpProtocol = next; p.NetworkHeaderLength = pos - offset; Fail(ref p, DecodeErrorKind.Truncated, DecodeLayer.IPv6, 8, Math.Max(d.Length - pos, 0)); return; }
                    int len = (d[pos + 1] + 1) * 8;
                    next = d[pos];
                    pos += len;
                    remaining -= len;
                    continue;
                }
                case 44: // fragment
                {
                    if (d.Length < pos + 8) { p.IpProtocol = next; p.NetworkHeaderLength = pos - offset; Fail(ref p, DecodeErrorKind.Truncated, DecodeLayer.IPv6, 8, Math.Max(d.Length - pos, 0)); return; }
                    ushort frag = BinaryPrimitives.ReadUInt16BigEndian(d[(pos + 2)..]);
                    p.IsLaterFragment = (frag & 0xFFF8) != 0;
                    p.MoreFragments = (frag & 1) != 0;
                    p.FragmentOffset = frag & 0xFFF8;
                    p.FragmentId = BinaryPrimitives.ReadUInt32BigEndian(d[(pos + 4)..]);
                    p.FragmentDataOffset = pos + 8;
                    next = d[pos];
                    pos += 8;
                    remaining -= 8;
                    continue;
                }
                case 51: // authentication header: length in 4-byte units, minus 2
                {
                    if (d.Length < pos + 8) { p.IpProtocol = next; p.NetworkHeaderLength = pos - offset; Fail(ref p, DecodeErrorKind.Truncated, DecodeLayer.IPv6, 8, Math.Max(d.Length - pos, 0)); return; }
                    int len = (d[pos + 1] + 2) * 4;
                    next = d[pos];
                    pos += len;
                    remaining -= len;
                    continue;
                }
            }
            break;
        }
        p.IpProtocol = next;
        p.NetworkHeaderLength = pos - offset;
        if (remaining < 0) { Fail(ref p, DecodeErrorKind.LengthOverrun, DecodeLayer.IPv6, pos - offset - 40, payloadLength); return; }
        if (p.IsLaterFragment) { p.Transport = Transport.Other; return; }
        DecodeTransport(d, pos, remaining, ref p);
    }

    /// <param name="length">Transport length as the IP header states it (may exceed what was captured).</param>
    private static void DecodeTransport(ReadOnlySpan<byte> d, int offset, int length, ref DecodedPacket p)
    {
        p.TransportOffset = offset;
        switch (p.IpProtocol)
        {
            case 6: DecodeTcp(d, offset, length, ref p); break;
            case 17: DecodeUdp(d, offset, length, ref p); break;
            case 1 when p.Network == Network.IPv4: DecodeIcmp(d, offset, length, ref p, Transport.Icmp); break;
            case 58 when p.Network == Network.IPv6: DecodeIcmp(d, offset, length, ref p, Transport.Icmpv6); break;
            case 4 or 41 when !p.MoreFragments:
            {
                bool v4 = p.IpProtocol == 4;
                if (!EnterTunnel(ref p, TunnelKind.IPinIP, 0, false, 0)) return;
                if (v4) DecodeIPv4(d, offset, ref p);
                else DecodeIPv6(d, offset, ref p);
                break;
            }
            case 47 when !p.MoreFragments:
                p.Transport = Transport.Other; p.PayloadLength = length; p.PayloadOffset = offset; p.CapturedPayloadLength = Captured(d, offset, length);
                DecodeGre(d, offset, length, ref p);
                break;
            default: p.Transport = Transport.Other; p.PayloadLength = length; p.PayloadOffset = offset; p.CapturedPayloadLength = Captured(d, offset, length); break;
        }
    }

    private static int Captured(ReadOnlySpan<byte> d, int offset, int length) => Math.Clamp(Math.Min(length, d.Length - offset), 0, int.MaxValue);

    /// <summary>
    /// Every whole field of the fixed TCP header that the capture holds, read before anything can fail: a header cut
    /// short keeps its ports from 4 bytes on, the sequence number from 8, and so on (<see cref="TcpField"/>).
    /// </summary>
    private static void ReadTcpFields(ReadOnlySpan<byte> tcp, ref DecodedPacket p)
    {
        // The whole fixed header, as nearly every packet has it: one bounds check, no field-by-field tests.
        if (tcp.Length >= 20)
        {
            p.CapturedTransportHeader = 20;
            p.SrcPort = BinaryPrimitives.ReadUInt16BigEndian(tcp);
            p.DstPort = BinaryPrimitives.ReadUInt16BigEndian(tcp[2..]);
            p.SequenceNumber = BinaryPrimitives.ReadUInt32BigEndian(tcp[4..]);
            p.AcknowledgmentNumber = BinaryPrimitives.ReadUInt32BigEndian(tcp[8..]);
            p.Flags = (TcpFlags)(((tcp[12] & 0x01) << 8) | tcp[13]);
            p.Window = BinaryPrimitives.ReadUInt16BigEndian(tcp[14..]);
            p.UrgentPointer = BinaryPrimitives.ReadUInt16BigEndian(tcp[18..]);
            return;
        }
        int n = tcp.Length;
        p.CapturedTransportHeader = (byte)n;
        if (n >= (int)TcpField.Ports)
        {
            p.SrcPort = BinaryPrimitives.ReadUInt16BigEndian(tcp);
            p.DstPort = BinaryPrimitives.ReadUInt16BigEndian(tcp[2..]);
        }
        if (n >= (int)TcpField.Seq) p.SequenceNumber = BinaryPrimitives.ReadUInt32BigEndian(tcp[4..]);
        if (n >= (int)TcpField.Ack) p.AcknowledgmentNumber = BinaryPrimitives.ReadUInt32BigEndian(tcp[8..]);
        if (n >= (int)TcpField.Flags) p.Flags = (TcpFlags)(((tcp[12] & 0x01) << 8) | tcp[13]);
        if (n >= (int)TcpField.Window) p.Window = BinaryPrimitives.ReadUInt16BigEndian(tcp[14..]);
    }

    /// <summary>Every whole field of the UDP header that the capture holds, as <see cref="ReadTcpFields"/> does for TCP.</summary>
    private static void ReadUdpFields(ReadOnlySpan<byte> udp, ref DecodedPacket p)
    {
        if (udp.Length >= 8)
        {
            p.CapturedTransportHeader = 8;
            p.SrcPort = BinaryPrimitives.ReadUInt16BigEndian(udp);
            p.DstPort = BinaryPrimitives.ReadUInt16BigEndian(udp[2..]);
            p.UdpLength = BinaryPrimitives.ReadUInt16BigEndian(udp[4..]);
            return;
        }
        int n = udp.Length;
        p.CapturedTransportHeader = (byte)n;
        if (n >= (int)UdpField.Ports)
        {
            p.SrcPort = BinaryPrimitives.ReadUInt16BigEndian(udp);
            p.DstPort = BinaryPrimitives.ReadUInt16BigEndian(udp[2..]);
        }
        if (n >= (int)UdpField.Length) p.UdpLength = BinaryPrimitives.ReadUInt16BigEndian(udp[4..]);
    }

    private static void DecodeTcp(ReadOnlySpan<byte> d, int offset, int length, ref DecodedPacket p)
    {
        p.Transport = Transport.Tcp;
        int avail = Math.Max(d.Length - offset, 0);
        // IPv6 extension headers can claim to end beyond the capture: then there is no TCP byte to read.
        ReadTcpFields(avail > 0 ? d[offset..] : default, ref p);
        if (avail < 20) { Fail(ref p, DecodeErrorKind.Truncated, DecodeLayer.Tcp, 20, avail); return; }
        var tcp = d[offset..];
        int doff = (tcp[12] >> 4) * 4;
        if (doff < 20) { Fail(ref p, DecodeErrorKind.BadHeaderLength, DecodeLayer.Tcp, 20, doff); return; }
        if (avail < doff) { Fail(ref p, DecodeErrorKind.Truncated, DecodeLayer.Tcp, doff, avail); return; }
        if (length < doff) { Fail(ref p, DecodeErrorKind.LengthOverrun, DecodeLayer.Tcp, doff, length); return; }
        p.TransportHeaderLength = doff;
        if (doff > 20) p.Options = TcpOptions.Parse(tcp[20..doff]);
        p.PayloadOffset = offset + doff;
        p.PayloadLength = length - doff;
        p.CapturedPayloadLength = Captured(d, p.PayloadOffset, p.PayloadLength);
    }

    private static void DecodeUdp(ReadOnlySpan<byte> d, int offset, int length, ref DecodedPacket p)
    {
        p.Transport = Transport.Udp;
        int avail = Math.Max(d.Length - offset, 0);
        ReadUdpFields(avail > 0 ? d[offset..] : default, ref p);
        if (avail < 8) { Fail(ref p, DecodeErrorKind.Truncated, DecodeLayer.Udp, 8, avail); return; }
        p.TransportHeaderLength = 8;
        p.PayloadOffset = offset + 8;
        // The UDP length field wins when it is sane; one that overruns the IP payload is reported and the
        // IP length is used instead (both tcpdump and Wireshark flag this).
        int udpLength = p.UdpLength;
        // In a first fragment the datagram goes on in the next fragments: a length beyond this one is no fault.
        if (udpLength < 8 || udpLength > length && !p.MoreFragments)
        {
            p.PayloadLength = Math.Max(length - 8, 0);
            Fail(ref p, udpLength < 8 ? DecodeErrorKind.BadHeaderLength : DecodeErrorKind.LengthOverrun, DecodeLayer.Udp,
                udpLength < 8 ? 8 : udpLength, udpLength < 8 ? udpLength : length);
        }
        else
        {
            p.PayloadLength = udpLength - 8;
        }
        p.CapturedPayloadLength = Captured(d, p.PayloadOffset, p.PayloadLength);
        // A first fragment holds only the start of what a tunnel carries: that is decoded once the datagram is whole.
        if (!p.HasError && !p.MoreFragments) DecodeUdpTunnel(d, ref p);
    }

    private static void DecodeIcmp(ReadOnlySpan<byte> d, int offset, int length, ref DecodedPacket p, Transport kind)
    {
        p.Transport = kind;
        int avail = Math.Max(d.Length - offset, 0);
        if (avail < 4) { Fail(ref p, DecodeErrorKind.Truncated, DecodeLayer.Icmp, 4, avail); return; }
        p.IcmpType = d[offset];
        p.IcmpCode = d[offset + 1];
        p.TransportHeaderLength = Math.Min(8, avail);
        p.PayloadOffset = offset + p.TransportHeaderLength;
        p.PayloadLength = Math.Max(length - 8, 0);
        p.CapturedPayloadLength = Captured(d, p.PayloadOffset, p.PayloadLength);
    }
}
