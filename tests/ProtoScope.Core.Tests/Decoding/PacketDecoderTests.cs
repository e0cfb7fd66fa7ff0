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
