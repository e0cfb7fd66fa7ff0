using BenchmarkDotNet.Attributes;
using PacketDotNet;
using ProtoScope.Core.Decoding;
using ProtoScope.Core.Filtering;
using ProtoScope.Core.Reassembly;
using ProtoScope.Core.Session;
using ProtoScope.Core.Tcp;

namespace ProtoScope.Bench;

/// <summary>
/// The per-packet hot paths over packets preloaded in memory (the first <see cref="Packets"/> of the mixed capture).
/// Each benchmark handles every preloaded packet once; BenchmarkDotNet reports time and allocation per packet.
/// </summary>
[MemoryDiagnoser]
public class HotPaths
{
    public const int Packets = 200_000;
    private Preloaded _packets = null!;
    private DecodedPacket _decoded;

    private PacketTable _table = null!;
    private DisplayFilter _filter = null!;

    [GlobalSetup]
    public void Setup()
    {
        _packets = Preloaded.Load(Packets);
        _table = new PacketTable(_packets.LinkType);
        var session = new CaptureSession(_packets.LinkType, 1_000_000_000, _table);
        for (int i = 0; i < _packets.Count; i++)
            session.Add(_packets.Headers[i], _packets.Bytes(i));
        DisplayFilter.TryParse("tcp.flags.syn == 1 or (tcp.len > 100 and not tcp.port == 7000)", out var filter, out _);
        _filter = filter!;
    }

    /// <summary>Our span decoder: link, IP and TCP/UDP headers and TCP options into a reused struct.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Packets)]
    public long Decode()
    {
        long sum = 0;
        var p = _packets;
        for (int i = 0; i < p.Count; i++)
        {
            PacketDecoder.Decode(p.Bytes(i), p.LinkType, p.Headers[i].WireLength, ref _decoded);
            sum += _decoded.SrcPort + _decoded.SequenceNumber + _decoded.PayloadLength;
        }
        return sum;
    }

    /// <summary>
    /// PacketDotNet on the same bytes, reading the same fields (ports, sequence and acknowledgment numbers, flags,
    /// window, payload length, addresses): what the hot path used before the span decoder.
    /// </summary>
    [Benchmark(OperationsPerInvoke = Packets)]
    public long DecodePacketDotNet()
    {
        long sum = 0;
        var p = _packets;
        var link = (LinkLayers)p.LinkType;
        for (int i = 0; i < p.Count; i++)
        {
            var packet = Packet.ParsePacket(link, p.Arrays[i]);
            var ip = packet.Extract<IPPacket>();
            if (ip is null) continue;
            sum += ip.SourceAddress.GetHashCode() ^ ip.DestinationAddress.GetHashCode();
            if (packet.Extract<TcpPacket>() is { } tcp)
                sum += tcp.SourcePort + tcp.DestinationPort + tcp.SequenceNumber + tcp.AcknowledgmentNumber + tcp.Flags + tcp.WindowSize + tcp.PayloadDataSegment.Length;
            else if (packet.Extract<UdpPacket>() is { } udp)
                sum += udp.SourcePort + udp.DestinationPort + udp.Length;
        }
        return sum;
    }

    /// <summary>The whole one pass per packet: decode, find the conversation, track TCP states, count.</summary>
    [Benchmark(OperationsPerInvoke = Packets)]
    public long Track()
    {
        var p = _packets;
        var session = new CaptureSession(p.LinkType, 1_000_000_000);
        for (int i = 0; i < p.Count; i++)
            session.Add(p.Headers[i], p.Bytes(i));
        return session.Conversations.Tcp.Count;
    }

    /// <summary>The one pass with reassembly on and a consumer that takes the bytes and does nothing: reassembly's share.</summary>
    [Benchmark(OperationsPerInvoke = Packets)]
    public long TrackReassemble()
    {
        var p = _packets;
        var consumer = new Discard();
        var reassembler = new Reassembler(consumer);
        var session = new CaptureSession(p.LinkType, 1_000_000_000) { Reassembly = reassembler };
        for (int i = 0; i < p.Count; i++)
            session.Add(p.Headers[i], p.Bytes(i));
        reassembler.Finish(session.PacketCount);
        return consumer.Bytes;
    }

    /// <summary>A display filter over the stored packet table, as the UI runs it: per packet scanned.</summary>
    [Benchmark(OperationsPerInvoke = Packets)]
    public long Filter()
    {
        var rows = new RowSet();
        _filter.Scan(_table, 0, _table.Count, rows);
        return rows.Count;
    }

    private sealed class Discard : IStreamConsumerFactory, IStreamConsumer
    {
        public long Bytes;
        public IStreamConsumer? Create(TcpConnection connection, Direction direction) => this;
        public void OnData(ReadOnlySpan<byte> bytes, long offset, long frame) => Bytes += bytes.Length;
        public void OnGap(in StreamGap gap) { }
        public void OnEnd(StreamEnd end, long offset, long frame) { }
    }

    /// <summary>The one pass with reassembly and framing on, as the frames verb runs it; frames counted.</summary>
    [Benchmark(OperationsPerInvoke = Packets)]
    public long TrackReassembleFrame()
    {
        var p = _packets;
        var sink = new Analysis.CountingSink();
        var framer = new ProtoScope.Core.Framing.ConversationFramer(new() { DetectNotFramed = true }, sink);
        var reassembler = new ProtoScope.Core.Reassembly.Reassembler(framer, framer);
        var session = new CaptureSession(p.LinkType, 1_000_000_000) { Reassembly = reassembler };
        for (int i = 0; i < p.Count; i++)
            session.Add(p.Headers[i], p.Bytes(i));
        reassembler.Finish(session.PacketCount);
        return sink.Messages;
    }
}
