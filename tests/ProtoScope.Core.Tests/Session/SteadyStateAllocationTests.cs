using System.Buffers.Binary;
using ProtoScope.Core.Decoding;
using ProtoScope.Core.Framing;
using ProtoScope.Core.Reassembly;
using ProtoScope.Core.Session;
using ProtoScope.Core.Tests.Tcp;

namespace ProtoScope.Core.Tests.Session;

/// <summary>
/// The per-packet path of an established conversation allocates nothing: decode into the session's reused struct,
/// find the conversation through the table's index, track, count. Only a new conversation may allocate (its objects).
/// gopacket's reassembly tests pin the same property for its ordered path.
/// </summary>
public class SteadyStateAllocationTests
{
    private const int Warmup = 2_000, Measured = 20_000;

    [Fact]
    public void Established_tcp_connection_allocates_nothing_per_packet()
    {
        // Handshake, then data both ways with their ACKs: each round is C data, S ack, S data, C ack.
        var segments = new List<Segment> { new('C', "S", 1000, 0), new('S', "S.", 5000, 1001), new('C', ".", 1001, 5001) };
        uint c = 1001, s = 5001;
        for (int i = 0; i < (Warmup + Measured) / 4; i++)
        {
            segments.Add(new('C', "P.", c, s, 100));
            c += 100;
            segments.Add(new('S', ".", s, c));
            segments.Add(new('S', "P.", s, c, 60));
            s += 60;
            segments.Add(new('C', ".", c, s));
        }
        var packets = segments.Select(seg => SegmentScript.Build(seg)).ToArray();

        AssertAddingAllocatesNothing(packets, LinkType.Raw, skip: 3 + Warmup);
    }

    [Fact]
    public void Established_udp_conversation_allocates_nothing_per_packet()
    {
        var request = Packets.IPv4(17, Packets.Udp(40000, 53, 40));
        var reply = Packets.IPv4(17, Packets.Udp(53, 40000, 120), src: "10.0.0.2", dst: "10.0.0.1");
        var packets = Enumerable.Range(0, Warmup + Measured).Select(i => i % 2 == 0 ? request : reply).ToArray();

        AssertAddingAllocatesNothing(packets, LinkType.Raw, skip: Warmup);
    }

    /// <summary>
    /// With reassembly and length-prefix framing on, the same holds: segments that carry several frames, frames that
    /// span segments (their preview kept in a pooled buffer) and length prefixes split across segments cost nothing.
    /// </summary>
    [Fact]
    public void Reassembling_and_framing_an_established_connection_allocates_nothing_per_packet()
    {
        byte[] clientStream = FramedStream(seed: 1), serverStream = FramedStream(seed: 2);
        var segments = new List<(Segment Segment, byte[] Payload)>
        {
            (new('C', "S", 1000, 0), []), (new('S', "S.", 5000, 1001), []), (new('C', ".", 1001, 5001), []),
        };
        int c = 0, s = 0;
        const int clientMss = 100, serverMss = 77;
        while (segments.Count < 3 + Warmup + Measured)
        {
            segments.Add((new('C', "P.", 1001 + (uint)c, 5001 + (uint)s, clientMss), clientStream[c..(c + clientMss)]));
            c += clientMss;
            segments.Add((new('S', ".", 5001 + (uint)s, 1001 + (uint)c), []));
            segments.Add((new('S', "P.", 5001 + (uint)s, 1001 + (uint)c, serverMss), serverStream[s..(s + serverMss)]));
            s += serverMss;
            segments.Add((new('C', ".", 1001 + (uint)c, 5001 + (uint)s), []));
        }
        var packets = segments.Select(x =>
        {
            byte[] packet = SegmentScript.Build(x.Segment);
            x.Payload.CopyTo(packet, 40);
            return packet;
        }).ToArray();
        var sink = new CountingSink();
        var framer = new ConversationFramer(new ConversationFramerOptions(), sink);

        AssertAddingAllocatesNothing(packets, LinkType.Raw, skip: 3 + Warmup, new Reassembler(framer, framer));
        Assert.Equal(0, sink.Failures);
        Assert.True(sink.Spanning > 1000 && sink.Sticky > 1000, $"{sink.Spanning} frames spanning segments, {sink.Sticky} sharing one");
    }

    /// <summary>Frames of 0 to 299 payload bytes, enough for every segment of the test.</summary>
    private static byte[] FramedStream(int seed)
    {
        var random = new Random(seed);
        var stream = new List<byte>();
        while (stream.Count < (Warmup + Measured) / 4 * 100 + 1000)
        {
            var frame = new byte[4 + random.Next(300)];
            BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)(frame.Length - 4));
            random.NextBytes(frame.AsSpan(4));
            stream.AddRange(frame);
        }
        return [.. stream];
    }

    private sealed class CountingSink : IMessageSink
    {
        public long Spanning, Sticky, Failures;

        public void OnMessage(in FramedMessage message, ReadOnlySpan<byte> payload, string? error)
        {
            if (message.Segments > 1) Spanning++;
            if (message.Sticky) Sticky++;
        }

        public void OnFailure(in FramingFailure failure) => Failures++;
    }

    /// <summary>
    /// Adds every packet to one session; after the first <paramref name="skip"/>, counts the bytes this thread allocates
    /// in each of four equal windows and asserts that one of them is zero. An allocation per packet, or per hundred packets, shows in
    /// every window. A GC that another test's thread starts while this one runs can charge this thread one allocation
    /// quantum (about 8 KB) once, as CI saw; that shows in one window only.
    /// </summary>
    private static void AssertAddingAllocatesNothing(byte[][] packets, int linkType, int skip, Reassembler? reassembly = null)
    {
        const int windows = 4;
        var session = new CaptureSession(linkType, 1_000_000_000) { Reassembly = reassembly };
        var headers = packets.Select((p, i) => new PacketHeader(1_700_000_000_000_000_000L + i * 1_000L, p.Length, p.Length)).ToArray();
        for (int i = 0; i < skip; i++)
            session.Add(headers[i], packets[i]);
        int size = (packets.Length - skip) / windows;
        var allocated = new long[windows];
        for (int w = 0; w < windows; w++)
        {
            int end = w == windows - 1 ? packets.Length : skip + (w + 1) * size;
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = skip + w * size; i < end; i++)
                session.Add(headers[i], packets[i]);
            allocated[w] = GC.GetAllocatedBytesForCurrentThread() - before;
        }
        Assert.Equal(packets.Length, session.PacketCount);
        Assert.True(allocated.Min() == 0, $"bytes allocated per window of {size} packets: {string.Join(", ", allocated)}");
    }
}
