using System.Buffers;
using System.Runtime.InteropServices;
using ProtoScope.Core.Framing;
using Xunit;

namespace ProtoScope.Core.Tests.Framing;

public class MessageReaderTests
{
    public static TheoryData<string> Specs => new(FramingSpec.Names);

    // Sizes chosen to cross every prefix width's interesting points while fitting u8.
    private static readonly int[] PayloadSizes = [0, 1, 5, 0, 200, 3];

    private static byte[][] Payloads() =>
        PayloadSizes.Select((size, n) => Enumerable.Range(0, size).Select(i => (byte)(i * 7 + n)).ToArray()).ToArray();

    private static byte[] Encode(FramingSpec spec, IEnumerable<byte[]> payloads)
    {
        var output = new ArrayBufferWriter<byte>();
        foreach (byte[] payload in payloads)
            MessageWriter.Write(output, payload, spec);
        return output.WrittenSpan.ToArray();
    }

    private static List<byte[]> ReadAll(ref ReadOnlySequence<byte> buffer, FramingSpec spec)
    {
        var frames = new List<byte[]>();
        MessageStatus status;
        while ((status = MessageReader.TryReadMessage(ref buffer, spec, out ReadOnlySequence<byte> payload, out FramingError error)) == MessageStatus.Message)
        {
            Assert.True(error.IsNone);
            frames.Add(payload.ToArray());
        }
        Assert.Equal(MessageStatus.Incomplete, status);
        return frames;
    }

    private static FramingSpec Spec(string name, bool includesHeader = false) =>
        FramingSpec.Parse(name) with { LengthIncludesHeader = includesHeader };

    [Theory]
    [MemberData(nameof(Specs))]
    public void Every_spec_round_trips(string name)
    {
        foreach (bool includesHeader in new[] { false, true })
        {
            FramingSpec spec = Spec(name, includesHeader);
            byte[][] payloads = Payloads();
            byte[] wire = Encode(spec, payloads);
            Assert.Equal(payloads.Sum(p => MessageWriter.GetFramedSize(p.Length, spec)), wire.Length);

            var buffer = new ReadOnlySequence<byte>(wire);
            Assert.Equal(payloads, ReadAll(ref buffer, spec));
            Assert.True(buffer.IsEmpty);
        }
    }

    [Theory]
    [MemberData(nameof(Specs))]
    public void Every_prefix_is_incomplete_and_leaves_the_buffer_untouched(string name)
    {
        FramingSpec spec = Spec(name);
        byte[][] payloads = Payloads();
        byte[] wire = Encode(spec, payloads);

        // Frame boundaries: a prefix ending exactly on one yields the frames before it and nothing else.
        var boundaries = new List<long> { 0 };
        foreach (byte[] p in payloads) boundaries.Add(boundaries[^1] + MessageWriter.GetFramedSize(p.Length, spec));

        for (int length = 0; length < wire.Length; length++)
        {
            var buffer = new ReadOnlySequence<byte>(wire, 0, length);
            List<byte[]> frames = ReadAll(ref buffer, spec);
            long consumed = boundaries.Last(b => b <= length);
            Assert.Equal(payloads.Take(boundaries.IndexOf(consumed)), frames);
            Assert.Equal(length - consumed, buffer.Length);

            // At the remainder, a further call reports Incomplete without moving the buffer.
            SequencePosition before = buffer.Start;
            Assert.Equal(MessageStatus.Incomplete, MessageReader.TryReadMessage(ref buffer, spec, out ReadOnlySequence<byte> payload, out _));
            Assert.Equal(before, buffer.Start);
            Assert.True(payload.IsEmpty);
        }
    }

    [Theory]
    [MemberData(nameof(Specs))]
    public void One_byte_per_segment_yields_the_same_frames(string name)
    {
        foreach (bool includesHeader in new[] { false, true })
        {
            FramingSpec spec = Spec(name, includesHeader);
            byte[][] payloads = Payloads();
            ReadOnlySequence<byte> buffer = Segment.OneBytePerSegment(Encode(spec, payloads));
            Assert.False(buffer.IsSingleSegment);
            Assert.Equal(payloads, ReadAll(ref buffer, spec));
            Assert.True(buffer.IsEmpty);
        }
    }

    [Fact]
    public void Zero_byte_frames_are_frames()
    {
        FramingSpec spec = FramingSpec.Default;
        var buffer = new ReadOnlySequence<byte>(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0 });
        Assert.Equal(MessageStatus.Message, MessageReader.TryReadMessage(ref buffer, spec, out ReadOnlySequence<byte> payload, out _));
        Assert.True(payload.IsEmpty);
        Assert.Equal(MessageStatus.Message, MessageReader.TryReadMessage(ref buffer, spec, out payload, out _));
        Assert.True(payload.IsEmpty);
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void Payload_is_a_slice_of_the_input_not_a_copy()
    {
        byte[] wire = Encode(FramingSpec.Default, [[1, 2, 3]]);
        var buffer = new ReadOnlySequence<byte>(wire);
        MessageReader.TryReadMessage(ref buffer, FramingSpec.Default, out ReadOnlySequence<byte> payload, out _);
        Assert.True(MemoryMarshal.TryGetArray(payload.First, out ArraySegment<byte> segment));
        Assert.Same(wire, segment.Array);
        Assert.Equal(4, segment.Offset);
    }

