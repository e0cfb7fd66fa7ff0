using System.Buffers.Binary;
using System.Net;
using System.Net.NetworkInformation;
using PacketDotNet;
using PacketDotNet.Utils;
using ProtoScope.Core.Decoding;

namespace ProtoScope.Tests;

/// <summary>
/// Builds link, IP and transport headers with PacketDotNet, lengths and checksums computed as a sender would.
/// One file, linked into every test project that builds packets of its own.
/// </summary>
internal static class Packets
{
    private static readonly PhysicalAddress NoMac = new(new byte[6]);

    /// <summary>A TCP header (data offset from the options) followed by <paramref name="payload"/> zero bytes.</summary>
    public static byte[] Tcp(ushort sport, ushort dport, uint seq, uint ack, TcpFlags flags, byte[]? options = null, int payload = 0, ushort window = 65535) =>
        TcpSegment(sport, dport, seq, ack, flags, new byte[payload], options, window);

    /// <summary>
    /// A TCP segment carrying <paramref name="payload"/>. The options go in as raw bytes behind the fixed header, which
    /// PacketDotNet only makes 20 bytes long, and never through its option parser: a zero-length option sends that into
    /// an endless loop.
    /// </summary>
    public static byte[] TcpSegment(ushort sport, ushort dport, uint seq, uint ack, TcpFlags flags, ReadOnlySpan<byte> payload, byte[]? options = null, ushort window = 65535)
    {
        options ??= [];
        var tcp = new TcpPacket(sport, dport)
        {
            SequenceNumber = seq,
            AcknowledgmentNumber = ack,
            Flags = (ushort)flags,
            WindowSize = window,
            DataOffset = (TcpPacket.HeaderMinimumLength + options.Length) / 4,
        };
        return [.. tcp.HeaderData, .. options, .. payload];
    }

    /// <summary>A UDP header followed by <paramref name="payload"/> zero bytes; <paramref name="lengthField"/> makes its length field lie.</summary>
    public static byte[] Udp(ushort sport, ushort dport, int payload, int? lengthField = null)
    {
        var bytes = new UdpPacket(sport, dport) { PayloadData = new byte[payload] }.Bytes;
        if (lengthField is int lie) WriteUdpLengthField(new ByteArraySegment(bytes), lie);
        return bytes;
    }

    /// <summary>
    /// PacketDotNet keeps the setter of <see cref="UdpPacket.Length"/> to itself, computing the field from the
    /// datagram's size whenever it reads the bytes, so a length field that lies is written by hand.
    /// </summary>
    private static void WriteUdpLengthField(ByteArraySegment udpHeader, int length) =>
        BinaryPrimitives.WriteUInt16BigEndian(udpHeader.Bytes.AsSpan(udpHeader.Offset + 4), (ushort)length);

    /// <summary>
    /// An IPv4 packet around <paramref name="transport"/>, whose TCP or UDP checksum is filled in. <paramref name="ihl"/>
    /// and <paramref name="version"/> make those fields lie; the header stays the 20 bytes it is.
    /// </summary>
    public static byte[] IPv4(byte protocol, byte[] transport, string src = "10.0.0.1", string dst = "10.0.0.2", int ihl = 5, int? version = null)
    {
        var ip = new IPv4Packet(IPAddress.Parse(src), IPAddress.Parse(dst)) { Protocol = (ProtocolType)protocol, PayloadData = transport };
        ip.UpdateCalculatedValues();
        var bytes = ip.Bytes;
        var sent = new IPv4Packet(new ByteArraySegment(bytes));
        UpdateTransportChecksum(sent, protocol);
        // After the transport checksum: PacketDotNet finds the TCP or UDP header by the true header length.
        sent.HeaderLength = ihl;
        if (version is int v) sent.Version = (IPVersion)v;
        sent.UpdateIPChecksum();
        return bytes;
    }

    /// <summary>An IPv6 packet around <paramref name="transport"/>, whose TCP or UDP checksum is filled in.</summary>
    public static byte[] IPv6(byte nextHeader, byte[] transport, string src = "2001:db8::1", string dst = "2001:db8::2")
    {
        // IPv6Packet computes its payload length for a payload packet only, not for payload bytes.
        var ip = new IPv6Packet(IPAddress.Parse(src), IPAddress.Parse(dst))
        {
            Protocol = (ProtocolType)nextHeader, PayloadData = transport, PayloadLength = (ushort)transport.Length,
        };
        var bytes = ip.Bytes;
        UpdateTransportChecksum(new IPv6Packet(new ByteArraySegment(bytes)), nextHeader);
        return bytes;
    }

    /// <summary>
    /// The checksum over the pseudo-header, written into the packet's own bytes. Computing it makes PacketDotNet
    /// rewrite the UDP length field, so one that lies is put back afterwards. The protocol is the one the caller
    /// named, not <see cref="IPPacket.Protocol"/>: behind an IPv6 fragment header that reads on to the next header.
    /// </summary>
    private static void UpdateTransportChecksum(IPPacket ip, byte protocol)
    {
        if (protocol == (byte)ProtocolType.Tcp)
        {
            ((TcpPacket)ip.PayloadPacket).UpdateTcpChecksum();
        }
        else if (protocol == (byte)ProtocolType.Udp)
        {
            var udp = (UdpPacket)ip.PayloadPacket;
            int lengthField = udp.Length;
            udp.UpdateUdpChecksum();
            WriteUdpLengthField(udp.HeaderSegment, lengthField);
        }
    }

