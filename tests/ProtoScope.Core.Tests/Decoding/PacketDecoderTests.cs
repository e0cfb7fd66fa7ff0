using ProtoScope.Core.Decoding;
using Xunit;

namespace ProtoScope.Core.Tests.Decoding;

public class PacketDecoderTests
{
    private static readonly byte[] Syn = Packets.Tcp(5555, 80, 1000, 0, TcpFlags.Syn);

    private static DecodedPacket Decode(byte[] frame, int link)
    {
        var p = new DecodedPacket();
        PacketDecoder.Decode(frame, link, frame.Length, ref p);
        return p;
    }

    public static TheoryData<string, byte[], int> LinkLayers() => new()
    {
        { "ethernet", Packets.Ethernet(0x0800, Packets.IPv4(6, Syn)), LinkType.Ethernet },
        { "ethernet 802.1Q", Packets.Ethernet(0x0800, Packets.IPv4(6, Syn), 0x8100), LinkType.Ethernet },
        { "ethernet QinQ", Packets.Ethernet(0x0800, Packets.IPv4(6, Syn), 0x88A8, 0x8100), LinkType.Ethernet },
        { "linux sll", Packets.Sll(0x0800, Packets.IPv4(6, Syn)), LinkType.LinuxSll },
        { "linux sll2", Packets.Sll2(0x0800, Packets.IPv4(6, Syn)), LinkType.LinuxSll2 },
        { "null AF_INET little-endian", Packets.Null(2, false, Packets.IPv4(6, Syn)), LinkType.Null },
        { "null AF_INET big-endian", Packets.Null(2, true, Packets.IPv4(6, Syn)), LinkType.Null },
        { "loop AF_INET", Packets.Null(2, true, Packets.IPv4(6, Syn)), LinkType.Loop },
        { "raw 101", Packets.IPv4(6, Syn), LinkType.Raw },
        { "raw DLT 12", Packets.IPv4(6, Syn), LinkType.RawDltLinux },
        { "ipv4 228", Packets.IPv4(6, Syn), LinkType.Ipv4 },
    };

    [Theory]
    [MemberData(nameof(LinkLayers))]
    public void Every_link_layer_reaches_the_tcp_header(string name, byte[] frame, int link)
    {
        var p = Decode(frame, link);
        Assert.False(p.HasError, name + ": " + p.Error);
        Assert.Equal(Transport.Tcp, p.Transport);
        Assert.Equal(NetAddress.Parse("10.0.0.1"), p.Src);
        Assert.Equal((ushort)5555, p.SrcPort);
        Assert.Equal(1000u, p.SequenceNumber);
        Assert.Equal(TcpFlags.Syn, p.Flags);
    }

    [Theory]
    [InlineData(10u, false)] // Linux
    [InlineData(24u, true)]  // NetBSD/OpenBSD, written big-endian
    [InlineData(28u, false)] // FreeBSD
    [InlineData(30u, false)] // Darwin
    [InlineData(30u, true)]
    public void Null_link_knows_every_AF_INET6_value_in_both_byte_orders(uint family, bool bigEndian)
    {
        var p = Decode(Packets.Null(family, bigEndian, Packets.IPv6(17, Packets.Udp(53, 1053, 12))), LinkType.Null);
        Assert.Equal(Network.IPv6, p.Network);
        Assert.Equal(Transport.Udp, p.Transport);
        Assert.Equal(12, p.PayloadLength);
    }

    [Fact]
    public void Ipv6_link_type_229_decodes()
    {
        var p = Decode(Packets.IPv6(6, Syn), LinkType.Ipv6);
        Assert.Equal(NetAddress.Parse("2001:db8::1"), p.Src);
        Assert.Equal(Transport.Tcp, p.Transport);
    }

    [Fact]
    public void Unsupported_link_type_is_shown_as_such_not_as_an_error()
    {
        var p = Decode(new byte[76], 271);
        Assert.False(p.HasError);
        Assert.Equal("other", p.ProtoName);
        Assert.Equal("vsock", LinkType.Name(271));
    }

    [Fact]
    public void Link_type_field_high_bits_are_masked_like_libpcap()
    {
        Assert.Equal(LinkType.Ethernet, LinkType.Mask(0x30000001));
    }

    [Fact]
    public void All_nine_flags_including_AE_are_read()
    {
        var p = Decode(Packets.IPv4(6, Packets.Tcp(1, 2, 0, 0, (TcpFlags)0x1FF)), LinkType.Raw);
        Assert.Equal((TcpFlags)0x1FF, p.Flags);
        Assert.Equal(["FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR", "AE"], TcpFlagNotation.JsonNames(p.Flags));
        Assert.Equal("FSRP.UEWe", TcpFlagNotation.Tcpdump(p.Flags));
    }

