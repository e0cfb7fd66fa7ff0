using System.Buffers;
using System.Text;

namespace ProtoScope.Cli.Tests;

public sealed class ParallelLinesTests
{
    /// <summary>Chunks are formatted on the thread pool, in any order; what reaches the output must be in the items' order.</summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2_048)]
    [InlineData(50_001)]
    public void The_lines_come_out_in_the_order_of_the_items(int items)
    {
        var list = Enumerable.Range(0, items).ToList();
        var output = new MemoryStream();
        ParallelLines.Write(output, list, (chunk, l, first, count) =>
        {
            // Uneven work per chunk, so that later chunks often finish first.
            if (first / 2_048 % 3 == 0) Thread.Sleep(5);
            for (int i = first; i < first + count; i++) chunk.Write(Encoding.ASCII.GetBytes($"{l[i]}:{new string('x', l[i] % 17)}\n").AsSpan());
        });
        var expected = string.Concat(list.Select(i => $"{i}:{new string('x', i % 17)}\n"));
        Assert.Equal(expected, Encoding.ASCII.GetString(output.ToArray()));
    }
}
