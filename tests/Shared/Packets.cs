using System.Buffers.Binary;
using ProtoScope.Core.Decoding;

namespace ProtoScope.Tests;

/// <summary>
/// Builds link, IP and transport headers byte by byte, as the RFCs lay them out.
/// One file, linked into every test project that builds packets of its own.
/// </summary>
internal static class Packets
{
    /// <summary>A TCP header (data offset from the options) followed by <paramref name="payload"/> zero bytes.</summary>
    public static byte[] Tcp(ushort sport, ushort dport, uint seq, uint ack, TcpFlags flags, byte[]? options = null, int payload = 0, ushort window = 65535)
    {
        options ??= [];
        int doff = 20 + options.Length;
        var b = new byte[doff + payload];
        BinaryPrimitives.WriteUInt16BigEndian(b, sport);
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(2), dport);
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(4), seq);
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(8), ack);
        b[12] = (byte)((doff / 4) << 4 | ((ushort)flags >> 8 & 1));
        b[13] = (byte)flags;
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(14), window);
        options.CopyTo(b, 20);
        return b;
    }

    public static byte[] Udp(ushort sport, ushort dport, int payload, int? lengthField = null)
    {
        var b = new byte[8 + payload];
        BinaryPrimitives.WriteUInt16BigEndian(b, sport);
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(2), dport);
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(4), (ushort)(lengthField ?? 8 + payload));
        return b;
    }

    public static byte[] IPv4(byte protocol, byte[] transport, string src = "10.0.0.1", string dst = "10.0.0.2", int ihl = 5, int? version = null)
    {
        var b = new byte[ihl * 4 + transport.Length];
        b[0] = (byte)((version ?? 4) << 4 | ihl);
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(2), (ushort)b.Length);
        b[8] = 64;
        b[9] = protocol;
        System.Net.IPAddress.Parse(src).GetAddressBytes().CopyTo(b, 12);
        System.Net.IPAddress.Parse(dst).GetAddressBytes().CopyTo(b, 16);
        // The header checksum a sender computes (RFC 791 section 3.1), so a written file reads as real traffic.
        uint sum = 0;
        for (int i = 0; i < ihl * 4; i += 2) sum += BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(i));
        while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(10), (ushort)~sum);
        transport.CopyTo(b, ihl * 4);
        return b;
    }

    public static byte[] IPv6(byte nextHeader, byte[] transport, string src = "2001:db8::1", string dst = "2001:db8::2")
    {
        var b = new byte[40 + transport.Length];
        b[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(4), (ushort)transport.Length);
        b[6] = nextHeader;
        b[7] = 64;
        System.Net.IPAddress.Parse(src).GetAddressBytes().CopyTo(b, 8);
        System.Net.IPAddress.Parse(dst).GetAddressBytes().CopyTo(b, 24);
        transport.CopyTo(b, 40);
        return b;
    }

    public static byte[] Ethernet(ushort etherType, byte[] payload, params ushort[] vlanTags)
    {
        var b = new List<byte>(new byte[12]);
        foreach (var tag in vlanTags)
        {
            b.AddRange(BigEndian(tag));
            b.AddRange(BigEndian(0x0064)); // VLAN 100
        }
        b.AddRange(BigEndian(etherType));
        b.AddRange(payload);
        return b.ToArray();
    }

    public static byte[] Null(uint family, bool bigEndian, byte[] ip)
    {
        var b = new byte[4 + ip.Length];
        if (bigEndian) BinaryPrimitives.WriteUInt32BigEndian(b, family);
        else BinaryPrimitives.WriteUInt32LittleEndian(b, family);
        ip.CopyTo(b, 4);
        return b;
    }

    public static byte[] Sll(ushort protocol, byte[] payload)
    {
        var b = new byte[16 + payload.Length];
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(2), 772); // ARPHRD_LOOPBACK
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(14), protocol);
        payload.CopyTo(b, 16);
        return b;
    }

    public static byte[] Sll2(ushort protocol, byte[] payload)
    {
        var b = new byte[20 + payload.Length];
        BinaryPrimitives.WriteUInt16BigEndian(b, protocol);
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(8), 772);
        payload.CopyTo(b, 20);
        return b;
    }

    /// <summary>A whole Ethernet/IPv4/TCP frame; payload bytes count up from 0.</summary>
    public static byte[] EthernetTcp(string src, string dst, ushort sport, ushort dport, TcpFlags flags, uint seq, uint ack, int payload = 0)
    {
        var tcp = Tcp(sport, dport, seq, ack, flags, payload: payload);
        for (int i = 0; i < payload; i++) tcp[20 + i] = (byte)i;
        return Ethernet(0x0800, IPv4(6, tcp, src, dst));
    }

    public static byte[] EthernetUdp(string src, string dst, ushort sport, ushort dport, int payload) =>
        Ethernet(0x0800, IPv4(17, Udp(sport, dport, payload), src, dst));

    private static byte[] BigEndian(ushort v) => [(byte)(v >> 8), (byte)v];
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
        var tcp = Packets.Tcp(sport, dport, seq, ack, flags, payload: payload.Length, window: window);
        payload.CopyTo(tcp.AsSpan(tcp.Length - payload.Length));
        return V6 ? Packets.IPv6(6, tcp, src, dst) : Packets.IPv4(6, tcp, src, dst);
    }

    /// <summary>An Ethernet frame holding <see cref="IpTcp"/>.</summary>
    public byte[] EthernetTcp(From from, TcpFlags flags, uint seq, uint ack, ReadOnlySpan<byte> payload = default) =>
        Packets.Ethernet(V6 ? (ushort)0x86DD : (ushort)0x0800, IpTcp(from, flags, seq, ack, payload));

    private (string Src, string Dst, ushort Sport, ushort Dport) Addresses(From from) =>
        from == From.Orig ? (Orig, Resp, OrigPort, RespPort) : (Resp, Orig, RespPort, OrigPort);
}
