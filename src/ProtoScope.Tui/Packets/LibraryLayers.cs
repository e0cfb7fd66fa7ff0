using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using PacketDotNet;
using PacketDotNet.DhcpV4;
using PacketDotNet.Ieee80211;
using PacketDotNet.Lldp;
using ProtoScope.Core.Decoding;
using ProtoScope.Core.Formatting;

namespace ProtoScope.Tui.Packets;

/// <summary>Where a layer PacketDotNet dissected goes in the detail tree, in place of ProtoScope's own node for it.</summary>
public enum DetailLayer
{
    Link,
    Network,
    Transport,
    Application,
}

/// <summary>
/// The selected packet's layers that PacketDotNet knows, as detail-tree nodes: every field it reads, named as tshark
/// names it, with the bytes it came from. ProtoScope's span decoder reads only what the one pass needs; for the one
/// packet a user looks at, PacketDotNet's wider dissection is worth its allocations.
/// </summary>
/// <remarks>
/// PacketDotNet parses lazily and throws from property getters on a truncated or malformed layer, so each layer is
/// built under a guard and the walk stops at the first layer it cannot read: the caller keeps its own nodes from
/// there on. TCP is never touched: PacketDotNet's option parser loops forever on a zero-length option, and the
/// TCP node (relative numbers, options, analysis) is ProtoScope's own.
/// </remarks>
public static class LibraryLayers
{
    public static List<(DetailLayer Layer, FieldNode Node)> Dissect(int linkType, byte[] bytes, in DecodedPacket decoded)
    {
        var layers = new List<(DetailLayer, FieldNode)>();
        Packet? packet;
        try
        {
            packet = Packet.ParsePacket(LinkLayerOf(linkType), bytes);
        }
        catch (Exception e) when (IsParseFailure(e))
        {
            return layers;
        }
        // Inside a tunnel or a fragment PacketDotNet's view can part from ours (it stops at an outer layer, or reads a
        // fragment's bytes as a transport header), and it reads on through an IP header tshark calls bogus (a bad
        // version or header length): a layer is taken only where ProtoScope's decoder found it too.
        for (; packet is not null; packet = Next(packet))
        {
            int offset = packet.HeaderSegment.Offset;
            FieldNode? node;
            DetailLayer layer;
            try
            {
                (layer, node) = packet switch
                {
                    EthernetPacket eth when offset == 0 && decoded.VlanDepth == 0 => (DetailLayer.Link, Ethernet(eth, offset)),
                    RadioPacket radio when offset == 0 => (DetailLayer.Link, Radiotap(radio, offset)),
                    MacFrame frame => (DetailLayer.Link, Wlan(frame, offset, bytes)),
                    LldpPacket lldp => (DetailLayer.Network, Lldp(lldp, offset)),
                    ArpPacket arp when offset == decoded.NetworkOffset => (DetailLayer.Network, Arp(arp, offset)),
                    IPv4Packet ip when offset == decoded.NetworkOffset && decoded.NetworkHeaderLength > 0 => (DetailLayer.Network, IPv4(ip, offset)),
                    IPv6Packet ip when offset == decoded.NetworkOffset && decoded.NetworkHeaderLength > 0 && ip.ExtensionHeaders.Count == 0 => (DetailLayer.Network, IPv6(ip, offset)),
                    UdpPacket udp when offset == decoded.TransportOffset && !decoded.IsFragment => (DetailLayer.Transport, Udp(udp, offset)),
                    IcmpV4Packet icmp when offset == decoded.TransportOffset && !decoded.IsFragment => (DetailLayer.Transport, Icmp(icmp, offset)),
                    IcmpV6Packet icmp when offset == decoded.TransportOffset && !decoded.IsFragment => (DetailLayer.Transport, Icmpv6(icmp, offset)),
                    IgmpV2Packet igmp when offset == decoded.TransportOffset && !decoded.IsFragment => (DetailLayer.Transport, Igmp(igmp, offset, bytes)),
                    DhcpV4Packet dhcp when !decoded.IsFragment => (DetailLayer.Application, Dhcp(dhcp, offset, bytes)),
                    _ => (DetailLayer.Link, null),
                };
            }
            catch (Exception e) when (IsParseFailure(e))
            {
                break;
            }
            if (node is not null) layers.Add((layer, node));
            if (packet is TcpPacket || packet is IPPacket && decoded.IsFragment) break;
        }
        return layers;
    }

