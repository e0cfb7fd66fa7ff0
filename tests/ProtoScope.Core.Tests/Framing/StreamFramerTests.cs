using System.Buffers;
using ProtoScope.Core.Framing;
using ProtoScope.Core.Session;
using ProtoScope.Core.Tests.Reassembly;
using Xunit;

namespace ProtoScope.Core.Tests.Framing;

/// <summary>Frames cut from a reassembled client stream (ISN 100) built segment by segment; the expectations come from the bytes the test wrote.</summary>
public class StreamFramerTests
{
    private sealed class Sink : IMessageSink
    {
        public readonly List<(FramedMessage Message, byte[] Payload)> Messages = [];
        public readonly List<FramingFailure> Failures = [];
        public void OnMessage(in FramedMessage message, ReadOnlySpan<byte> payload, string? error) => Messages.Add((message, payload.ToArray()));
        public void OnFailure(in FramingFailure failure) => Failures.Add(failure);
    }

    private static (Wire Wire, Sink Sink) Start(ConversationFramerOptions? options = null)
    {
        var sink = new Sink();
        var framer = new ConversationFramer(options ?? new ConversationFramerOptions { KeepPayloads = true }, sink);
        var wire = new Wire(streams: framer, datagrams: framer);
        wire.Send(From.Orig, Wire.Syn, 100);
        return (wire, sink);
    }

    /// <summary>Sends <paramref name="stream"/> from the client in segments of the given sizes, then a FIN.</summary>
    private static Sink Feed(byte[] stream, IEnumerable<int> cuts, ConversationFramerOptions? options = null, bool finish = true)
    {
        var (wire, sink) = Start(options);
        uint seq = 101;
        int at = 0;
        foreach (int size in cuts)
        {
            wire.Send(From.Orig, Wire.Ack, seq, stream[at..(at + size)]);
            seq += (uint)size;
            at += size;
        }
        if (finish)
        {
            wire.Send(From.Orig, Wire.Fin | Wire.Ack, seq);
            wire.Finish();
        }
        return sink;
    }

    private static byte[] Framed(FramingSpec spec, params byte[][] payloads)
    {
        var writer = new ArrayBufferWriter<byte>();
        foreach (byte[] p in payloads) MessageWriter.Write(writer, p, spec);
        return writer.WrittenSpan.ToArray();
    }

    private static readonly byte[][] Payloads = [[1, 2, 3], [], System.Text.Encoding.UTF8.GetBytes("你好"), Enumerable.Range(0, 40).Select(i => (byte)i).ToArray()];

    [Theory]
    [InlineData("u32le")]
    [InlineData("u16be")]
    [InlineData("u8")]
    [InlineData("u64be")]
    public void Every_two_segment_cut_gives_the_same_frames_with_the_packets_that_carried_them(string specName)
    {
        FramingSpec spec = FramingSpec.Parse(specName);
        byte[] stream = Framed(spec, Payloads);
        var starts = new List<long>();
        long o = 0;
        foreach (byte[] p in Payloads) { starts.Add(o); o += spec.HeaderSize + p.Length; }
        for (int cut = 1; cut < stream.Length; cut++)
        {
            Sink sink = Feed(stream, [cut, stream.Length - cut], new ConversationFramerOptions { Spec = spec, KeepPayloads = true });
            Assert.Empty(sink.Failures);
            Assert.Equal(Payloads.Length, sink.Messages.Count);
            for (int i = 0; i < Payloads.Length; i++)
            {
                var (m, payload) = sink.Messages[i];
                long start = starts[i], end = start + spec.HeaderSize + Payloads[i].Length;
                Assert.Equal(Payloads[i], payload);
                Assert.Equal((i, start, (long)Payloads[i].Length, Direction.Orig), (m.Index, m.Offset, m.Length, m.Direction));
                // Packet 2 carries bytes [0, cut), packet 3 the rest.
                long first = start < cut ? 2 : 3, last = end <= cut ? 2 : 3;
                Assert.Equal((first, last, (int)(last - first + 1)), (m.FirstFrame, m.LastFrame, m.Segments));
                bool shares = (first == 2 ? start > 0 : start > cut) || (last == 2 ? end < cut : end < stream.Length);
                Assert.Equal(shares, m.Sticky);
            }
        }
    }

