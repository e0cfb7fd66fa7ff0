using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Xml.Linq;
using PacketDotNet;
using PacketDotNet.DhcpV4;
using PacketDotNet.Ieee80211;
using PacketDotNet.Lldp;
using PacketDotNet.Utils;
using ProtoScope.Core.Decoding;
using ProtoScope.Capture;
using ProtoScope.Tests;
using ProtoScope.Tui.Packets;

namespace ProtoScope.Tui.Tests;

/// <summary>
/// The detail tree of a selected packet against tshark's PDML for the same packet: every line that names a field
/// (tshark's names) must have tshark's value and, where it marks bytes for the hex pane, tshark's position and size.
/// The packets are built with PacketDotNet (checksums computed), one capture per kind, plus real captures.
/// </summary>
public sealed class DetailTreeMatchesPdmlTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("protoscope-pdml-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly PhysicalAddress HostA = PhysicalAddress.Parse("02-00-00-00-00-01"), HostB = PhysicalAddress.Parse("02-00-00-00-00-02");
    private static readonly IPAddress A = IPAddress.Parse("10.0.0.1"), B = IPAddress.Parse("10.0.0.2");

    private static byte[] Ethernet(Packet payload, EthernetType type, PhysicalAddress? dst = null)
    {
        var eth = new EthernetPacket(HostA, dst ?? HostB, type) { PayloadPacket = payload };
        eth.UpdateCalculatedValues();
        return eth.Bytes;
    }

    private static IPv4Packet IPv4(Packet payload, IPAddress? dst = null)
    {
        var ip = new IPv4Packet(A, dst ?? B) { PayloadPacket = payload, TimeToLive = 64, Id = 0x1234, FragmentFlags = 2, DifferentiatedServices = 0x2e << 2 };
        ip.UpdateCalculatedValues();
        ip.UpdateIPChecksum();
        return ip;
    }

    private static byte[] IcmpEcho()
    {
        var icmp = new IcmpV4Packet(new ByteArraySegment(new byte[8 + 32]))
        {
            TypeCode = IcmpV4TypeCode.EchoRequest,
            Id = 0x4d2,
            Sequence = 7,
            Data = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray(),
        };
        var ip = IPv4(icmp);
        icmp.UpdateIcmpChecksum();
        ip.UpdateIPChecksum();
        return Ethernet(ip, EthernetType.IPv4);
    }

    private static byte[] Icmpv6Echo()
    {
        var icmp = new IcmpV6Packet(new ByteArraySegment(new byte[8 + 16])) { Type = IcmpV6Type.EchoRequest, Code = 0 };
        var ip = new IPv6Packet(IPAddress.Parse("2001:db8::1"), IPAddress.Parse("2001:db8::2")) { PayloadPacket = icmp, HopLimit = 64, TrafficClass = 0xb8, FlowLabel = 0x12345 };
        ip.UpdateCalculatedValues();
        icmp.UpdateIcmpChecksum();
        return Ethernet(ip, EthernetType.IPv6);
    }

    private static byte[] Arp() =>
        Ethernet(new ArpPacket(ArpOperation.Request, PhysicalAddress.Parse("00-00-00-00-00-00"), B, HostA, A), EthernetType.Arp, PhysicalAddress.Parse("FF-FF-FF-FF-FF-FF"));

    private static byte[] IgmpReport()
    {
        var group = IPAddress.Parse("239.1.2.3");
        byte[] igmp = [0x16, 100, 0, 0, .. group.GetAddressBytes()];
        // PacketDotNet's IGMPv2 packet has no checksum update of its own: its one's complement sum does the work.
        BinaryPrimitives.WriteUInt16BigEndian(igmp.AsSpan(2), (ushort)ChecksumUtils.OnesComplementSum(igmp, 0, igmp.Length));
        var ip = IPv4(new IgmpV2Packet(new ByteArraySegment(igmp)), group);
        ip.TimeToLive = 1;
        ip.UpdateIPChecksum();
        return Ethernet(ip, EthernetType.IPv4, PhysicalAddress.Parse("01-00-5E-01-02-03"));
    }

    private static byte[] DhcpDiscover()
    {
        var udp = new UdpPacket(68, 67);
        var dhcp = new DhcpV4Packet(new ByteArraySegment(new byte[300]), udp)
        {
            Operation = DhcpV4Operation.BootRequest,
            HardwareType = DhcpV4HardwareType.Ethernet,
            HardwareLength = 6,
            TransactionId = 0x3903f326,
            Secs = 3,
            Broadcast = true,
            ClientHardwareAddress = HostA,
            MagicNumber = 0x63825363,
        };
        dhcp.SetOptions([new MessageTypeOption(DhcpV4MessageType.Discover), new HostNameOption("classroom")]);
        udp.PayloadData = dhcp.Bytes;
        var ip = new IPv4Packet(IPAddress.Any, IPAddress.Broadcast) { PayloadPacket = udp, TimeToLive = 64 };
        ip.UpdateCalculatedValues();
        udp.UpdateUdpChecksum();
        ip.UpdateIPChecksum();
        return Ethernet(ip, EthernetType.IPv4, PhysicalAddress.Parse("FF-FF-FF-FF-FF-FF"));
    }

    private static byte[] Lldp()
    {
        var lldp = new LldpPacket();
        lldp.TlvCollection.Add(new ChassisIdTlv(HostA));
        lldp.TlvCollection.Add(new PortIdTlv(PortSubType.InterfaceName, "eth0"u8.ToArray()));
        lldp.TlvCollection.Add(new TimeToLiveTlv(120));
        lldp.TlvCollection.Add(new PortDescriptionTlv("uplink"));
        lldp.TlvCollection.Add(new SystemNameTlv("switch1"));
        lldp.TlvCollection.Add(new EndOfLldpduTlv());
        // An LldpPacket built from TLVs has no header segment for EthernetPacket to share: it goes in as bytes.
        var eth = new EthernetPacket(HostA, PhysicalAddress.Parse("01-80-C2-00-00-0E"), EthernetType.Lldp) { PayloadData = lldp.Bytes };
        return eth.Bytes;
    }

    private static byte[] UdpDatagram(bool badIpChecksum)
    {
        var udp = new UdpPacket(40000, 9001) { PayloadData = "hello"u8.ToArray() };
        var ip = IPv4(udp);
        udp.UpdateUdpChecksum();
        if (badIpChecksum) ip.Checksum ^= 0x0101;
        return Ethernet(ip, EthernetType.IPv4);
    }

    private static byte[] RadiotapWlan(bool toDs, bool fromDs)
    {
        var frame = new DataDataFrame();
        frame.FrameControl.ToDS = toDs;
        frame.FrameControl.FromDS = fromDs;
        frame.SourceAddress = HostA;
        frame.DestinationAddress = HostB;
        frame.BssId = PhysicalAddress.Parse("02-00-00-00-00-AA");
        frame.SequenceControl = new SequenceControlField { SequenceNumber = 291, FragmentNumber = 0 };
        frame.Duration.Field = 44;
        frame.PayloadData = [0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00, .. IPv4(new UdpPacket(5353, 5353) { PayloadData = new byte[12] }).Bytes];
        var radio = new RadioPacket { PayloadPacket = frame };
        radio.Add(new FlagsRadioTapField(RadioTapFlags.ShortPreamble));
        radio.Add(new RateRadioTapField(54));
        radio.Add(new ChannelRadioTapField(2437, RadioTapChannelFlags.Channel2Ghz | RadioTapChannelFlags.Ofdm));
        radio.Add(new DbmAntennaSignalRadioTapField(-42));
        radio.UpdateCalculatedValues();
        return radio.Bytes;
    }

    private static byte[] RadiotapBeacon()
    {
        var ssid = new InformationElement(InformationElement.ElementId.ServiceSetIdentity, "classroom"u8.ToArray());
        var rates = new InformationElement(InformationElement.ElementId.SupportedRates, [0x82, 0x84, 0x8b, 0x96]);
        var beacon = new BeaconFrame(HostA, HostA, new InformationElementList([ssid, rates])) { Timestamp = 123456789, BeaconInterval = 100 };
        beacon.SequenceControl = new SequenceControlField { SequenceNumber = 42 };
        var radio = new RadioPacket { PayloadPacket = beacon };
        radio.Add(new ChannelRadioTapField(2412, RadioTapChannelFlags.Channel2Ghz | RadioTapChannelFlags.Cck));
        radio.UpdateCalculatedValues();
        return radio.Bytes;
    }

    private string Write(string name, int linkType, params byte[][] frames)
    {
        string path = Path.Combine(_dir, name + ".pcap");
        PcapRecords.Write(path, PcapRecords.Header(linkType), frames.Select((f, i) => new PcapRecord(1_700_000_000u + (uint)i, 0, f.Length, f)));
        return path;
    }

    /// <summary>tshark's fields per packet, with checksums verified (tshark leaves IP and UDP unverified unless asked).</summary>
    private static List<List<(string Name, string Show, int Pos, int Size)>> Pdml(string path)
    {
        var run = Tshark.Run(["-n", "-r", path, "-T", "pdml", "-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE"]);
        Tshark.AssertReadWhole(path, run);
        return XDocument.Parse(run.Stdout).Root!.Elements("packet").Select(p => p.Descendants("field")
            .Select(f => ((string)f.Attribute("name")!, (string?)f.Attribute("show") ?? "", Int(f, "pos"), Int(f, "size"))).ToList()).ToList();
        static int Int(XElement e, string name) => int.Parse((string?)e.Attribute(name) ?? "0", CultureInfo.InvariantCulture);
    }

    private static IEnumerable<FieldNode> Named(IEnumerable<FieldNode> nodes) =>
        nodes.SelectMany(n => (n.Name is null ? [] : new[] { n }).Concat(Named(n.Children.Cast<FieldNode>())));

    /// <summary>Compares every named line of every packet's tree with PDML; returns the field names compared.</summary>
    private static HashSet<string> AssertMatchesPdml(string path, int linkType)
    {
        var pdml = Pdml(path);
        // Loaded as the UI loads a file.
        var model = new CaptureModel(CaptureFile.Open(path), CaptureKind.File);
        model.Start();
        Assert.True(model.WaitUntilRead(TimeSpan.FromSeconds(30)));
        var table = model.Table;
        Assert.Equal(linkType, table.LinkType);
        Assert.Equal(pdml.Count, table.Count);
        var compared = new HashSet<string>();
        var wrong = new List<string>();
        for (int row = 0; row < table.Count; row++)
        {
            foreach (var node in Named(PacketDetails.Build(table, row, model.Session.Conversations)))
            {
                var theirs = pdml[row].Where(f => f.Name == node.Name).ToList();
                compared.Add(node.Name!);
                if (theirs.Count == 0) { wrong.Add($"frame {row + 1}: {node.Name} = {node.Value}: tshark has no such field"); continue; }
                if (!theirs.Any(f => f.Show == node.Value))
                {
                    wrong.Add($"frame {row + 1}: {node.Name} = {node.Value}, tshark: {string.Join(" | ", theirs.Select(f => f.Show))}");
                    continue;
                }
                if (node.Length > 0 && !theirs.Any(f => f.Show == node.Value && f.Pos == node.Offset && f.Size == node.Length))
                    wrong.Add($"frame {row + 1}: {node.Name} bytes {node.Offset}+{node.Length}, tshark: {string.Join(" | ", theirs.Select(f => $"{f.Pos}+{f.Size}"))}");
            }
        }
        Assert.True(wrong.Count == 0, $"{Path.GetFileName(path)}:\n{string.Join('\n', wrong)}");
        return compared;
    }

    [Fact]
    public void Arp_shows_its_hardware_and_protocol_addresses_as_tshark_does()
    {
        var fields = AssertMatchesPdml(Write("arp", LinkType.Ethernet, Arp()), LinkType.Ethernet);
        Assert.Superset(new HashSet<string> { "eth.src", "eth.type", "arp.hw.type", "arp.opcode", "arp.src.hw_mac", "arp.src.proto_ipv4", "arp.dst.hw_mac", "arp.dst.proto_ipv4" }, fields);
    }

    [Fact]
    public void Icmp_echo_and_ipv4_flags_dscp_and_verified_checksums_match_tshark()
    {
        var fields = AssertMatchesPdml(Write("icmp", LinkType.Ethernet, IcmpEcho()), LinkType.Ethernet);
        Assert.Superset(new HashSet<string> { "ip.dsfield.dscp", "ip.flags.df", "ip.frag_offset", "ip.checksum.status", "icmp.type", "icmp.checksum.status", "icmp.ident", "icmp.seq", "data.len" }, fields);
    }

    [Fact]
    public void Icmpv6_and_the_ipv6_header_match_tshark()
    {
        var fields = AssertMatchesPdml(Write("icmpv6", LinkType.Ethernet, Icmpv6Echo()), LinkType.Ethernet);
        Assert.Superset(new HashSet<string> { "ipv6.tclass", "ipv6.flow", "ipv6.plen", "ipv6.hlim", "icmpv6.type", "icmpv6.checksum.status" }, fields);
    }

    [Fact]
    public void Igmp_membership_report_matches_tshark()
    {
        var fields = AssertMatchesPdml(Write("igmp", LinkType.Ethernet, IgmpReport()), LinkType.Ethernet);
        Assert.Superset(new HashSet<string> { "igmp.type", "igmp.max_resp", "igmp.checksum", "igmp.maddr" }, fields);
    }

    [Fact]
    public void Dhcp_discover_with_its_options_matches_tshark()
    {
        var fields = AssertMatchesPdml(Write("dhcp", LinkType.Ethernet, DhcpDiscover()), LinkType.Ethernet);
        Assert.Superset(new HashSet<string> { "udp.checksum.status", "dhcp.type", "dhcp.id", "dhcp.flags", "dhcp.hw.mac_addr", "dhcp.cookie", "dhcp.option.type", "dhcp.option.dhcp" }, fields);
    }

    [Fact]
    public void Lldp_tlvs_match_tshark()
    {
        var fields = AssertMatchesPdml(Write("lldp", LinkType.Ethernet, Lldp()), LinkType.Ethernet);
        Assert.Superset(new HashSet<string> { "lldp.tlv.type", "lldp.chassis.id.mac", "lldp.port.id", "lldp.time_to_live", "lldp.tlv.system.name" }, fields);
    }

    [Fact]
    public void Radiotap_and_802_11_fields_match_tshark()
    {
        var fields = AssertMatchesPdml(Write("radiotap", LinkType.Radiotap, RadiotapWlan(false, false), RadiotapWlan(false, true), RadiotapWlan(true, false), RadiotapBeacon()), LinkType.Radiotap);
        Assert.Superset(new HashSet<string> { "radiotap.length", "radiotap.channel.freq", "radiotap.dbm_antsignal", "wlan.fc.type", "wlan.fc.tods", "wlan.fc.fromds", "wlan.da", "wlan.sa", "wlan.bssid", "wlan.seq", "wlan.fixed.beacon", "wlan.ssid" }, fields);
    }

    [Fact]
    public void A_bad_ipv4_header_checksum_is_marked_bad_as_tshark_marks_it()
    {
        string path = Write("badsum", LinkType.Ethernet, UdpDatagram(badIpChecksum: false), UdpDatagram(badIpChecksum: true));
        var fields = AssertMatchesPdml(path, LinkType.Ethernet);
        Assert.Superset(new HashSet<string> { "ip.checksum", "ip.checksum.status", "udp.length", "udp.checksum.status" }, fields);
    }

    [Fact]
    public void Tcp_of_a_real_handshake_matches_tshark()
    {
        var fields = AssertMatchesPdml(Path.Combine(Repo.Captures, "handshake.pcap"), LinkType.Ethernet);
        Assert.Superset(new HashSet<string> { "eth.dst", "ip.ttl", "tcp.srcport", "tcp.seq", "tcp.ack", "tcp.flags", "tcp.window_size_value", "tcp.checksum" }, fields);
    }

    /// <summary>Headers cut by a small snaplen (Ethernet 14 + IPv4 20 + part of the transport header) keep the fields tshark shows.</summary>
    [Theory]
    [InlineData("handshake.pcap", 34 + 17)]
    [InlineData("udp.pcap", 34 + 6)]
    public void A_cut_transport_header_shows_the_fields_its_bytes_hold(string capture, int snaplen)
    {
        using var cut = new CutCapture(Path.Combine(Repo.Captures, capture), snaplen);
        var fields = AssertMatchesPdml(cut.Path, LinkType.Ethernet);
        Assert.Superset(capture.StartsWith("udp", StringComparison.Ordinal) ? ["udp.srcport", "udp.length"] : new HashSet<string> { "tcp.srcport", "tcp.seq_raw", "tcp.ack_raw" }, fields);
    }

    /// <summary>A TCP SYN inside VXLAN (UDP 4789): the outer layers from the tunnel node, the inner ones as for any packet.</summary>
    [Fact]
    public void A_packet_inside_vxlan_shows_its_outer_and_inner_layers_as_tshark_does()
    {
        var tcp = new TcpPacket(40000, 80) { SequenceNumber = 1000, Synchronize = true, WindowSize = 64240 };
        var inner = IPv4(tcp);
        tcp.UpdateTcpChecksum();
        inner.UpdateIPChecksum();
        byte[] innerFrame = Ethernet(inner, EthernetType.IPv4);
        // RFC 7348: flags with the I bit, 24 reserved bits, the 24-bit VNI, 8 reserved bits.
        var udp = new UdpPacket(51000, 4789) { PayloadData = [0x08, 0, 0, 0, 0, 0x01, 0x2c, 0, .. innerFrame] };
        var outer = new IPv4Packet(IPAddress.Parse("192.0.2.1"), IPAddress.Parse("192.0.2.2")) { PayloadPacket = udp, TimeToLive = 64 };
        outer.UpdateCalculatedValues();
        udp.UpdateUdpChecksum();
        outer.UpdateIPChecksum();
        var fields = AssertMatchesPdml(Write("vxlan", LinkType.Ethernet, Ethernet(outer, EthernetType.IPv4)), LinkType.Ethernet);
        Assert.Superset(new HashSet<string> { "ip.src", "udp.dstport", "tcp.srcport", "tcp.flags", "ip.checksum.status" }, fields);
    }
}