    [Fact]
    public void Length_ffffffff_is_rejected_as_soon_as_the_header_is_read()
    {
        var buffer = new ReadOnlySequence<byte>(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF });
        Assert.Equal(MessageStatus.Error, MessageReader.TryReadMessage(ref buffer, FramingSpec.Default, out _, out FramingError error));
        Assert.Equal(FramingErrorKind.TooLong, error.Kind);
        Assert.Equal(4294967295UL, error.Length);
        Assert.Equal("length 4294967295 exceeds --max-frame 16777216", error.ToString());
        Assert.Equal(4, buffer.Length);
    }

    [Fact]
    public void Max_frame_bounds_the_length_field_inclusively()
    {
        FramingSpec spec = FramingSpec.Parse("u16be") with { MaxMessage = 3 };
        var buffer = new ReadOnlySequence<byte>(new byte[] { 0, 3, 1, 2, 3, 0, 4 });
        Assert.Equal(MessageStatus.Message, MessageReader.TryReadMessage(ref buffer, spec, out _, out _));
        Assert.Equal(MessageStatus.Error, MessageReader.TryReadMessage(ref buffer, spec, out _, out FramingError error));
        Assert.Equal("length 4 exceeds --max-frame 3", error.ToString());
    }

    [Fact]
    public void Length_including_header_is_read_and_a_length_below_the_header_is_rejected()
    {
        FramingSpec spec = Spec("u16be", includesHeader: true);
        var buffer = new ReadOnlySequence<byte>(new byte[] { 0, 4, (byte)'h', (byte)'i', 0, 2, 0, 1 });
        Assert.Equal(MessageStatus.Message, MessageReader.TryReadMessage(ref buffer, spec, out ReadOnlySequence<byte> payload, out _));
        Assert.Equal("hi"u8.ToArray(), payload.ToArray());
        Assert.Equal(MessageStatus.Message, MessageReader.TryReadMessage(ref buffer, spec, out payload, out _));
        Assert.True(payload.IsEmpty);
        Assert.Equal(MessageStatus.Error, MessageReader.TryReadMessage(ref buffer, spec, out _, out FramingError error));
        Assert.Equal(FramingErrorKind.ShorterThanHeader, error.Kind);
        Assert.Equal("length 1 is shorter than the 2-byte header it includes", error.ToString());
    }

    [Theory]
    [InlineData("u64le", new byte[] { 0, 0, 0, 0, 0, 0, 0, 0x80 })]
    [InlineData("u64be", new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF })]
    public void U64_lengths_above_long_max_are_rejected_even_without_a_frame_limit(string name, byte[] header)
    {
        FramingSpec spec = FramingSpec.Parse(name) with { MaxMessage = long.MaxValue };
        var buffer = new ReadOnlySequence<byte>(header);
        Assert.Equal(MessageStatus.Error, MessageReader.TryReadMessage(ref buffer, spec, out _, out FramingError error));
        Assert.Equal(FramingErrorKind.TooLong, error.Kind);
        Assert.True(error.Length > long.MaxValue);
    }

    [Fact]
    public void Truncation_is_described_for_the_header_and_the_payload()
    {
        FramingSpec spec = FramingSpec.Default;
        Assert.True(MessageReader.DescribeTruncation(ReadOnlySequence<byte>.Empty, spec).IsNone);
        Assert.Equal("stream ended mid-frame (3 of 4 header bytes)",
            MessageReader.DescribeTruncation(new ReadOnlySequence<byte>(new byte[] { 9, 0, 0 }), spec).ToString());
        Assert.Equal("stream ended mid-frame (2 of 9 payload bytes)",
            MessageReader.DescribeTruncation(Segment.OneBytePerSegment([9, 0, 0, 0, 1, 2]), spec).ToString());
    }

    [Fact]
    public void A_datagram_must_hold_exactly_one_frame()
    {
        FramingSpec spec = FramingSpec.Parse("u8");
        Assert.True(MessageReader.TryReadDatagram(new byte[] { 2, 7, 8 }, spec, out ReadOnlyMemory<byte> payload, out _));
        Assert.Equal(new byte[] { 7, 8 }, payload.ToArray());
        Assert.True(MessageReader.TryReadDatagram(new byte[] { 0 }, spec, out payload, out _));
        Assert.True(payload.IsEmpty);

        Assert.False(MessageReader.TryReadDatagram(new byte[] { 2, 7 }, spec, out _, out FramingError error));
        Assert.Equal("datagram is 2 bytes but its frame claims 3", error.ToString());
        Assert.False(MessageReader.TryReadDatagram(new byte[] { 1, 7, 8 }, spec, out _, out error));
        Assert.Equal("datagram is 3 bytes but its frame claims 2", error.ToString());
        Assert.False(MessageReader.TryReadDatagram(Array.Empty<byte>(), spec, out _, out error));
        Assert.Equal(FramingErrorKind.DatagramSizeMismatch, error.Kind);
    }
}
