using ProtoScope.Peers;
using Xunit;

namespace ProtoScope.Peers.Tests;

public class SizeRangeTests
{
    [Theory]
    [InlineData("512", 512, 512)]
    [InlineData("0-65536", 0, 65536)]
    [InlineData(" 7-7 ", 7, 7)]
    public void Parses_a_size_or_a_range(string text, int min, int max)
    {
        Assert.True(SizeRange.TryParse(text, out SizeRange range, out string? error), error);
        Assert.Equal(new SizeRange(min, max), range);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-5")]
    [InlineData("10-2")]
    [InlineData("1--2")]
    [InlineData("1k")]
    public void Rejects_anything_else(string text)
    {
        Assert.False(SizeRange.TryParse(text, out _, out string? error));
        Assert.Equal($"bad size '{text}': expected N or MIN-MAX bytes, e.g. 512 or 0-65536", error);
    }

    [Fact]
    public void Draws_sizes_within_the_range_reproducibly()
    {
        var range = new SizeRange(3, 5);
        int[] first = Enumerable.Range(0, 100).Select(_ => 0).ToArray();
        var a = new Random(42);
        var b = new Random(42);
        int[] fromA = first.Select(_ => range.Next(a)).ToArray();
        int[] fromB = first.Select(_ => range.Next(b)).ToArray();
        Assert.Equal(fromA, fromB);
        Assert.All(fromA, n => Assert.InRange(n, 3, 5));
        Assert.Equal([3, 4, 5], fromA.Distinct().Order());
    }
}
