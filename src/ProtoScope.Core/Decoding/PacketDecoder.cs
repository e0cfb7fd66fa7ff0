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
/// TCP option parser can loop forever. Nothing parses packets with PacketDotNet any more: the terminal UI's
/// detail tree (Tui's PacketDetails) is drawn from this decoder's result for the selected row, decoded again
/// from its stored bytes (<see cref="Session.PacketTable.Decode"/>).
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
            default: p.Network = Network.Other; p.Transport = Transport.Other; break;
        }
    }

    private static void Fail(ref DecodedPacket p, DecodeErrorKind kind, DecodeLayer layer, int needed, int available) =>
        p.Error = new DecodeError(kind, layer, needed, available);

    private static void DecodeEthernet(ReadOnlySpan<byte> d, ref DecodedPacket p)
    {
        if (d.Length < 14) { Fail(ref p, DecodeErrorKind.Truncated, DecodeLayer.Link, 14, d.Length); return; }
        int offset = 12;
        ushort type = BinaryPrimitives.ReadUInt16BigEndian(d[offset..]);
        offset += 2;
        while (type is EtherVlan or EtherQinQ or EtherQinQOld)
        {
            if (d.Length < offset + 4) { Fail(ref p, DecodeErrorKind.Truncated, DecodeLayer.Vlan, 4, d.Length - offset); return; }
            if (p.VlanDepth == 0) p.VlanId = (ushort)(BinaryPrimitives.ReadUInt16BigEndian(d[offset..]) & 0x0FFF);
            p.VlanDepth++;
            type = BinaryPrimitives.ReadUInt16BigEndian(d[(offset + 2)..]);
            offset += 4;
        }
        // Values up to 1500 are an 802.3 length with an LLC header, not an ethertype.
        if (type <= 1500) { p.Network = Network.Other; p.Transport = Transport.Other; return; }
        DecodeEtherType(d, offset, type, ref p);
    }

    private static void DecodeEtherType(ReadOnlySpan<byte> d, int offset, ushort type, ref DecodedPacket p)
    {
        p.EtherType = type;
        switch (type)
        {
            case EtherIPv4: DecodeIPv4(d, offset, ref p); break;
            case EtherIPv6: DecodeIPv6(d, offset, ref p); break;
            case EtherArp or EtherRarp: DecodeArp(d, offset, ref p); break;
            case EtherMplsUnicast or EtherMplsMulticast: DecodeMpls(d, offset, ref p); break;
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
        if (protocol is EtherVlan or EtherQinQ)
        {
            if (d.Length < offset + 4) { Fail(ref p, DecodeErrorKind.Truncated, DecodeLayer.Vlan, 4, d.Length - offset); return; }
            p.VlanId = (ushort)(BinaryPrimitives.ReadUInt16BigEndian(d[offset..]) & 0x0FFF);
            p.VlanDepth = 1;
            protocol = BinaryPrimitives.ReadUInt16BigEndian(d[(offset + 2)..]);
            offset += 4;
        }
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
            default: p.Transport = Transport.Other; p.PayloadLength = length; p.PayloadOffset = offset; p.CapturedPayloadLength = Captured(d, offset, length); break;
        }
    }

    private static int Captured(ReadOnlySpan<byte> d, int offset, int length) => Math.Clamp(Math.Min(length, d.Length - offset), 0, int.MaxValue);

    /// <summary>The ports of a TCP or UDP header, read before anything can fail: what a cut header still shows.</summary>
    private static void ReadPorts(ReadOnlySpan<byte> d, int offset, int avail, ref DecodedPacket p)
    {
        if (avail < 4) return;
        p.SrcPort = BinaryPrimitives.ReadUInt16BigEndian(d[offset..]);
        p.DstPort = BinaryPrimitives.ReadUInt16BigEndian(d[(offset + 2)..]);
        p.PortsOnly = true;
    }

    private static void DecodeTcp(ReadOnlySpan<byte> d, int offset, int length, ref DecodedPacket p)
    {
        p.Transport = Transport.Tcp;
        int avail = Math.Max(d.Length - offset, 0);
        ReadPorts(d, offset, avail, ref p);
        if (avail < 20) { Fail(ref p, DecodeErrorKind.Truncated, DecodeLayer.Tcp, 20, avail); return; }
        var tcp = d[offset..];
        int doff = (tcp[12] >> 4) * 4;
        if (doff < 20) { Fail(ref p, DecodeErrorKind.BadHeaderLength, DecodeLayer.Tcp, 20, doff); return; }
        if (avail < doff) { Fail(ref p, DecodeErrorKind.Truncated, DecodeLayer.Tcp, doff, avail); return; }
        if (length < doff) { Fail(ref p, DecodeErrorKind.LengthOverrun, DecodeLayer.Tcp, doff, length); return; }
        p.PortsOnly = false;
        p.TransportHeaderLength = doff;
        p.SequenceNumber = BinaryPrimitives.ReadUInt32BigEndian(tcp[4..]);
        p.AcknowledgmentNumber = BinaryPrimitives.ReadUInt32BigEndian(tcp[8..]);
        p.Flags = (TcpFlags)(((tcp[12] & 0x01) << 8) | tcp[13]);
        p.Window = BinaryPrimitives.ReadUInt16BigEndian(tcp[14..]);
        p.UrgentPointer = BinaryPrimitives.ReadUInt16BigEndian(tcp[18..]);
        if (doff > 20) p.Options = TcpOptions.Parse(tcp[20..doff]);
        p.PayloadOffset = offset + doff;
        p.PayloadLength = length - doff;
        p.CapturedPayloadLength = Captured(d, p.PayloadOffset, p.PayloadLength);
    }

    private static void DecodeUdp(ReadOnlySpan<byte> d, int offset, int length, ref DecodedPacket p)
    {
        p.Transport = Transport.Udp;
        int avail = Math.Max(d.Length - offset, 0);
        ReadPorts(d, offset, avail, ref p);
        if (avail < 8) { Fail(ref p, DecodeErrorKind.Truncated, DecodeLayer.Udp, 8, avail); return; }
        p.PortsOnly = false;
        p.UdpLength = BinaryPrimitives.ReadUInt16BigEndian(d[(offset + 4)..]);
        p.TransportHeaderLength = 8;
        p.PayloadOffset = offset + 8;
        // The UDP length field wins when it is sane; one that overruns the IP payload is reported and the
        // IP length is used instead (both tcpdump and Wireshark flag this).
        int udpLength = p.UdpLength;
        if (udpLength < 8 || udpLength > length)
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
