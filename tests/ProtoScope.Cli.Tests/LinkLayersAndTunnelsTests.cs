using System.Net;
using System.Net.NetworkInformation;
using System.Text.Json;
using PacketDotNet;

namespace ProtoScope.Cli.Tests;

/// <summary>
/// The link layers and tunnels of issue 19 that ../shared/corpus has no capture of, written here: the IP, TCP and UDP
/// packets by PacketDotNet (checksums computed), the link and tunnel headers around them by the layouts of their RFCs.
/// Each capture is read by `read` and checked packet by packet against tshark (<see cref="ReadMatchesTsharkTests"/>),
/// and ProtoScope must reach the packet inside: its protocol and the kinds of its outer layers.
/// </summary>
public sealed class LinkLayersAndTunnelsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("protoscope-links-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly IPAddress Client = IPAddress.Parse("10.0.0.1"), Server = IPAddress.Parse("10.0.0.2");
    private static readonly IPAddress Client6 = IPAddress.Parse("2001:db8::1"), Server6 = IPAddress.Parse("2001:db8::2");
    private static readonly IPAddress OuterA = IPAddress.Parse("192.0.2.1"), OuterB = IPAddress.Parse("192.0.2.2");

    /// <summary>The three packets of a handshake from 10.0.0.1:40000 to 10.0.0.2:80, as IPv4 (or IPv6) packets.</summary>
    private static List<byte[]> Handshake(bool v6 = false)
    {
        var (c, s) = v6 ? (Client6, Server6) : (Client, Server);
        return
        [
            Tcp(c, s, 40000, 80, 1000, 0, syn: true, ack: false),
            Tcp(s, c, 80, 40000, 5000, 1001, syn: true, ack: true),
            Tcp(c, s, 40000, 80, 1001, 5001, syn: false, ack: true),
        ];
    }

    private static byte[] Tcp(IPAddress src, IPAddress dst, ushort sport, ushort dport, uint seq, uint ackNumber, bool syn, bool ack)
    {
        var tcp = new TcpPacket(sport, dport)
        {
            SequenceNumber = seq, AcknowledgmentNumber = ackNumber, Synchronize = syn, Acknowledgment = ack, WindowSize = 64240,
        };
        return Ip(src, dst, tcp);
    }

    private static byte[] Udp(IPAddress src, IPAddress dst, ushort sport, ushort dport, byte[] payload)
    {
        var udp = new UdpPacket(sport, dport) { PayloadData = payload };
        return Ip(src, dst, udp);
    }

    private static byte[] Ip(IPAddress src, IPAddress dst, Packet transport)
    {
        IPPacket ip = src.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? new IPv6Packet(src, dst) { PayloadPacket = transport, HopLimit = 64 }
            : new IPv4Packet(src, dst) { PayloadPacket = transport, TimeToLive = 64 };
        ip.UpdateCalculatedValues();
        switch (transport)
        {
            case TcpPacket t: t.UpdateTcpChecksum(); break;
            case UdpPacket u: u.UpdateUdpChecksum(); break;
        }
        if (ip is IPv4Packet v4) v4.UpdateIPChecksum();
        return ip.Bytes;
    }

    /// <summary>An IPv4 packet of any protocol around <paramref name="payload"/> (GRE, IP in IP, 6in4).</summary>
    private static byte[] IpCarrying(ProtocolType protocol, byte[] payload, IPAddress? src = null, IPAddress? dst = null)
    {
        var ip = new IPv4Packet(src ?? OuterA, dst ?? OuterB) { Protocol = protocol, PayloadData = payload, TimeToLive = 64 };
        ip.UpdateCalculatedValues();
        ip.UpdateIPChecksum();
        return ip.Bytes;
    }

    private static byte[] Ethernet(EthernetType type, byte[] payload) =>
        new EthernetPacket(PhysicalAddress.Parse("02-00-00-00-00-01"), PhysicalAddress.Parse("02-00-00-00-00-02"), type) { PayloadData = payload }.Bytes;

    private static byte[] Ethernet(ushort type, byte[] payload) => Ethernet((EthernetType)type, payload);

    private static byte[] Cat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    private static byte[] Be16(int v) => [(byte)(v >> 8), (byte)v];

    private static byte[] Be32(uint v) => [(byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v];

    /// <summary>An 802.11 data frame to the distribution system, optionally QoS, with LLC/SNAP naming IPv4.</summary>
    private static byte[] Wlan(byte[] ip, bool qos)
    {
        byte[] header =
        [
            (byte)(qos ? 0x88 : 0x08), 0x01, 0x00, 0x00,
            0x02, 0, 0, 0, 0, 0x0A, 0x02, 0, 0, 0, 0, 0x0B, 0x02, 0, 0, 0, 0, 0x0C, 0x10, 0x00,
        ];
        return Cat(header, qos ? [0x00, 0x00] : [], [0xAA, 0xAA, 0x03, 0, 0, 0, 0x08, 0x00], ip);
    }

    private string Write(string name, int linkType, IEnumerable<byte[]> frames)
    {
        string path = Path.Combine(_dir, name + ".pcap");
        PcapRecords.Write(path, PcapRecords.Header(linkType), frames.Select((f, i) => new PcapRecord(1_700_000_000, (uint)(i * 1000), f.Length, f)));
        return path;
    }

    private static List<JsonElement> Read(string path)
    {
        var r = CliRunner.Run("read", path, "--format", "jsonl");
        Assert.True(r.ExitCode == 0, r.Stderr);
        return r.JsonLines().ToList();
    }

    /// <summary>tshark agrees on every packet, and ProtoScope reached the TCP inside through the expected outer layers.</summary>
    private void AssertInnerTcp(string name, int linkType, IEnumerable<byte[]> frames, params string[] encap)
    {
        string path = Write(name, linkType, frames);
        ReadMatchesTsharkTests.AssertAgrees(path);
        foreach (var o in Read(path))
        {
            Assert.True(o.GetProperty("proto").GetString() == "tcp", $"{name}: {o}");
            Assert.Contains(o.GetProperty("src").GetString(), new[] { "10.0.0.1", "10.0.0.2", "2001:db8::1", "2001:db8::2" });
            var kinds = o.TryGetProperty("encap", out var e) ? e.EnumerateArray().Select(l => l.GetProperty("type").GetString()!).ToArray() : [];
            Assert.Equal(encap, kinds);
        }
        if (encap.Length == 0) AssertPacketDotNetAgrees(name, linkType, frames);
        var conn = Assert.Single(CliRunner.Run("conns", path, "--format", "jsonl").JsonLines(), c => c.GetProperty("proto").GetString() == "tcp");
        Assert.Equal("three-way", conn.GetProperty("open").GetString());
        Assert.Equal(encap.Length > 0, conn.TryGetProperty("tunnel", out _));
    }

    /// <summary>
    /// The captures in which PacketDotNet 1.4.8 reads through the link layer to the IP packet: PPP, PPPoE, and 802.11
    /// QoS data frames (alone or under radiotap). It leaves plain 802.11 data frames (the PPI capture has only those),
    /// PBB and VN-Tag undecoded, and does not implement DLT 50 (PPP in HDLC framing).
    /// </summary>
    private static readonly HashSet<string> PacketDotNetReachesIp = ["ppp", "pppoe", "wlan", "radiotap"];

    /// <summary>PacketDotNet as a second oracle: where it reaches the IP packet through the link layer, it reads the addresses and ports ProtoScope reads.</summary>
    private void AssertPacketDotNetAgrees(string name, int linkType, IEnumerable<byte[]> frames)
    {
        var ours = Read(Path.Combine(_dir, name + ".pcap"));
        int reached = 0;
        foreach (var (frame, o) in frames.Zip(ours))
        {
            Packet packet;
            try
            {
                packet = Packet.ParsePacket((LinkLayers)linkType, frame);
            }
            catch (NotImplementedException)
            {
                continue;
            }
            if (packet.Extract<IPPacket>() is not { } ip || ip.Extract<TcpPacket>() is not { } tcp) continue;
            reached++;
            Assert.Equal(o.GetProperty("src").GetString(), ip.SourceAddress.ToString());
            Assert.Equal(o.GetProperty("dst").GetString(), ip.DestinationAddress.ToString());
            Assert.Equal(o.GetProperty("sport").GetInt32(), tcp.SourcePort);
            Assert.Equal(o.GetProperty("dport").GetInt32(), tcp.DestinationPort);
        }
        Assert.True(PacketDotNetReachesIp.Contains(name) == (reached > 0), $"{name}: PacketDotNet reached the IP packet in {reached} frames");
    }

    [Fact]
    public void Ppp_links() =>
        AssertInnerTcp("ppp", 9, Handshake().Select((ip, i) => i == 0 ? Cat([0xFF, 0x03, 0x00, 0x21], ip) : Cat([0x00, 0x21], ip)));

    [Fact]
    public void Ppp_in_hdlc_framing() =>
        AssertInnerTcp("ppp-hdlc", 50, Handshake(v6: true).Select(ip => Cat([0xFF, 0x03, 0x00, 0x57], ip)));

    [Fact]
    public void Pppoe_session_over_a_vlan() =>
        AssertInnerTcp("pppoe", 1, Handshake().Select(ip =>
            Ethernet(0x8100, Cat(Be16(42), Be16(0x8864), [0x11, 0x00], Be16(0x1234), Be16(ip.Length + 2), [0x00, 0x21], ip))));

    [Fact]
    public void Wifi_data_frames() =>
        AssertInnerTcp("wlan", 105, Handshake().Select((ip, i) => Wlan(ip, qos: i == 1)));

    [Fact]
    public void Radiotap_and_wifi() =>
        AssertInnerTcp("radiotap", 127, Handshake().Select(ip => Cat([0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00], Wlan(ip, qos: true))));

    [Fact]
    public void Ppi_and_wifi() =>
        AssertInnerTcp("ppi", 192, Handshake().Select(ip => Cat([0x00, 0x00, 0x08, 0x00, 105, 0x00, 0x00, 0x00], Wlan(ip, qos: false))));

    [Fact]
    public void Provider_backbone_bridging() =>
        AssertInnerTcp("pbb", 1, Handshake().Select(ip =>
            Ethernet(0x88E7, Cat([0x00, 0x01, 0x00, 0x2A], [0x02, 0, 0, 0, 0, 0x03, 0x02, 0, 0, 0, 0, 0x04], Be16(0x0800), ip))));

    [Fact]
    public void Vn_tag() =>
        AssertInnerTcp("vntag", 1, Handshake().Select(ip => Ethernet(0x8926, Cat([0x80, 0x01, 0x00, 0x02], Be16(0x0800), ip))));

    [Fact]
    public void Gre_with_checksum_key_and_sequence() =>
        AssertInnerTcp("gre", 1, Handshake().Select((ip, i) =>
            Ethernet(EthernetType.IPv4, IpCarrying((ProtocolType)47, Cat([0xB0, 0x00], Be16(0x0800), [0, 0, 0, 0], Be32(0xABCD), Be32((uint)i), ip)))), "gre");

    [Fact]
    public void Gre_bridging_ethernet() =>
        AssertInnerTcp("nvgre", 1, Handshake().Select(ip =>
            Ethernet(EthernetType.IPv4, IpCarrying((ProtocolType)47, Cat([0x20, 0x00], Be16(0x6558), Be32(0x00123400), Ethernet(EthernetType.IPv4, ip))))), "gre");

    [Fact]
    public void Erspan_type_ii_and_iii() =>
        AssertInnerTcp("erspan", 1, Handshake().Select((ip, i) => Ethernet(EthernetType.IPv4, IpCarrying((ProtocolType)47, i == 1
            ? Cat([0x10, 0x00], Be16(0x22EB), Be32((uint)i), [0x20, 0x00, 0x00, 0x07], Be32(12345), [0, 0, 0, 0], Ethernet(EthernetType.IPv4, ip))
            : Cat([0x10, 0x00], Be16(0x88BE), Be32((uint)i), [0x10, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x00], Ethernet(EthernetType.IPv4, ip))))),
            "erspan");

    [Fact]
    public void Ip_in_ip() =>
        AssertInnerTcp("ipip", 1, Handshake().Select(ip => Ethernet(EthernetType.IPv4, IpCarrying((ProtocolType)4, ip))), "ip-in-ip");

    [Fact]
    public void Six_in_four() =>
        AssertInnerTcp("6in4", 1, Handshake(v6: true).Select(ip => Ethernet(EthernetType.IPv4, IpCarrying((ProtocolType)41, ip))), "ip-in-ip");

    [Fact]
    public void Teredo_with_an_origin_indication() =>
        AssertInnerTcp("teredo", 1, Handshake(v6: true).Select(ip =>
            Ethernet(EthernetType.IPv4, Udp(OuterA, OuterB, 40001, 3544, Cat([0x00, 0x00, 0x9C, 0x40, 0x3F, 0xFF, 0xFD, 0xFE], ip)))), "teredo");

    [Fact]
    public void Gtp_u_with_an_extension_header() =>
        AssertInnerTcp("gtpu", 1, Handshake().Select(ip => Ethernet(EthernetType.IPv4, Udp(OuterA, OuterB, 2152, 2152,
            Cat([0x34, 0xFF], Be16(ip.Length + 8), Be32(0x1234), [0x00, 0x01, 0x00, 0x85], [0x01, 0x10, 0x01, 0x00], ip)))), "gtp-u");

    [Fact]
    public void Ayiya() =>
        AssertInnerTcp("ayiya", 1, Handshake(v6: true).Select(ip => Ethernet(EthernetType.IPv4, Udp(OuterA, OuterB, 5072, 5072,
            Cat([0x41, 0x52, 0x21, 41], Be32(1_700_000_000), new byte[16], new byte[20], ip)))), "ayiya");

    [Fact]
    public void Vxlan() =>
        AssertInnerTcp("vxlan", 1, Handshake().Select(ip => Ethernet(EthernetType.IPv4,
            Udp(OuterA, OuterB, 50001, 4789, Cat([0x08, 0, 0, 0, 0x00, 0x00, 0x2A, 0x00], Ethernet(EthernetType.IPv4, ip))))), "vxlan");

    [Fact]
    public void Geneve_with_an_option() =>
        AssertInnerTcp("geneve", 1, Handshake().Select(ip => Ethernet(EthernetType.IPv4, Udp(OuterB, OuterA, 50002, 6081,
            Cat([0x01, 0x00], Be16(0x6558), [0x00, 0x00, 0x2A, 0x00], [0x01, 0x02, 0x80, 0x00], Ethernet(EthernetType.IPv4, ip))))), "geneve");

    [Fact]
    public void A_udp_conversation_inside_vxlan_is_numbered_after_its_carrier_as_tshark_does()
    {
        var frames = Enumerable.Range(0, 3).Select(i => Ethernet(EthernetType.IPv4, Udp(OuterA, OuterB, 50001, 4789,
            Cat([0x08, 0, 0, 0, 0x00, 0x00, 0x07, 0x00], Ethernet(EthernetType.IPv4, Udp(Client, Server, 5353, 53, [1, 2, 3, (byte)i]))))));
        string path = Write("vxlan-udp", 1, frames);
        ReadMatchesTsharkTests.AssertAgrees(path);
        var conns = CliRunner.Run("conns", path, "--format", "jsonl").JsonLines().ToList();
        var outer = Assert.Single(conns, c => c.GetProperty("resp_p").GetInt32() == 4789);
        var inner = Assert.Single(conns, c => c.GetProperty("resp_p").GetInt32() == 53);
        Assert.Equal(outer.GetProperty("id").GetInt32(), inner.GetProperty("tunnel").GetProperty("udp_stream").GetInt32());
        Assert.Equal(7, inner.GetProperty("tunnel").GetProperty("vni").GetInt32());
        Assert.Equal(3, outer.GetProperty("orig_pkts").GetInt32());
    }

    [Fact]
    public void Tunnels_nested_without_end_are_an_error_on_the_packet()
    {
        byte[] packet = Handshake()[0];
        for (int i = 0; i < 12; i++) packet = IpCarrying((ProtocolType)4, packet);
        string path = Write("nested", 1, [Ethernet(EthernetType.IPv4, packet)]);
        var o = Assert.Single(Read(path));
        Assert.Equal(4, o.GetProperty("encap").GetArrayLength());
        Assert.Contains("nested more than 4 deep", o.GetProperty("error").GetString());
        var text = CliRunner.Run("read", path);
        Assert.Equal(0, text.ExitCode);
    }

    /// <summary>A 3,000-byte UDP payload in fragments of 1,480 bytes, as a 1,500-byte MTU splits it.</summary>
    private static List<byte[]> Fragments(ushort id, IPAddress src, IPAddress dst, byte[] payload)
    {
        byte[] whole = Udp(src, dst, 5000, 6000, payload);
        var udp = whole.AsSpan(20).ToArray();
        var list = new List<byte[]>();
        for (int offset = 0; offset < udp.Length; offset += 1480)
        {
            int len = Math.Min(1480, udp.Length - offset);
            var ip = new IPv4Packet(src, dst) { Protocol = ProtocolType.Udp, PayloadData = udp.AsSpan(offset, len).ToArray(), TimeToLive = 64, Id = id };
            ip.FragmentOffset = offset / 8;
            ip.FragmentFlags = offset + len < udp.Length ? 0b001 : 0;
            ip.UpdateCalculatedValues();
            ip.UpdateIPChecksum();
            list.Add(Ethernet(EthernetType.IPv4, ip.Bytes));
        }
        return list;
    }

    /// <summary>The same over IPv6: fragment headers (RFC 8200 §4.5) after the fixed header, 1,448 bytes a fragment.</summary>
    private static List<byte[]> Fragments6(uint id, byte[] payload)
    {
        byte[] udp = Udp(Client6, Server6, 5000, 6000, payload).AsSpan(40).ToArray();
        var list = new List<byte[]>();
        for (int offset = 0; offset < udp.Length; offset += 1448)
        {
            int len = Math.Min(1448, udp.Length - offset);
            byte[] fragment = Cat([17, 0], Be16(offset | (offset + len < udp.Length ? 1 : 0)), Be32(id), udp.AsSpan(offset, len).ToArray());
            list.Add(Ethernet(EthernetType.IPv6, Packets.IPv6((byte)ProtocolType.IPv6FragmentHeader, fragment, Client6.ToString(), Server6.ToString())));
        }
        return list;
    }

    [Fact]
    public void Ipv6_fragments_are_reassembled_as_tshark_does()
    {
        byte[] payload = Enumerable.Range(0, 4000).Select(i => (byte)(i * 7)).ToArray();
        var a = Fragments6(0x01020304, payload);
        var b = Fragments6(0x01020305, payload);
        string path = Write("fragments6", 1, a.Concat([b[2], b[1], b[0]]));
        ReadMatchesTsharkTests.AssertAgrees(path);
        var whole = Read(path).Where(o => o.TryGetProperty("udp", out var u) && u.GetProperty("stream").GetInt32() >= 0).ToList();
        Assert.Equal(2, whole.Count);
        Assert.All(whole, o => Assert.Equal(4008, o.GetProperty("udp").GetProperty("len").GetInt32()));
        Assert.Equal(2, Assert.Single(CliRunner.Run("conns", path, "--format", "jsonl").JsonLines()).GetProperty("orig_pkts").GetInt32());
    }

    [Fact]
    public void Ip_fragments_are_reassembled_as_tshark_does_in_order_out_of_order_duplicated_and_incomplete()
    {
        byte[] payload = Enumerable.Range(0, 3000).Select(i => (byte)i).ToArray();
        var inOrder = Fragments(1, Client, Server, payload);
        var outOfOrder = Fragments(2, Client, Server, payload);
        var duplicated = Fragments(3, Client, Server, payload);
        var incomplete = Fragments(4, Client, Server, payload);
        var frames = inOrder
            .Concat([outOfOrder[2], outOfOrder[0], outOfOrder[1]])
            .Concat([duplicated[0], duplicated[0], duplicated[1], duplicated[2]])
            .Concat(incomplete.Take(2)).ToList();
        string path = Write("fragments", 1, frames);
        ReadMatchesTsharkTests.AssertAgrees(path);
        var rows = Read(path);
        var whole = rows.Where(o => o.TryGetProperty("udp", out var u) && u.GetProperty("stream").GetInt32() >= 0).ToList();
        Assert.Equal(3, whole.Count);
        Assert.All(whole, o => Assert.Equal(3008, o.GetProperty("udp").GetProperty("len").GetInt32()));
        Assert.Equal([3, 3, 4], whole.Select(o => o.GetProperty("frag").GetProperty("reassembled").GetInt32()));
        var conn = Assert.Single(CliRunner.Run("conns", path, "--format", "jsonl").JsonLines());
        Assert.Equal(3, conn.GetProperty("orig_pkts").GetInt32());
        Assert.Equal(3 * 3000, conn.GetProperty("orig_bytes").GetInt32());
    }
}
