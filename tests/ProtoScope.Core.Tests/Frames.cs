using System.Buffers.Binary;
using ProtoScope.Core.Decoding;

namespace ProtoScope.Core.Tests;

/// <summary>Builds Ethernet/IPv4 frames byte by byte, so tests know exactly what they fed in.</summary>
public static class Frames
{
    public static byte[] Tcp(string src, string dst, ushort sport, ushort dport, TcpFlags flags, uint seq, uint ack, int payload = 0)
    {
        var f = new byte[14 + 20 + 20 + payload];
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(12), 0x0800);
        Ip(f.AsSpan(14), src, dst, 6, 20 + 20 + payload);
        var t = f.AsSpan(34);
        BinaryPrimitives.WriteUInt16BigEndian(t, sport);
        BinaryPrimitives.WriteUInt16BigEndian(t[2..], dport);
        BinaryPrimitives.WriteUInt32BigEndian(t[4..], seq);
        BinaryPrimitives.WriteUInt32BigEndian(t[8..], ack);
        t[12] = 5 << 4;
        t[13] = (byte)flags;
        BinaryPrimitives.WriteUInt16BigEndian(t[14..], 65535);
        for (int i = 0; i < payload; i++) f[54 + i] = (byte)i;
        return f;
    }

    public static byte[] Udp(string src, string dst, ushort sport, ushort dport, int payload)
    {
        var f = new byte[14 + 20 + 8 + payload];
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(12), 0x0800);
        Ip(f.AsSpan(14), src, dst, 17, 20 + 8 + payload);
        var u = f.AsSpan(34);
        BinaryPrimitives.WriteUInt16BigEndian(u, sport);
        BinaryPrimitives.WriteUInt16BigEndian(u[2..], dport);
        BinaryPrimitives.WriteUInt16BigEndian(u[4..], (ushort)(8 + payload));
        return f;
    }

    private static void Ip(Span<byte> ip, string src, string dst, byte protocol, int length)
    {
        ip[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)length);
        ip[8] = 64;
        ip[9] = protocol;
        System.Net.IPAddress.Parse(src).TryWriteBytes(ip[12..], out _);
        System.Net.IPAddress.Parse(dst).TryWriteBytes(ip[16..], out _);
    }
}