    /// <summary>PacketDotNet knows neither DLT 228 nor 229; both are raw IP, which it tells apart by the version nibble.</summary>
    private static LinkLayers LinkLayerOf(int linkType) =>
        linkType is LinkType.Ipv4 or LinkType.Ipv6 ? LinkLayers.Raw : (LinkLayers)linkType;

    private static Packet? Next(Packet packet)
    {
        if (packet is TcpPacket) return null;
        try
        {
            return packet.PayloadPacket;
        }
        catch (Exception e) when (IsParseFailure(e))
        {
            return null;
        }
    }

    /// <summary>What PacketDotNet throws on bytes it cannot read (its own documentation names none): nothing else is caught.</summary>
    private static bool IsParseFailure(Exception e) =>
        e is IndexOutOfRangeException or ArgumentException or InvalidOperationException or NotImplementedException
            or NotSupportedException or OverflowException or InvalidCastException or NullReferenceException or EndOfStreamException;

    private static FieldNode Ethernet(EthernetPacket eth, int o)
    {
        var node = new FieldNode($"Ethernet II, Src: {Mac(eth.SourceHardwareAddress)}, Dst: {Mac(eth.DestinationHardwareAddress)}", o, eth.HeaderSegment.Length);
        node.Field("eth.dst", "Destination", Mac(eth.DestinationHardwareAddress), o, 6);
        node.Field("eth.src", "Source", Mac(eth.SourceHardwareAddress), o + 6, 6);
        node.Field("eth.type", "Type", Hex4((int)eth.Type), o + 12, 2, $" ({eth.Type})");
        return node;
    }

    private static FieldNode IPv4(IPv4Packet ip, int o)
    {
        var node = new FieldNode($"Internet Protocol Version 4, Src: {ip.SourceAddress}, Dst: {ip.DestinationAddress}", o, ip.HeaderLength * 4);
        node.Field("ip.version", "Version", "4", o, 1);
        node.Field("ip.hdr_len", "Header length", Num(ip.HeaderLength * 4), o, 1, " bytes");
        var ds = node.Field("ip.dsfield", "Differentiated services field", Hex2(ip.DifferentiatedServices), o + 1, 1);
        ds.Field("ip.dsfield.dscp", "DSCP", Num(ip.DifferentiatedServices >> 2), o + 1, 1);
        ds.Field("ip.dsfield.ecn", "ECN", Num(ip.DifferentiatedServices & 3), o + 1, 1);
        node.Field("ip.len", "Total length", Num(ip.TotalLength), o + 2, 2);
        node.Field("ip.id", "Identification", Hex4(ip.Id), o + 4, 2, $" ({ip.Id})");
        int flags = ip.FragmentFlags;
        var f = node.Field("ip.flags", "Flags", Hex2(flags), o + 6, 1);
        f.Field("ip.flags.rb", "Reserved bit", Bit(flags, 4), o + 6, 1);
        f.Field("ip.flags.df", "Don't fragment", Bit(flags, 2), o + 6, 1);
        f.Field("ip.flags.mf", "More fragments", Bit(flags, 1), o + 6, 1);
        // PacketDotNet gives the 13-bit field; tshark shows it in bytes, as RFC 791's unit of eight octets means.
        node.Field("ip.frag_offset", "Fragment offset", Num(ip.FragmentOffset * 8), o + 6, 2, " bytes");
        node.Field("ip.ttl", "Time to live", Num(ip.TimeToLive), o + 8, 1);
        node.Field("ip.proto", "Protocol", Num((int)ip.Protocol), o + 9, 1, $" ({ip.Protocol})");
        bool valid = ip.ValidIPChecksum;
        var sum = node.Field("ip.checksum", "Header checksum", Hex4(ip.Checksum), o + 10, 2, valid ? " [correct]" : $" [incorrect, should be {Hex4(ip.CalculateIPChecksum())}]");
        sum.Field("ip.checksum.status", "Checksum status", valid ? "1" : "0", o + 10, 0, valid ? " (good)" : " (bad)");
        node.Field("ip.src", "Source address", ip.SourceAddress.ToString(), o + 12, 4);
        node.Field("ip.dst", "Destination address", ip.DestinationAddress.ToString(), o + 16, 4);
        return node;
    }

