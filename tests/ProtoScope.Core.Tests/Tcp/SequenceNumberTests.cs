using ProtoScope.Core.Tcp;

namespace ProtoScope.Core.Tests.Tcp;

/// <summary>Serial-number arithmetic (RFC 1982) across the 2^32 wrap, as gopacket's reassembly.Sequence tests it.</summary>
public class SequenceNumberTests
{
    [Theory]
    [InlineData(1u, 2u, -1)]
    [InlineData(0xFFFF_FFF0u, 0x0000_0010u, -32)] // before, although the raw number is larger
    [InlineData(0x0000_0010u, 0xFFFF_FFF0u, 32)]
    [InlineData(7u, 7u, 0)]
    public void Difference_and_order_are_correct_across_the_wrap(uint a, uint b, int difference)
    {
        SequenceNumber x = new(a), y = new(b);
        Assert.Equal(difference, x - y);
        bool before = x < y, after = x > y, notAfter = x <= y, notBefore = x >= y;
        Assert.Equal((difference < 0, difference > 0, difference <= 0, difference >= 0), (before, after, notAfter, notBefore));
        Assert.Equal(difference == 0, x == y);
        Assert.Equal(Math.Sign(difference), Math.Sign(x.CompareTo(y)));
    }

    [Fact]
    public void Adding_wraps_modulo_2_to_the_32()
    {
        Assert.Equal(new SequenceNumber(0x0000_000F), new SequenceNumber(0xFFFF_FFF0) + 31);
        Assert.Equal(new SequenceNumber(0xFFFF_FFFF), new SequenceNumber(0) - 1);
    }
}