    [Fact]
    public void Tcp_options_are_parsed_by_hand()
    {
        byte[] options = [2, 4, 0x05, 0xB4, 1, 3, 3, 7, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2, 1, 1, 5, 10, 0, 0, 0, 10, 0, 0, 0, 20, 0, 0];
        var p = Decode(Packets.IPv4(6, Packets.Tcp(1, 2, 0, 0, TcpFlags.Ack, options)), LinkType.Raw);
        Assert.True(p.Options.HasMss);
        Assert.Equal(1460, p.Options.Mss);
        Assert.Equal(7, p.Options.WindowScale);
        Assert.True(p.Options.SackPermitted);
        Assert.Equal((1u, 2u), (p.Options.TsVal, p.Options.TsEcr));
        Assert.Equal(1, p.Options.SackCount);
        Assert.Equal(new SackBlock(10, 20), p.Options.Sack0);
    }

    [Fact]
    public void A_zero_length_tcp_option_ends_parsing_instead_of_looping()
    {
        // PacketDotNet's OptionsCollection loops forever on this (API-NOTES).
        byte[] options = [2, 0, 0, 0];
        var p = Decode(Packets.IPv4(6, Packets.Tcp(1, 2, 0, 0, TcpFlags.Syn, options)), LinkType.Raw);
        Assert.True(p.Options.Malformed);
        Assert.Equal(Transport.Tcp, p.Transport);
    }

    [Fact]
    public void Ipv4_header_length_below_five_words_is_an_error()
    {
        var p = Decode(Packets.IPv4(6, Syn, ihl: 4), LinkType.Raw);
        Assert.Equal(DecodeErrorKind.BadHeaderLength, p.Error.Kind);
        Assert.Equal("ipv4: bad header length 16 bytes (minimum 20)", p.Error.ToString());
    }

    [Fact]
    public void Ethertype_ipv4_with_version_6_is_an_error()
    {
        var p = Decode(Packets.Ethernet(0x0800, Packets.IPv4(6, Syn, version: 6)), LinkType.Ethernet);
        Assert.Equal(DecodeErrorKind.BadVersion, p.Error.Kind);
    }

    [Fact]
    public void Truncated_tcp_header_reports_what_was_there()
    {
        var frame = Packets.IPv4(6, Syn)[..32];
        var p = Decode(frame, LinkType.Raw);
        Assert.Equal("tcp header truncated: 12 of 20 bytes", p.Error.ToString());
    }

    /// <summary>A TCP header with a different value in every field, so a field read from the wrong bytes shows.</summary>
    private static byte[] DistinctTcpHeader() =>
    [
        0x13, 0x88, 0x00, 0x50, // ports 5000 > 80
        0xA1, 0xB2, 0xC3, 0xD4, // sequence number
        0x0E, 0x1F, 0x2A, 0x3B, // acknowledgment number
        0x51, 0x18, // data offset 5, NS set; PSH and ACK
        0x72, 0x10, // window 29200
        0xBE, 0xEF, // checksum
        0x04, 0xD2, // urgent pointer 1234
    ];

    public static TheoryData<int> TcpCuts() => new(Enumerable.Range(0, 20));

    [Theory]
    [MemberData(nameof(TcpCuts))]
    public void A_cut_tcp_header_keeps_every_field_whose_bytes_were_captured(int captured)
    {
        var header = DistinctTcpHeader();
        var p = Decode(Packets.IPv4(6, header)[..(20 + captured)], LinkType.Raw);

        Assert.Equal($"tcp header truncated: {captured} of 20 bytes", p.Error.ToString());
        Assert.Equal(Transport.Tcp, p.Transport);
        Assert.Equal(captured, p.CapturedTransportHeader);
        Assert.False(p.HasPorts); // a cut header joins no conversation
        Assert.Equal(0, p.TransportHeaderLength);
        Assert.Equal(captured >= 4, p.Has(TcpField.Ports));
        Assert.Equal(captured >= 4, p.HasPortNumbers);
        Assert.Equal(captured >= 8, p.Has(TcpField.Seq));
        Assert.Equal(captured >= 12, p.Has(TcpField.Ack));
        Assert.Equal(captured >= 14, p.Has(TcpField.Flags));
        Assert.Equal(captured >= 16, p.Has(TcpField.Window));
        Assert.Equal(captured >= 18, p.Has(TcpField.Checksum));
        Assert.False(p.Has(TcpField.UrgentPointer));
        Assert.False(p.Has(UdpField.Ports));
        // A field that is not there reads as 0 rather than as a neighbour's bytes.
        Assert.Equal(captured >= 4 ? ((ushort)5000, (ushort)80) : ((ushort)0, (ushort)0), (p.SrcPort, p.DstPort));
        Assert.Equal(captured >= 8 ? 0xA1B2C3D4u : 0u, p.SequenceNumber);
        Assert.Equal(captured >= 12 ? 0x0E1F2A3Bu : 0u, p.AcknowledgmentNumber);
        Assert.Equal(captured >= 14 ? TcpFlags.AE | TcpFlags.Psh | TcpFlags.Ack : TcpFlags.None, p.Flags);
        Assert.Equal(captured >= 16 ? (ushort)29200 : (ushort)0, p.Window);
        Assert.Equal(0, p.PayloadLength);
    }

