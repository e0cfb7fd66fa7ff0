using System.Buffers.Binary;
using System.Net;
using System.Net.NetworkInformation;
using PacketDotNet;
using PacketDotNet.Utils;

namespace ProtoScope.Bench;

/// <summary>
/// Writes a pcap of the benchmark's traffic shape without a network: many short TCP connections (handshake,
/// one length-prefixed request and reply, FIN teardown), some bulk transfers, some refused connections (SYN,
/// RST) and UDP request/reply pairs, interleaved, on 10.0.0.0/8 addresses. Frames are built by PacketDotNet, lengths and
/// checksums computed as a sender would.
/// </summary>
public static class SyntheticCapture
{
    public static void Write(string path, int packets)
    {
        using var file = new BufferedStream(File.Create(path), 1 << 20);
        var header = new byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(header, 0xa1b23c4d); // nanosecond pcap
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(4), 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(6), 4);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(16), 262144);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(20), 1);
        file.Write(header);
        long time = 1_700_000_000_000_000_000;
        int written = 0, conn = 0;
        void Emit(uint src, uint dst, ushort sport, ushort dport, byte proto, byte flags, uint seq, uint ack, int payload)
        {
            var frame = Build(src, dst, sport, dport, proto, flags, seq, ack, payload);
            int n = frame.Length;
            time += 7_000;
            Span<byte> rec = stackalloc byte[16];
            BinaryPrimitives.WriteUInt32LittleEndian(rec, (uint)(time / 1_000_000_000));
            BinaryPrimitives.WriteUInt32LittleEndian(rec[4..], (uint)(time % 1_000_000_000));
            BinaryPrimitives.WriteUInt32LittleEndian(rec[8..], (uint)n);
            BinaryPrimitives.WriteUInt32LittleEndian(rec[12..], (uint)n);
            file.Write(rec);
            file.Write(frame);
            written++;
        }
        const byte Fin = 1, Syn = 2, Rst = 4, Psh = 8, Ack = 16;
        while (written < packets)
        {
            conn++;
            uint client = 0x0A000000u | (uint)(conn % 5000 + 1), server = 0x0A640000u | (uint)(conn % 50 + 1);
            ushort port = (ushort)(20000 + conn % 40000);
            switch (conn % 20)
            {
                case < 14:
                {
                    uint c = (uint)conn * 7919, s = (uint)conn * 104729;
                    int req = 4 + conn % 200, resp = 4 + conn % 400;
                    Emit(client, server, port, 7000, 6, Syn, c, 0, 0);
                    Emit(server, client, 7000, port, 6, Syn | Ack, s, c + 1, 0);
                    Emit(client, server, port, 7000, 6, Ack, c + 1, s + 1, 0);
                    Emit(client, server, port, 7000, 6, Psh | Ack, c + 1, s + 1, req);
                    Emit(server, client, 7000, port, 6, Psh | Ack, s + 1, c + 1 + (uint)req, resp);
                    Emit(client, server, port, 7000, 6, Fin | Ack, c + 1 + (uint)req, s + 1 + (uint)resp, 0);
                    Emit(server, client, 7000, port, 6, Fin | Ack, s + 1 + (uint)resp, c + 2 + (uint)req, 0);
                    Emit(client, server, port, 7000, 6, Ack, c + 2 + (uint)req, s + 2 + (uint)resp, 0);
                    break;
                }
                case < 15:
                {
                    uint c = (uint)conn, s = (uint)conn * 3;
                    Emit(client, server, port, 7001, 6, Syn, c, 0, 0);
                    Emit(server, client, 7001, port, 6, Syn | Ack, s, c + 1, 0);
                    Emit(client, server, port, 7001, 6, Ack, c + 1, s + 1, 0);
                    for (int i = 0; i < 100; i++)
                    {
                        Emit(server, client, 7001, port, 6, Ack, s + 1 + (uint)(i * 1024), c + 1, 1024);
                        if (i % 2 == 1) Emit(client, server, port, 7001, 6, Ack, c + 1, s + 1 + (uint)((i + 1) * 1024), 0);
                    }
                    Emit(server, client, 7001, port, 6, Fin | Ack, s + 102401, c + 1, 0);
                    Emit(client, server, port, 7001, 6, Fin | Ack, c + 1, s + 102402, 0);
                    Emit(server, client, 7001, port, 6, Ack, s + 102402, c + 2, 0);
                    break;
                }
                case < 16:
                    Emit(client, server, port, 7002, 6, Syn, (uint)conn, 0, 0);
                    Emit(server, client, 7002, port, 6, Rst | Ack, 0, (uint)conn + 1, 0);
                    break;
                default:
                    Emit(client, server, port, 7003, 17, 0, 0, 0, 8 + conn % 100);
                    Emit(server, client, 7003, port, 17, 0, 0, 0, 8 + conn % 300);
                    break;
            }
        }
    }

    /// <summary>
    /// A frame of one protocol and payload length, built once by PacketDotNet and parsed back: each packet of that
    /// shape is the same bytes with its addresses, ports and sequence numbers set through the parsed headers.
    /// </summary>
    private sealed record Template(byte[] Frame, IPv4Packet Ip, TransportPacket Transport);

    private static readonly Dictionary<(byte Proto, int Payload), Template> Templates = [];

    private static readonly PhysicalAddress NoMac = new(new byte[6]);

    private static byte[] Build(uint src, uint dst, ushort sport, ushort dport, byte proto, byte flags, uint seq, uint ack, int payload)
    {
        if (!Templates.TryGetValue((proto, payload), out var t)) Templates[(proto, payload)] = t = NewTemplate(proto, payload);
        t.Ip.SourceAddress = Address(src);
        t.Ip.DestinationAddress = Address(dst);
        t.Transport.SourcePort = sport;
        t.Transport.DestinationPort = dport;
        if (t.Transport is TcpPacket tcp)
        {
            tcp.SequenceNumber = seq;
            tcp.AcknowledgmentNumber = ack;
            tcp.Flags = flags;
            tcp.UpdateTcpChecksum();
        }
        else
        {
            ((UdpPacket)t.Transport).UpdateUdpChecksum();
        }
        t.Ip.UpdateIPChecksum();
        return t.Frame;
    }

    private static Template NewTemplate(byte proto, int payload)
    {
        var data = new byte[payload];
        TransportPacket transport;
        if (proto == 6)
        {
            // The application's framing: each message starts with the length of the rest.
            if (payload >= 4) BinaryPrimitives.WriteUInt32BigEndian(data, (uint)(payload - 4));
            transport = new TcpPacket(0, 0) { WindowSize = 65535, PayloadData = data };
        }
        else
        {
            transport = new UdpPacket(0, 0) { PayloadData = data };
        }
        var ip = new IPv4Packet(IPAddress.Any, IPAddress.Any) { PayloadPacket = transport };
        ip.UpdateCalculatedValues();
        var frame = new EthernetPacket(NoMac, NoMac, EthernetType.IPv4) { PayloadPacket = ip }.Bytes;
        var parsed = (IPv4Packet)new EthernetPacket(new ByteArraySegment(frame)).PayloadPacket;
        return new Template(frame, parsed, (TransportPacket)parsed.PayloadPacket);
    }

    private static IPAddress Address(uint address) => new(BinaryPrimitives.ReverseEndianness(address));
}
