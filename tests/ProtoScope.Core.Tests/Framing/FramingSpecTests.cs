using ProtoScope.Core.Framing;
using Xunit;

namespace ProtoScope.Core.Tests.Framing;

public class FramingSpecTests
{
    [Theory]
    [InlineData("u32le", 4, ByteOrder.LittleEndian)]
    [InlineData("u32be", 4, ByteOrder.BigEndian)]
    [InlineData("u16le", 2, ByteOrder.LittleEndian)]
    [InlineData("u16be", 2, ByteOrder.BigEndian)]
    [InlineData("u8", 1, ByteOrder.BigEndian)]
    [InlineData("u64le", 8, ByteOrder.LittleEndian)]
    [InlineData("U64BE", 8, ByteOrder.BigEndian)]
    public void Parses_every_spec(string text, int headerSize, ByteOrder order)
    {
        Assert.True(FramingSpec.TryParse(text, out FramingSpec? spec, out string error));
        Assert.Equal("", error);
        Assert.Equal(headerSize, spec.HeaderSize);
        Assert.Equal(order, spec.ByteOrder);
        Assert.Equal(text.ToLowerInvariant(), spec.ToString());
        Assert.False(spec.LengthIncludesHeader);
        Assert.Equal(16777216, spec.MaxMessage);
    }

    [Fact]
    public void Default_is_u32le()
    {
        Assert.Equal("u32le", FramingSpec.Default.Name);
        Assert.Equal(7, FramingSpec.Names.Count);
        Assert.Equal("u32le", FramingSpec.Names[0]);
    }

    [Fact]
    public void Unknown_spec_error_lists_the_valid_ones()
    {
        Assert.False(FramingSpec.TryParse("u24le", out FramingSpec? spec, out string error));
        Assert.Null(spec);
        Assert.Equal("unknown framing 'u24le'; valid: u32le, u32be, u16le, u16be, u8, u64le, u64be", error);
        Assert.Throws<FormatException>(() => FramingSpec.Parse(""));
    }

    [Fact]
    public void Largest_payload_accounts_for_an_included_header()
    {
        FramingSpec u8 = FramingSpec.Parse("u8");
        Assert.Equal(255, u8.LargestPayload);
        Assert.Equal(254, (u8 with { LengthIncludesHeader = true }).LargestPayload);
        Assert.Equal(long.MaxValue, FramingSpec.Parse("u64le").LargestPayload);
        Assert.Throws<ArgumentOutOfRangeException>(() => FramingSpec.Default with { MaxMessage = -1 });
    }
}
