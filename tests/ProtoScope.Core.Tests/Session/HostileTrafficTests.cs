using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using ProtoScope.Core.Decoding;
using ProtoScope.Core.Formatting;
using ProtoScope.Core.Framing;
using ProtoScope.Core.Session;
using ProtoScope.Core.Tcp;
using ProtoScope.Core.Tests.Tcp;

namespace ProtoScope.Core.Tests.Session;

/// <summary>
/// Traffic built to hurt a passive monitor: a SYN flood, absurd windows and sequence numbers, overlapping segments
/// that disagree, framing lengths that never end. The session must stay correct where it can, bounded where it
/// cannot, and say what it dropped.
/// </summary>
[Collection(MemoryMeasurement.Name)]
public class HostileTrafficTests
{
    private static void Note(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);

    /// <summary>Flood connection i: from 10.x.y.z:port to 192.0.2.1:80, every (i) a different source.</summary>
    private static Connection FloodConnection(int i) => new($"10.0.{i >> 16}.{(i >> 8) & 0xFF}", (ushort)(1024 + (i & 0xFF)), "192.0.2.1", 80);

    /// <summary>The raw IPv4 SYN of <see cref="FloodConnection"/> i.</summary>
    private static byte[] FloodSyn(int i) => FloodConnection(i).IpTcp(From.Orig, TcpFlags.Syn, (uint)i * 7919u, 0, window: 1000);

    private static long Flood(CaptureSession session, int count)
    {
        long untrackedShownRaw = 0;
        for (int i = 0; i < count; i++)
        {
            var bytes = FloodSyn(i);
            session.Add(new PacketHeader(1_700_000_000_000_000_000L + i * 1000L, bytes.Length, bytes.Length), bytes);
            if (session.CurrentAnalysis.Conversation < 0) untrackedShownRaw++;
        }
        return untrackedShownRaw;
    }

    /// <summary>
    /// 100,000 half-open connections: every one is tracked (the default limit is far above), and what they cost is
    /// measured. The bound asserted (2 KB each) is the figure docs/limits-and-safety.md promises.
    /// </summary>
    [Fact]
    public void A_SYN_flood_of_100000_half_open_connections_costs_a_bounded_amount_per_connection()
    {
        const int Syns = 100_000;
        long before = RetainedMemory.Measure();
        var session = new CaptureSession(LinkType.Raw);
        Flood(session, Syns);
        long after = RetainedMemory.Measure();
        GC.KeepAlive(session);

        Assert.Equal(Syns, session.Conversations.Tcp.Count);
        Assert.Equal(0, session.Conversations.UntrackedPackets);
        var last = session.Conversations.Tcp[^1];
        Assert.Equal(OpenKind.Unanswered, last.Open);
        Assert.Equal("S0", last.ConnState);
        long perConnection = (after - before) / Syns;
        Note($"{Syns} half-open connections: {after - before} bytes retained, {perConnection} bytes per connection");
        Assert.InRange(perConnection, 1, 2048);
    }

    /// <summary>Beyond the limit, new connections are not tracked: memory stops growing, and the drop is counted.</summary>
    [Fact]
    public void Beyond_the_conversation_limit_new_flows_are_counted_not_tracked_and_memory_stops_growing()
    {
        const int Limit = 10_000, Syns = 100_000;
        long before = RetainedMemory.Measure();
        var session = new CaptureSession(LinkType.Raw, maxConversations: Limit);
        long shownUntracked = Flood(session, Syns);
        long after = RetainedMemory.Measure();
        GC.KeepAlive(session);

        Assert.Equal(Limit, session.Conversations.Tcp.Count);
        Assert.Equal(Syns - Limit, session.Conversations.UntrackedPackets);
        Assert.Equal(Syns - Limit, shownUntracked);
        Assert.Equal(Syns, session.PacketCount);
        Note($"limit {Limit}, {Syns} SYNs: {after - before} bytes retained, {session.Conversations.UntrackedPackets} packets untracked");
        Assert.True(after - before < Limit * 2048L, $"{after - before} bytes for {Limit} connections");

        // A tracked connection carries on past the limit: its SYN-ACK still finds it.
        var synAck = FloodConnection(0).IpTcp(From.Resp, TcpFlags.Syn | TcpFlags.Ack, 99, 1, window: 1000);
        session.Add(new PacketHeader(1_800_000_000_000_000_000L, synAck.Length, synAck.Length), synAck);
        Assert.Equal(0, session.CurrentAnalysis.Conversation);
        Assert.Equal(PacketRole.HandshakeSynAck, session.CurrentAnalysis.Role);
    }

