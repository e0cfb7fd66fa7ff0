using System.Buffers;
using ProtoScope.Core.Framing;
using Xunit;

namespace ProtoScope.Core.Tests.Framing;

public class MessageWriterTests
{
    [Theory]
    [InlineData("u32le", false, new byte[] { 2, 0, 0, 0 })]
    [InlineData("u32be", false, new byte[] { 0, 0, 0, 2 })]
    [InlineData("u16le", true, new byte[] { 4, 0 })]
    [InlineData("u16be", false, new byte[] { 0, 2 })]
    [InlineData("u8", true, new byte[] { 3 })]
    [InlineData("u64le", false, new byte[] { 2, 0, 0, 0, 0, 0, 0, 0 })]
    [InlineData("u64be", true, new byte[] { 0, 0, 0, 0, 0, 0, 0, 10 })]
    public void Header_bytes_match_the_spec(string name, bool includesHeader, byte[] header)
    {
        FramingSpec spec = FramingSpec.Parse(name) with { LengthIncludesHeader = includesHeader };
        var output = new ArrayBufferWriter<byte>();
        MessageWriter.Write(output, "hi"u8, spec);
        Assert.Equal([.. header, (byte)'h', (byte)'i'], output.WrittenSpan.ToArray());
        Assert.Equal(header.Length + 2, MessageWriter.GetFramedSize(2, spec));
    }

    [Fact]
    public void Sequence_payload_is_written_like_a_span()
    {
        byte[] payload = Enumerable.Range(0, 10).Select(i => (byte)i).ToArray();
        var fromSpan = new ArrayBufferWriter<byte>();
        var fromSequence = new ArrayBufferWriter<byte>();
        MessageWriter.Write(fromSpan, payload, FramingSpec.Default);
        MessageWriter.Write(fromSequence, Segment.OneBytePerSegment(payload), FramingSpec.Default);
        Assert.Equal(fromSpan.WrittenSpan.ToArray(), fromSequence.WrittenSpan.ToArray());
    }

    [Fact]
    public void A_payload_too_big_for_the_prefix_is_a_caller_bug()
    {
        FramingSpec u8 = FramingSpec.Parse("u8");
        var output = new ArrayBufferWriter<byte>();
        MessageWriter.Write(output, new byte[255], u8);
        Assert.Throws<ArgumentOutOfRangeException>(() => MessageWriter.Write(output, new byte[256], u8));
        Assert.Throws<ArgumentOutOfRangeException>(() => MessageWriter.Write(output, new byte[255], u8 with { LengthIncludesHeader = true }));
    }

    [Fact]
    public void Max_frame_does_not_limit_the_writer()
    {
        // A test client must be able to send a frame the server is configured to refuse.
        var output = new ArrayBufferWriter<byte>();
        MessageWriter.Write(output, new byte[10], FramingSpec.Default with { MaxMessage = 4 });
        Assert.Equal(14, output.WrittenCount);
    }
}