    [Fact]
    public void A_whole_tcp_header_has_every_field()
    {
        var p = Decode(Packets.IPv4(6, DistinctTcpHeader()), LinkType.Raw);
        Assert.False(p.HasError, p.Error.ToString());
        Assert.True(p.HasPorts);
        Assert.Equal(20, p.CapturedTransportHeader);
        Assert.True(p.Has(TcpField.UrgentPointer));
        Assert.Equal((ushort)1234, p.UrgentPointer);
    }

    public static TheoryData<int> UdpCuts() => new(Enumerable.Range(0, 8));

    [Theory]
    [MemberData(nameof(UdpCuts))]
    public void A_cut_udp_header_keeps_every_field_whose_bytes_were_captured(int captured)
    {
        byte[] header = [0x13, 0x88, 0x23, 0x28, 0x01, 0x2C, 0xBE, 0xEF]; // 5000 > 9000, length 300, checksum
        var p = Decode(Packets.IPv4(17, header)[..(20 + captured)], LinkType.Raw);

        Assert.Equal($"udp header truncated: {captured} of 8 bytes", p.Error.ToString());
        Assert.Equal(Transport.Udp, p.Transport);
        Assert.Equal(captured, p.CapturedTransportHeader);
        Assert.False(p.HasPorts);
        Assert.Equal(captured >= 4, p.Has(UdpField.Ports));
        Assert.Equal(captured >= 4, p.HasPortNumbers);
        Assert.Equal(captured >= 6, p.Has(UdpField.Length));
        Assert.False(p.Has(UdpField.Checksum));
        Assert.False(p.Has(TcpField.Ports));
        Assert.Equal(captured >= 4 ? ((ushort)5000, (ushort)9000) : ((ushort)0, (ushort)0), (p.SrcPort, p.DstPort));
        Assert.Equal(captured >= 6 ? (ushort)300 : (ushort)0, p.UdpLength);
    }

    [Fact]
    public void A_tcp_header_with_a_bad_data_offset_keeps_its_fixed_fields_but_joins_nothing()
    {
        var header = DistinctTcpHeader();
        header[12] = 0x41; // data offset 4 words
        var p = Decode(Packets.IPv4(6, header), LinkType.Raw);
        Assert.Equal(DecodeErrorKind.BadHeaderLength, p.Error.Kind);
        Assert.False(p.HasPorts);
        Assert.True(p.Has(TcpField.Window));
        Assert.Equal(0xA1B2C3D4u, p.SequenceNumber);
    }

    [Fact]
    public void Udp_length_field_beyond_the_ip_payload_is_flagged()
    {
        var p = Decode(Packets.IPv4(17, Packets.Udp(1, 2, 10, lengthField: 400)), LinkType.Raw);
        Assert.Equal(DecodeErrorKind.LengthOverrun, p.Error.Kind);
        Assert.Equal(10, p.PayloadLength);
    }

    [Fact]
    public void Payload_length_comes_from_the_ip_header_not_the_ethernet_padding()
    {
        var frame = Packets.Ethernet(0x0800, Packets.IPv4(6, Packets.Tcp(1, 2, 0, 0, TcpFlags.Ack)));
        Array.Resize(ref frame, 60); // minimum Ethernet frame: 6 bytes of padding
        var p = Decode(frame, LinkType.Ethernet);
        Assert.Equal(0, p.PayloadLength);
    }

    [Fact]
    public void Every_prefix_of_every_frame_decodes_without_throwing()
    {
        foreach (var row in LinkLayers())
        {
            var (_, frame, link) = row.Data;
            for (int n = 0; n <= frame.Length; n++)
            {
                var p = Decode(frame[..n], link);
                if (n < frame.Length && p.Transport == Transport.Tcp) Assert.True(p.HasError || p.TransportHeaderLength == 20);
            }
        }
    }
}
