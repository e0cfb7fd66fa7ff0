using System.Buffers.Binary;
using ProtoScope.Capture;
using ProtoScope.Core.Decoding;
using ProtoScope.Core.Session;

namespace ProtoScope.Tui;

/// <summary>
/// The start screen's demo: a scripted exchange on 192.0.2.0/24 (RFC 5737 documentation addresses), built byte
/// by byte and replayed with its timing: a TCP connection with a handshake, length-prefixed requests and
/// replies, and a FIN teardown; a refused connection (SYN answered by RST); and a UDP query and answer.
/// </summary>
public sealed class DemoSource : IPacketSource
{
    private readonly List<(long Time, byte[] Frame)> _packets = [];
    private int _next;

    public DemoSource()
    {
        const string client = "192.0.2.10", server = "192.0.2.20";
        long t = 1_700_000_000_000_000_000;
        void Add(byte[] frame, long gapMs) { t += gapMs * 1_000_000; _packets.Add((t, frame)); }
        uint c = 1000, s = 5000;
        Add(Tcp(client, server, 50000, 7000, TcpFlags.Syn, c, 0, []), 0);
        Add(Tcp(server, client, 7000, 50000, TcpFlags.Syn | TcpFlags.Ack, s, c + 1, []), 20);
        Add(Tcp(client, server, 50000, 7000, TcpFlags.Ack, c + 1, s + 1, []), 20);
        c++; s++;
        for (int i = 0; i < 3; i++)
        {
            var request = Framed($"hello {i}");
            Add(Tcp(client, server, 50000, 7000, TcpFlags.Psh | TcpFlags.Ack, c, s, request), 200);
            c += (uint)request.Length;
            Add(Tcp(server, client, 7000, 50000, TcpFlags.Psh | TcpFlags.Ack, s, c, request), 20);
            s += (uint)request.Length;
            Add(Tcp(client, server, 50000, 7000, TcpFlags.Ack, c, s, []), 20);
        }
        Add(Tcp(client, server, 50000, 7000, TcpFlags.Fin | TcpFlags.Ack, c, s, []), 200);
        Add(Tcp(server, client, 7000, 50000, TcpFlags.Fin | TcpFlags.Ack, s, c + 1, []), 20);
        Add(Tcp(client, server, 50000, 7000, TcpFlags.Ack, c + 1, s + 1, []), 20);
        Add(Tcp(client, server, 50001, 7001, TcpFlags.Syn, 9000, 0, []), 300);
        Add(Tcp(server, client, 7001, 50001, TcpFlags.Rst | TcpFlags.Ack, 0, 9001, []), 20);
        Add(Udp(client, server, 50002, 7002, Framed("ping")), 300);
        Add(Udp(server, client, 7002, 50002, Framed("pong")), 20);
    }

    public string Name => "demo";
    public int LinkType => Core.Decoding.LinkType.Ethernet;
    public int TimestampUnit => 1_000_000_000;
    public string? Error => null;

    public ReadStatus Read(out PacketHeader header, out ReadOnlySpan<byte> data)
    {
        if (_next >= _packets.Count)
        {
            header = default;
            data = default;
            return ReadStatus.End;
        }
        var (time, frame) = _packets[_next++];
        header = new PacketHeader(time, frame.Length, frame.Length);
        data = frame;
        return ReadStatus.Packet;
    }

    public void Dispose() { }

    /// <summary>
    /// A message with the 4-byte little-endian length prefix the echo peers write and the UI reads
    /// (<see cref="Core.Framing.FramingSpec.Default"/>), so the Frames view shows the demo's messages.
    /// </summary>
    private static byte[] Framed(string text)
    {
        var body = System.Text.Encoding.ASCII.GetBytes(text);
        var framed = new byte[4 + body.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(framed, (uint)body.Length);
        body.CopyTo(framed, 4);
        return framed;
    }

    private static byte[] Tcp(string src, string dst, ushort sport, ushort dport, TcpFlags flags, uint seq, uint ack, byte[] payload)
    {
        var f = Ip(src, dst, 6, 20, payload);
        var t = f.AsSpan(34);
        BinaryPrimitives.WriteUInt16BigEndian(t, sport);
        BinaryPrimitives.WriteUInt16BigEndian(t[2..], dport);
        BinaryPrimitives.WriteUInt32BigEndian(t[4..], seq);
        BinaryPrimitives.WriteUInt32BigEndian(t[8..], ack);
        t[12] = 5 << 4;
        t[13] = (byte)flags;
        BinaryPrimitives.WriteUInt16BigEndian(t[14..], 64240);
        return f;
    }

    private static byte[] Udp(string src, string dst, ushort sport, ushort dport, byte[] payload)
    {
        var f = Ip(src, dst, 17, 8, payload);
        var u = f.AsSpan(34);
        BinaryPrimitives.WriteUInt16BigEndian(u, sport);
        BinaryPrimitives.WriteUInt16BigEndian(u[2..], dport);
        BinaryPrimitives.WriteUInt16BigEndian(u[4..], (ushort)(8 + payload.Length));
        return f;
    }

    private static byte[] Ip(string src, string dst, byte protocol, int transportHeader, byte[] payload)
    {
        var f = new byte[14 + 20 + transportHeader + payload.Length];
        f[0] = 0x02; f[6] = 0x02; f[11] = 1;
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(12), 0x0800);
        var ip = f.AsSpan(14);
        ip[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)(20 + transportHeader + payload.Length));
        ip[8] = 64;
        ip[9] = protocol;
        System.Net.IPAddress.Parse(src).TryWriteBytes(ip[12..], out _);
        System.Net.IPAddress.Parse(dst).TryWriteBytes(ip[16..], out _);
        payload.CopyTo(f, 14 + 20 + transportHeader);
        return f;
    }
}