    /// <summary>An Ethernet frame between all-zero addresses; each of <paramref name="vlanTags"/> (a TPID) adds an 802.1Q tag of VLAN 100.</summary>
    public static byte[] Ethernet(ushort etherType, byte[] payload, params ushort[] vlanTags)
    {
        for (int i = vlanTags.Length - 1; i >= 0; i--)
            payload = Vlan(100, i + 1 < vlanTags.Length ? vlanTags[i + 1] : etherType, payload);
        ushort outer = vlanTags.Length > 0 ? vlanTags[0] : etherType;
        return new EthernetPacket(NoMac, NoMac, (EthernetType)outer) { PayloadData = payload }.Bytes;
    }

    /// <summary>
    /// A BSD loopback header: the address family in the writer's byte order. PacketDotNet's NullPacket writes it
    /// little-endian only, so the big-endian one (OpenBSD, DLT_LOOP) is written by hand.
    /// </summary>
    public static byte[] Null(uint family, bool bigEndian, byte[] ip)
    {
        if (!bigEndian) return new NullPacket((NullPacketType)family) { PayloadData = ip }.Bytes;
        var frame = new byte[4 + ip.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, family);
        ip.CopyTo(frame, 4);
        return frame;
    }

    /// <summary>A Linux cooked header (SLL) of a loopback device.</summary>
    public static byte[] Sll(ushort protocol, byte[] payload) => Behind(16, payload, header =>
        _ = new LinuxSllPacket(header) { LinkLayerAddressType = ArphrdLoopback, EthernetProtocolType = (EthernetType)protocol });

    /// <summary>A Linux cooked header, version 2 (SLL2), of a loopback device.</summary>
    public static byte[] Sll2(ushort protocol, byte[] payload) => Behind(20, payload, header =>
        _ = new LinuxSll2Packet(header) { LinkLayerAddressType = ArphrdLoopback, EthernetProtocolType = (EthernetType)protocol });

    private const int ArphrdLoopback = 772;

    private static byte[] Vlan(ushort vlan, ushort etherType, byte[] payload) => Behind(4, payload, header =>
        _ = new Ieee8021QPacket(header) { VlanIdentifier = vlan, Type = (EthernetType)etherType });

    /// <summary>
    /// A header PacketDotNet parses but has no constructor to build: its fields are set through a packet laid over
    /// zeros in front of <paramref name="payload"/>.
    /// </summary>
    private static byte[] Behind(int headerLength, byte[] payload, Action<ByteArraySegment> setFields)
    {
        var frame = new byte[headerLength + payload.Length];
        payload.CopyTo(frame, headerLength);
        setFields(new ByteArraySegment(frame));
        return frame;
    }

    /// <summary>A whole Ethernet/IPv4/TCP frame; payload bytes count up from 0.</summary>
    public static byte[] EthernetTcp(string src, string dst, ushort sport, ushort dport, TcpFlags flags, uint seq, uint ack, int payload = 0)
    {
        var counting = new byte[payload];
        for (int i = 0; i < payload; i++) counting[i] = (byte)i;
        return Ethernet(0x0800, IPv4(6, TcpSegment(sport, dport, seq, ack, flags, counting), src, dst));
    }

    public static byte[] EthernetUdp(string src, string dst, ushort sport, ushort dport, int payload) =>
        Ethernet(0x0800, IPv4(17, Udp(sport, dport, payload), src, dst));
}

/// <summary>Which end of a test connection sends a packet: the originator (the client) or the responder.</summary>
internal enum From
{
    Orig,
    Resp,
}

/// <summary>
/// The two ends of a test connection, IPv4 or IPv6 as the addresses are: builds each direction's segments
/// and datagrams so that a test names the sender instead of swapping addresses and ports by hand.
/// </summary>
internal sealed record Connection(string Orig, ushort OrigPort, string Resp, ushort RespPort)
{
    private bool V6 => Orig.Contains(':', StringComparison.Ordinal);

    /// <summary>An IP packet (no link header) holding a TCP segment with <paramref name="payload"/>.</summary>
    public byte[] IpTcp(From from, TcpFlags flags, uint seq, uint ack, ReadOnlySpan<byte> payload = default, ushort window = 65535)
    {
        var (src, dst, sport, dport) = Addresses(from);
        var tcp = Packets.TcpSegment(sport, dport, seq, ack, flags, payload, window: window);
        return V6 ? Packets.IPv6(6, tcp, src, dst) : Packets.IPv4(6, tcp, src, dst);
    }

    /// <summary>An Ethernet frame holding <see cref="IpTcp"/>.</summary>
    public byte[] EthernetTcp(From from, TcpFlags flags, uint seq, uint ack, ReadOnlySpan<byte> payload = default) =>
        Packets.Ethernet(V6 ? (ushort)0x86DD : (ushort)0x0800, IpTcp(from, flags, seq, ack, payload));

    private (string Src, string Dst, ushort Sport, ushort Dport) Addresses(From from) =>
        from == From.Orig ? (Orig, Resp, OrigPort, RespPort) : (Resp, Orig, RespPort, OrigPort);
}