    [Fact]
    public void An_untracked_packet_is_shown_with_its_raw_numbers()
    {
        var session = new CaptureSession(LinkType.Raw, maxConversations: 1);
        var first = FloodSyn(1);
        var second = FloodSyn(2);
        session.Add(new PacketHeader(0, first.Length, first.Length), first);
        session.Add(new PacketHeader(0, second.Length, second.Length), second);
        Assert.Equal(-1, session.CurrentAnalysis.Conversation);

        var text = new TcpdumpFormat().Format(new PacketHeader(0, second.Length, second.Length), session.Current, session.CurrentAnalysis, second).ToString();
        Assert.Contains($"seq {2u * 7919u},", text);
        var json = Json(w => PacketJson.Write(w, new PacketHeader(0, second.Length, second.Length), session.Current, session.CurrentAnalysis, second));
        Assert.Equal(2u * 7919u, json.GetProperty("tcp").GetProperty("seq").GetUInt32());
        Assert.Equal(-1, json.GetProperty("tcp").GetProperty("stream").GetInt32());
    }

    private static JsonElement Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer)) write(w);
        return JsonDocument.Parse(buffer.WrittenMemory).RootElement.Clone();
    }

    private const uint C = 1000, S = 5000;

    private static readonly Segment[] Handshake =
    [
        new('C', "S", C, 0),
        new('S', "S.", S, C + 1),
        new('C', ".", C + 1, S + 1),
    ];

    /// <summary>
    /// A window of 65535 scaled by 2^14 (RFC 7323's largest shift) claims a gigabyte of buffer; a monitor must not
    /// size anything by it. The session reads it as a number and nothing more.
    /// </summary>
    [Fact]
    public void A_huge_window_is_a_number_not_an_allocation()
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var session = SegmentScript.Run([
            new('C', "S", C, 0, Window: 65535), new('S', "S.", S, C + 1, Window: 65535), new('C', ".", C + 1, S + 1, Window: 65535),
            new('C', "P.", C + 1, S + 1, 100, Window: 65535), new('S', ".", S + 1, C + 101, Window: 65535),
        ]);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(TcpState.Established, session.Conversations.Tcp[0].Originator.State);
        Assert.True(allocated < 64 * 1024, $"{allocated} bytes allocated for five segments");
    }

    /// <summary>
    /// A segment 1 GiB ahead of the expected sequence number (far beyond any window) and one 2^31 + 1 ahead (which RFC
    /// 1982 arithmetic reads as behind): both stay in the same stream and are shown with relative numbers that wrap
    /// modulo 2^32, as Wireshark's do; the one behind is a retransmission; the connection still closes normally.
    /// </summary>
    [Fact]
    public void Sequence_numbers_far_outside_the_window_stay_in_the_stream_and_wrap()
    {
        var roles = new List<PacketRole>();
        var seqs = new List<uint>();
        var session = SegmentScript.Run([
            .. Handshake,
            new('C', "P.", C + 1 + 0x8000_0001, S + 1, 10),
            new('C', "P.", C + 1, S + 1, 10),
            new('C', "P.", C + 1 + 0x4000_0000, S + 1, 10),
            new('C', "F.", C + 1 + 0x4000_000A, S + 1),
            new('S', "F.", S + 1, C + 1 + 0x4000_000B),
            new('C', ".", C + 1 + 0x4000_000B, S + 2),
        ], (_, s) => { roles.Add(s.CurrentAnalysis.Role); seqs.Add(s.CurrentAnalysis.RelativeSeq); });

        var conn = Assert.Single(session.Conversations.Tcp);
        Assert.Equal(9, conn.Orig.Packets + conn.Resp.Packets);
        Assert.Equal(unchecked(1u + 0x8000_0001), seqs[3]);
        Assert.Equal(1u + 0x4000_0000, seqs[5]);
        Assert.Equal(PacketRole.Retransmission, roles[3]);
        Assert.Equal(PacketRole.Data, roles[4]);
        Assert.Equal(PacketRole.Data, roles[5]);
        Assert.Equal(PacketRole.TeardownFin, roles[6]);
        Assert.Equal(TcpState.TimeWait, conn.Originator.State);
        Assert.Equal(TcpState.Closed, conn.Responder.State);
    }

    /// <summary>
    /// Two segments for the same sequence range with different bytes (an injection or an evasion attempt): the
    /// second is a retransmission of that range, whatever its bytes; the tracker keeps no payload, so memory does
    /// not depend on them. Which bytes a reassembler delivers is the reassembly's rule (branch reasm).
    /// </summary>
    [Fact]
    public void Overlapping_segments_with_conflicting_data_are_retransmissions_of_that_range()
    {
        var first = SegmentScript.Build(new Segment('C', "P.", C + 1, S + 1, 20));
        var second = SegmentScript.Build(new Segment('C', "P.", C + 11, S + 1, 20));
        "AAAAAAAAAAAAAAAAAAAA"u8.CopyTo(first.AsSpan(40));
        "BBBBBBBBBBBBBBBBBBBB"u8.CopyTo(second.AsSpan(40));
        var conflicting = first.ToArray();
        "CCCCCCCCCCCCCCCCCCCC"u8.CopyTo(conflicting.AsSpan(40));
        var session = SegmentScript.Run(Handshake);
        var roles = new List<PacketRole>();
        foreach (var bytes in new[] { first, conflicting, second })
        {
            session.Add(new PacketHeader(1_700_000_000_100_000_000L, bytes.Length, bytes.Length), bytes);
            roles.Add(session.CurrentAnalysis.Role);
        }
        // The same range again with other bytes: a retransmission. Half new, half overlapping: new data.
        Assert.Equal([PacketRole.Data, PacketRole.Retransmission, PacketRole.Data], roles);
        Assert.Single(session.Conversations.Tcp);
    }

    /// <summary>
    /// The longest length of every prefix width, as the first bytes of a stream: rejected as soon as the prefix is
    /// there (before any payload is awaited), so a reader never holds more than the prefix for it.
    /// </summary>
    [Fact]
    public void The_largest_length_of_every_prefix_is_rejected_with_only_the_prefix_read()
    {
        foreach (string name in FramingSpec.Names)
        {
            var spec = FramingSpec.Parse(name) with { MaxMessage = 200 };
            var header = Enumerable.Repeat((byte)0xFF, spec.HeaderSize).ToArray();
            var buffer = new ReadOnlySequence<byte>(header);
            Assert.Equal(MessageStatus.Error, MessageReader.TryReadMessage(ref buffer, spec, out _, out var error));
            Assert.Equal(FramingErrorKind.TooLong, error.Kind);
            Assert.Equal(header.Length, buffer.Length);
        }
    }

    /// <summary>
    /// A stream that never ends: 200,000 frames through a pipe, read as they come, as a reader of a reassembled
    /// stream will. The reader's memory is the pipe's window, not the stream: bytes buffered never exceed the
    /// pipe's pause threshold plus one frame.
    /// </summary>
    [Fact]
    public async Task A_frame_stream_that_never_ends_is_read_in_bounded_memory()
    {
        const int Frames = 200_000, PayloadSize = 100;
        const long Pause = 64 * 1024;
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: Pause, resumeWriterThreshold: Pause / 2, useSynchronizationContext: false));
        var spec = FramingSpec.Default;
        var cancel = TestContext.Current.CancellationToken;

        var writing = Task.Run(async () =>
        {
            var payload = new byte[PayloadSize];
            for (int i = 0; i < Frames; i++)
            {
                BinaryPrimitives.WriteInt32LittleEndian(payload, i);
                MessageWriter.Write(pipe.Writer, new ReadOnlySequence<byte>(payload), spec);
                if (i % 64 == 63) await pipe.Writer.FlushAsync(cancel);
            }
            await pipe.Writer.CompleteAsync();
        }, cancel);

        long frames = 0, largestBuffered = 0;
        while (true)
        {
            var result = await pipe.Reader.ReadAsync(cancel);
            var buffer = result.Buffer;
            largestBuffered = Math.Max(largestBuffered, buffer.Length);
            while (MessageReader.TryReadMessage(ref buffer, spec, out var payload, out _) == MessageStatus.Message)
            {
                Assert.Equal(frames, BinaryPrimitives.ReadInt32LittleEndian(payload.FirstSpan));
                frames++;
            }
            pipe.Reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted) break;
        }
        await writing;
        Note($"{frames} frames ({frames * (PayloadSize + 4)} bytes) read; at most {largestBuffered} bytes buffered");
        Assert.Equal(Frames, frames);
        Assert.True(largestBuffered <= Pause + 64 * (PayloadSize + 4) + 4096, $"{largestBuffered} bytes buffered");
    }

    /// <summary>
    /// A frame whose length is the largest allowed but whose bytes never stop trickling in: the reader reports
    /// Incomplete until exactly MaxMessage payload bytes are there, so what a caller buffers is capped by MaxMessage.
    /// </summary>
    [Fact]
    public void A_frame_that_never_completes_is_capped_by_max_frame()
    {
        var spec = FramingSpec.Default with { MaxMessage = 4096 };
        var stream = new byte[4 + 4096];
        BinaryPrimitives.WriteUInt32LittleEndian(stream, 4096);
        for (int have = 0; have < stream.Length; have += 97)
        {
            var buffer = new ReadOnlySequence<byte>(stream, 0, have);
            Assert.Equal(MessageStatus.Incomplete, MessageReader.TryReadMessage(ref buffer, spec, out _, out _));
        }
        var whole = new ReadOnlySequence<byte>(stream);
        Assert.Equal(MessageStatus.Message, MessageReader.TryReadMessage(ref whole, spec, out var payload, out _));
        Assert.Equal(4096, payload.Length);

        BinaryPrimitives.WriteUInt32LittleEndian(stream, 4097);
        var over = new ReadOnlySequence<byte>(stream, 0, 4);
        Assert.Equal(MessageStatus.Error, MessageReader.TryReadMessage(ref over, spec, out _, out _));
    }

    /// <summary>A payload full of escape sequences shows in no output: read text and JSON, conns and the ladder print numbers and names only.</summary>
    [Fact]
    public void Escape_sequences_in_payloads_never_reach_any_text_output()
    {
        var hostile = Encoding.UTF8.GetBytes("\u001b]0;pwned\u0007\u001b[2J\u009b31m\u202e").Concat(new byte[] { 0x9b, 0x00, 0x7f }).ToArray();
        var data = SegmentScript.Build(new Segment('C', "P.", C + 1, S + 1, hostile.Length));
        hostile.CopyTo(data, 40);
        var packets = Handshake.Select(h => SegmentScript.Build(h)).Append(data).ToList();
        var outputs = new List<string>();
        var tcpdump = new TcpdumpFormat();
        var steps = new List<LadderStep>();
        var session = new CaptureSession(LinkType.Raw);
        foreach (var bytes in packets)
        {
            var header = new PacketHeader(1_700_000_000_000_000_000L, bytes.Length, bytes.Length);
            session.Add(header, bytes);
            ref readonly var p = ref session.Current;
            ref readonly var a = ref session.CurrentAnalysis;
            outputs.Add(tcpdump.Format(header, p, a, bytes).ToString());
            var (packet, analysis) = (p, a);
            outputs.Add(Json(w => PacketJson.Write(w, header, packet, analysis, bytes)).GetRawText());
            steps.Add(new LadderStep(a.Frame, p.Src, p.SrcPort, p.Flags, a.RelativeSeq, a.RelativeAck, a.HasRelativeAck,
                p.PayloadLength, a.Role, a.SenderState, a.ReceiverState));
        }
        var conn = session.Conversations.Tcp[0];
        outputs.Add(ConnectionTableFormat.Line(conn));
        outputs.Add(LadderFormat.Render(conn, steps, expand: true, colour: false));
        Assert.Equal(hostile.Length, session.Current.PayloadLength);

        foreach (var text in outputs)
            foreach (char c in text)
                Assert.True(c == '\n' || (c >= 0x20 && c != 0x7F && !(c >= 0x80 && c <= 0x9F) && c != '\u202e'), $"U+{(int)c:X4} in: {text}");
    }
}

/// <summary>
/// Tests that measure the process's retained memory run alone: another test allocating at the same time would
/// count against their bound.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasurement
{
    public const string Name = "memory measurement";
}