    [Fact]
    public void One_byte_segments_give_the_same_payloads()
    {
        byte[] stream = Framed(FramingSpec.Default, Payloads);
        Sink sink = Feed(stream, Enumerable.Repeat(1, stream.Length));
        Assert.Equal(Payloads, sink.Messages.Select(m => m.Payload));
        Assert.All(sink.Messages, m => Assert.Equal(4 + m.Message.Length, m.Message.Segments));
    }

    [Fact]
    public void Without_payloads_only_a_preview_is_kept()
    {
        byte[] big = Enumerable.Range(0, 1000).Select(i => (byte)i).ToArray();
        byte[] stream = Framed(FramingSpec.Default, big);
        Sink sink = Feed(stream, [300, 300, 404], new ConversationFramerOptions { PreviewBytes = 16 });
        var (m, payload) = Assert.Single(sink.Messages);
        Assert.Equal(1000, m.Length);
        Assert.Equal(big[..16], payload);
        Assert.True(m.Split);
    }

    [Fact]
    public void A_stream_that_ends_mid_frame_is_an_error_at_the_frame_start()
    {
        byte[] stream = Framed(FramingSpec.Default, [1, 2, 3], [9, 9, 9, 9, 9, 9, 9, 9, 9, 9]);
        Sink sink = Feed(stream, [stream.Length - 8]);
        Assert.Single(sink.Messages);
        var f = Assert.Single(sink.Failures);
        Assert.Equal((7L, "stream ended mid-frame (2 of 10 payload bytes)", false), (f.Offset, f.Reason, f.NotFramed));
    }

    [Fact]
    public void A_length_of_0xFFFFFFFF_is_an_error_at_once_and_nothing_after_it_is_framed()
    {
        byte[] stream = [.. Framed(FramingSpec.Default, [1, 2, 3]), 0xFF, 0xFF, 0xFF, 0xFF, .. Framed(FramingSpec.Default, [4])];
        Sink sink = Feed(stream, [stream.Length]);
        Assert.Single(sink.Messages);
        var f = Assert.Single(sink.Failures);
        Assert.Equal((7L, "length 4294967295 exceeds --max-frame 16777216"), (f.Offset, f.Reason));
    }

    [Fact]
    public void A_three_byte_stream_is_an_error_at_offset_zero()
    {
        Sink sink = Feed([1, 0, 0], [3]);
        Assert.Empty(sink.Messages);
        var f = Assert.Single(sink.Failures);
        Assert.Equal((0L, "stream ended mid-frame (3 of 4 header bytes)"), (f.Offset, f.Reason));
    }

    [Fact]
    public void A_gap_inside_a_frame_stops_framing_that_direction()
    {
        byte[] stream = Framed(FramingSpec.Default, [1, 2, 3], [5, 6, 7, 8, 9, 10]);
        var (wire, sink) = Start();
        wire.Send(From.Orig, Wire.Ack, 101, stream[..9]);
        wire.Send(From.Orig, Wire.Ack, 101 + 12, stream[12..]);
        wire.Send(From.Resp, Wire.Syn | Wire.Ack, 500, ack: 101 + (uint)stream.Length);
        Assert.Single(sink.Messages);
        var f = Assert.Single(sink.Failures);
        Assert.Equal(7, f.Offset);
        Assert.Equal("gap inside a frame: 3 bytes missing (lost in capture) at stream offset 9", f.Reason);
    }

    [Fact]
    public void When_framing_is_a_guess_a_first_frame_that_fails_means_not_framed()
    {
        byte[] http = "GET / HTTP/1.1\r\n\r\n"u8.ToArray();
        Sink sink = Feed(http, [http.Length], new ConversationFramerOptions { DetectNotFramed = true });
        var f = Assert.Single(sink.Failures);
        Assert.True(f.NotFramed);
        Assert.Equal("length 542393671 exceeds --max-frame 16777216", f.Reason);
    }
}