    private static FieldNode IPv6(IPv6Packet ip, int o)
    {
        var node = new FieldNode($"Internet Protocol Version 6, Src: {ip.SourceAddress}, Dst: {ip.DestinationAddress}", o, IPv6Fields.HeaderLength);
        node.Field("ipv6.version", "Version", "6", o, 1);
        node.Field("ipv6.tclass", "Traffic class", $"0x{ip.TrafficClass:x8}", o, 4);
        node.Field("ipv6.flow", "Flow label", $"0x{ip.FlowLabel:x6}", o + 1, 3);
        node.Field("ipv6.plen", "Payload length", Num(ip.PayloadLength), o + 4, 2);
        node.Field("ipv6.nxt", "Next header", Num((int)ip.NextHeader), o + 6, 1, $" ({ip.NextHeader})");
        node.Field("ipv6.hlim", "Hop limit", Num(ip.HopLimit), o + 7, 1);
        node.Field("ipv6.src", "Source address", ip.SourceAddress.ToString(), o + 8, 16);
        node.Field("ipv6.dst", "Destination address", ip.DestinationAddress.ToString(), o + 24, 16);
        return node;
    }

    private static FieldNode Arp(ArpPacket arp, int o)
    {
        int hw = arp.HardwareAddressLength, pr = arp.ProtocolAddressLength;
        string op = ArpOperations.Label((ushort)arp.Operation) ?? Num((int)arp.Operation);
        var node = new FieldNode($"Address Resolution Protocol ({op})", o, 8 + 2 * (hw + pr));
        node.Field("arp.hw.type", "Hardware type", Num((int)arp.HardwareAddressType), o, 2, $" ({arp.HardwareAddressType})");
        node.Field("arp.proto.type", "Protocol type", Hex4((int)arp.ProtocolAddressType), o + 2, 2);
        node.Field("arp.hw.size", "Hardware size", Num(hw), o + 4, 1);
        node.Field("arp.proto.size", "Protocol size", Num(pr), o + 5, 1);
        node.Field("arp.opcode", "Opcode", Num((int)arp.Operation), o + 6, 2, $" ({op})");
        int at = o + 8;
        // PacketDotNet reads Ethernet and IPv4 addresses; other sizes are shown by their length alone.
        bool ethernetIPv4 = hw == 6 && pr == 4;
        if (ethernetIPv4) node.Field("arp.src.hw_mac", "Sender MAC address", Mac(arp.SenderHardwareAddress), at, hw);
        if (ethernetIPv4) node.Field("arp.src.proto_ipv4", "Sender IP address", arp.SenderProtocolAddress.ToString(), at + hw, pr);
        at += hw + pr;
        if (ethernetIPv4) node.Field("arp.dst.hw_mac", "Target MAC address", Mac(arp.TargetHardwareAddress), at, hw);
        if (ethernetIPv4) node.Field("arp.dst.proto_ipv4", "Target IP address", arp.TargetProtocolAddress.ToString(), at + hw, pr);
        return node;
    }

    private static FieldNode Udp(UdpPacket udp, int o)
    {
        var node = new FieldNode($"User Datagram Protocol, Src Port: {udp.SourcePort}, Dst Port: {udp.DestinationPort}", o, 8);
        node.Field("udp.srcport", "Source port", Num(udp.SourcePort), o, 2);
        node.Field("udp.dstport", "Destination port", Num(udp.DestinationPort), o + 2, 2);
        node.Field("udp.length", "Length", Num(udp.Length), o + 4, 2);
        // A zero checksum over IPv4 means the sender computed none (RFC 768).
        if (udp.Checksum == 0) node.Field("udp.checksum", "Checksum", Hex4(0), o + 6, 2, " [none]");
        else
        {
            bool valid = udp.ValidUdpChecksum;
            var sum = node.Field("udp.checksum", "Checksum", Hex4(udp.Checksum), o + 6, 2, valid ? " [correct]" : " [incorrect]");
            sum.Field("udp.checksum.status", "Checksum status", valid ? "1" : "0", o + 6, 0, valid ? " (good)" : " (bad)");
        }
        return node;
    }

    private static FieldNode Icmp(IcmpV4Packet icmp, int o)
    {
        int type = (ushort)icmp.TypeCode >> 8, code = (ushort)icmp.TypeCode & 0xff;
        var node = new FieldNode($"Internet Control Message Protocol, {icmp.TypeCode}", o, icmp.HeaderSegment.Length + (icmp.PayloadDataSegment?.Length ?? 0));
        node.Field("icmp.type", "Type", Num(type), o, 1, $" ({icmp.TypeCode})");
        node.Field("icmp.code", "Code", Num(code), o + 1, 1);
        bool valid = icmp.ValidIcmpChecksum;
        var sum = node.Field("icmp.checksum", "Checksum", Hex4(icmp.Checksum), o + 2, 2, valid ? " [correct]" : " [incorrect]");
        sum.Field("icmp.checksum.status", "Checksum status", valid ? "1" : "0", o + 2, 0, valid ? " (good)" : " (bad)");
        // Identifier and sequence number exist in echo, timestamp and information messages (RFC 792).
        if (type is 0 or 8 or 13 or 14 or 15 or 16)
        {
            node.Field("icmp.ident", "Identifier", Num(icmp.Id), o + 4, 2, $" ({Hex4(icmp.Id)})");
            node.Field("icmp.seq", "Sequence number", Num(icmp.Sequence), o + 6, 2, $" ({Hex4(icmp.Sequence)})");
        }
        var data = icmp.Data;
        if (data.Length > 0) node.Add($"Data: {data.Length} bytes", o + 8, data.Length).Field("data.len", "Length", Num(data.Length), o + 8, 0);
        return node;
    }

    private static FieldNode Icmpv6(IcmpV6Packet icmp, int o)
    {
        int length = icmp.HeaderSegment.Length + (icmp.PayloadDataSegment?.Length ?? 0);
        var node = new FieldNode($"Internet Control Message Protocol v6, {icmp.Type}", o, length);
        node.Field("icmpv6.type", "Type", Num((int)icmp.Type), o, 1, $" ({icmp.Type})");
        node.Field("icmpv6.code", "Code", Num(icmp.Code), o + 1, 1);
        bool valid = icmp.ValidIcmpChecksum;
        var sum = node.Field("icmpv6.checksum", "Checksum", Hex4(icmp.Checksum), o + 2, 2, valid ? " [correct]" : " [incorrect]");
        sum.Field("icmpv6.checksum.status", "Checksum status", valid ? "1" : "0", o + 2, 0, valid ? " (good)" : " (bad)");
        if (length > 4) node.Add($"Message body: {length - 4} bytes", o + 4, length - 4);
        return node;
    }

    private static FieldNode Igmp(IgmpV2Packet igmp, int o, byte[] bytes)
    {
        // PacketDotNet 1.4.8 reads the IGMPv2 checksum in the machine's byte order, not the network's: read it here.
        int checksum = System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(o + 2));
        var node = new FieldNode($"Internet Group Management Protocol, {igmp.Type}, group {igmp.GroupAddress}", o, 8);
        node.Field("igmp.type", "Type", Hex2((int)igmp.Type), o, 1, $" ({igmp.Type})");
        // RFC 2236: the maximum response time is in tenths of a second.
        node.Field("igmp.max_resp", "Max response time", Num(igmp.MaxResponseTime), o + 1, 1, $" ({(igmp.MaxResponseTime / 10.0).ToString("0.0", CultureInfo.InvariantCulture)} s)");
        node.Field("igmp.checksum", "Checksum", Hex4(checksum), o + 2, 2);
        node.Field("igmp.maddr", "Multicast address", igmp.GroupAddress.ToString(), o + 4, 4);
        return node;
    }

    private static FieldNode Dhcp(DhcpV4Packet dhcp, int o, byte[] bytes)
    {
        string type = dhcp.MessageType.ToString();
        var node = new FieldNode($"Dynamic Host Configuration Protocol ({type})", o, dhcp.HeaderSegment.Length);
        node.Field("dhcp.type", "Message type", Num((int)dhcp.Operation), o, 1, $" ({dhcp.Operation})");
        node.Field("dhcp.hw.type", "Hardware type", Hex2((int)dhcp.HardwareType), o + 1, 1, $" ({dhcp.HardwareType})");
        node.Field("dhcp.hw.len", "Hardware address length", Num(dhcp.HardwareLength), o + 2, 1);
        node.Field("dhcp.hops", "Hops", Num(dhcp.Hops), o + 3, 1);
        node.Field("dhcp.id", "Transaction ID", $"0x{dhcp.TransactionId:x8}", o + 4, 4);
        node.Field("dhcp.secs", "Seconds elapsed", Num(dhcp.Secs), o + 8, 2);
        node.Field("dhcp.flags", "Flags", Hex4(dhcp.Flags), o + 10, 2, dhcp.Broadcast ? " (broadcast)" : " (unicast)");
        node.Field("dhcp.ip.client", "Client IP address", dhcp.ClientAddress.ToString(), o + 12, 4);
        node.Field("dhcp.ip.your", "Your (client) IP address", dhcp.YourAddress.ToString(), o + 16, 4);
        node.Field("dhcp.ip.server", "Next server IP address", dhcp.ServerAddress.ToString(), o + 20, 4);
        node.Field("dhcp.ip.relay", "Relay agent IP address", dhcp.GatewayAddress.ToString(), o + 24, 4);
        if (dhcp.HardwareLength == 6) node.Field("dhcp.hw.mac_addr", "Client MAC address", Mac(dhcp.ClientHardwareAddress), o + 28, 6);
        // tshark shows the cookie as the dotted quad RFC 2131 writes it in (99.130.83.99).
        node.Field("dhcp.cookie", "Magic cookie", new IPAddress(BitConverter.GetBytes(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(dhcp.MagicNumber))).ToString(), o + 236, 4);
        int at = o + 240;
        foreach (var option in dhcp.GetOptions())
        {
            // PacketDotNet lists the options without their places: find each one's type byte past any padding.
            while (at < bytes.Length && bytes[at] == (byte)DhcpV4OptionType.Pad && option.OptionType != DhcpV4OptionType.Pad) at++;
            bool placed = at < bytes.Length && bytes[at] == (byte)option.OptionType;
            int size = option.OptionType == DhcpV4OptionType.Pad ? 1 : 2 + option.Length;
            var opt = node.Field("dhcp.option.type", "Option", Num((int)option.OptionType), placed ? at : 0, placed ? size : 0, $" ({option.OptionType})");
            if (option is MessageTypeOption message) opt.Field("dhcp.option.dhcp", "DHCP message type", Num((int)message.MessageType), placed ? at + 2 : 0, placed ? 1 : 0, $" ({message.MessageType})");
            if (!placed) break;
            at += size;
        }
        return node;
    }

    private static FieldNode Lldp(LldpPacket lldp, int o)
    {
        var node = new FieldNode("Link Layer Discovery Protocol", o, lldp.HeaderSegment.Length);
        int at = o;
        foreach (Tlv tlv in lldp)
        {
            int size = tlv.TotalLength;
            var t = node.Field("lldp.tlv.type", "TLV type", Num((int)tlv.Type), at, 2, $" ({tlv.Type})");
            t.Field("lldp.tlv.len", "TLV length", Num(tlv.Length), at, 2);
            switch (tlv)
            {
                case ChassisIdTlv chassis when chassis.SubType == ChassisSubType.MacAddress:
                    t.Field("lldp.chassis.id.mac", "Chassis ID", Mac(chassis.MACAddress), at + 3, 6);
                    break;
                case PortIdTlv { SubType: PortSubType.InterfaceName, SubTypeValue: byte[] name }:
                    t.Field("lldp.port.id", "Port ID", TerminalText.Escape(name), at + 3, size - 3);
                    break;
                case TimeToLiveTlv ttl:
                    t.Field("lldp.time_to_live", "Time to live", Num(ttl.Seconds), at + 2, 2, " s");
                    break;
                case SystemNameTlv name:
                    t.Field("lldp.tlv.system.name", "System name", TerminalText.Escape(name.Value), at + 2, size - 2);
                    break;
                case PortDescriptionTlv description:
                    t.Field("lldp.port.desc", "Port description", TerminalText.Escape(description.Value), at + 2, size - 2);
                    break;
            }
            at += size;
        }
        return node;
    }

    private static FieldNode Radiotap(RadioPacket radio, int o)
    {
        var node = new FieldNode($"Radiotap header v{radio.Version}, length {radio.Length}", o, radio.Length);
        node.Field("radiotap.version", "Header revision", Num(radio.Version), o, 1);
        node.Field("radiotap.length", "Header length", Num(radio.Length), o + 2, 2);
        if (radio[RadioTapType.Flags] is FlagsRadioTapField flags) node.Add($"Flags: {flags.Flags}");
        if (radio[RadioTapType.Rate] is RateRadioTapField rate) node.Add($"Data rate: {rate.RateMbps.ToString(CultureInfo.InvariantCulture)} Mb/s");
        // PacketDotNet reads the fields without their places (each is aligned to its size after the present words).
        if (radio[RadioTapType.Channel] is ChannelRadioTapField channel)
            node.Field("radiotap.channel.freq", $"Channel {channel.Channel}, frequency", Num(channel.FrequencyMHz), 0, 0, $" MHz, {channel.Flags}");
        if (radio[RadioTapType.DbmAntennaSignal] is DbmAntennaSignalRadioTapField signal)
            node.Field("radiotap.dbm_antsignal", "Antenna signal", Num(signal.AntennaSignalDbm), 0, 0, " dBm");
        if (radio[RadioTapType.DbmAntennaNoise] is DbmAntennaNoiseRadioTapField noise) node.Add($"Antenna noise: {noise.AntennaNoisedBm} dBm");
        if (radio[RadioTapType.Antenna] is AntennaRadioTapField antenna) node.Add($"Antenna: {antenna.Antenna}");
        return node;
    }

    private static FieldNode Wlan(MacFrame frame, int o, byte[] bytes)
    {
        var fc = frame.FrameControl;
        var node = new FieldNode($"IEEE 802.11 {fc.SubType}", o, frame.FrameSize);
        node.Field("wlan.fc.type", "Type", Num((int)fc.Type), o, 1, $" ({fc.Type})");
        // The subtype is the frame control byte's high nibble (IEEE 802.11-2020 9.2.4.1).
        node.Field("wlan.fc.subtype", "Subtype", Num(fc.Field >> 12 & 0xf), o, 1);
        var flags = node.Add($"Flags: {(fc.ToDS ? "to DS " : "")}{(fc.FromDS ? "from DS " : "")}{(fc.Retry ? "retry " : "")}{(fc.Protected ? "protected" : "")}".TrimEnd(), o + 1, 1);
        flags.Field("wlan.fc.tods", "To DS", fc.ToDS ? "1" : "0", o + 1, 1);
        flags.Field("wlan.fc.fromds", "From DS", fc.FromDS ? "1" : "0", o + 1, 1);
        flags.Field("wlan.fc.retry", "Retry", fc.Retry ? "1" : "0", o + 1, 1);
        flags.Field("wlan.fc.protected", "Protected", fc.Protected ? "1" : "0", o + 1, 1);
        node.Field("wlan.duration", "Duration", Num(frame.Duration.Field), o + 2, 2, " µs");
        if (frame is DataFrame data)
        {
            // Which of the four address fields holds the destination, source and BSS ID depends on To DS and From DS
            // (IEEE 802.11-2020 table 9-30).
            int a1 = o + 4, a2 = o + 10, a3 = o + 16, a4 = o + 24;
            var (da, sa, bssid) = (fc.ToDS, fc.FromDS) switch
            {
                (false, false) => (a1, a2, a3),
                (false, true) => (a1, a3, a2),
                (true, false) => (a3, a2, a1),
                _ => (a3, a4, -1),
            };
            // PacketDotNet names the receiver and transmitter only in a WDS frame (both DS bits set), and reads that
            // frame's fourth address over the sequence control field: the source address is read from its place.
            if (data.ReceiverAddress is { } ra) node.Field("wlan.ra", "Receiver address", Mac(ra), a1, 6);
            if (data.TransmitterAddress is { } ta) node.Field("wlan.ta", "Transmitter address", Mac(ta), a2, 6);
            node.Field("wlan.da", "Destination address", Mac(data.DestinationAddress), da, 6);
            var source = fc.ToDS && fc.FromDS ? new PhysicalAddress(bytes[sa..(sa + 6)]) : data.SourceAddress;
            node.Field("wlan.sa", "Source address", Mac(source), sa, 6);
            if (bssid >= 0) node.Field("wlan.bssid", "BSS ID", Mac(data.BssId), bssid, 6);
            node.Field("wlan.frag", "Fragment number", Num(data.SequenceControl.FragmentNumber), o + 22, 2);
            node.Field("wlan.seq", "Sequence number", Num(data.SequenceControl.SequenceNumber), o + 22, 2);
        }
        else if (frame is ManagementFrame management)
        {
            // A management frame's addresses are fixed: destination, source, BSS ID (IEEE 802.11-2020 9.3.3.2).
            node.Field("wlan.da", "Destination address", Mac(management.DestinationAddress), o + 4, 6);
            node.Field("wlan.sa", "Source address", Mac(management.SourceAddress), o + 10, 6);
            node.Field("wlan.bssid", "BSS ID", Mac(management.BssId), o + 16, 6);
            node.Field("wlan.seq", "Sequence number", Num(management.SequenceControl.SequenceNumber), o + 22, 2);
            if (management is BeaconFrame beacon) node.Children.Add(Beacon(beacon, o + 24));
        }
        return node;
    }

    /// <summary>A beacon's fixed fields and its information elements (the network name first among them).</summary>
    private static FieldNode Beacon(BeaconFrame beacon, int o)
    {
        int end = beacon.HeaderSegment.Offset + beacon.HeaderSegment.Length;
        var node = new FieldNode("Wireless management: beacon", o, Math.Max(0, end - o));
        node.Field("wlan.fixed.timestamp", "Timestamp", Num((long)beacon.Timestamp), o, 8);
        // The interval is in time units of 1,024 µs.
        node.Field("wlan.fixed.beacon", "Beacon interval", Num(beacon.BeaconInterval), o + 8, 2, $" TU ({beacon.BeaconInterval * 1.024:0.###} ms)");
        node.Field("wlan.fixed.capabilities", "Capabilities", Hex4(beacon.CapabilityInformation.Field), o + 10, 2);
        int at = o + 12;
        foreach (var element in beacon.InformationElements)
        {
            int size = element.ElementLength;
            if (element.Id == InformationElement.ElementId.ServiceSetIdentity)
                node.Field("wlan.ssid", "SSID", string.Join(':', element.Value.Select(b => b.ToString("x2", CultureInfo.InvariantCulture))), at + 2, element.ValueLength,
                    shown: TerminalText.Escape(element.Value));
            else
                node.Add($"Tag {(int)element.Id} ({element.Id}): {element.ValueLength} bytes", at, size);
            at += size;
        }
        return node;
    }

    private static string Num(long v) => v.ToString(CultureInfo.InvariantCulture);
    private static string Hex2(int v) => $"0x{v:x2}";
    private static string Hex4(int v) => $"0x{v:x4}";
    private static string Bit(int flags, int mask) => (flags & mask) != 0 ? "1" : "0";
    private static string Mac(PhysicalAddress a) => string.Join(':', a.GetAddressBytes().Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
}
