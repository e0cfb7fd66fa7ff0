using ProtoScope.Core.Reassembly;

namespace ProtoScope.Core.Tests.Reassembly;

/// <summary>The retransmission ring against the plainest model of it: the whole stream so far, and which of its bytes are still comparable.</summary>
public class RecentBytesTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(100)]
    [InlineData(300)]
    [InlineData(64 * 1024)]
    public void Agrees_exactly_where_the_last_capacity_bytes_since_the_last_gap_match(int capacity)
    {
        var random = new Random(capacity + 7);
        var ring = new RecentBytes(capacity);
        var stream = new List<byte>();
        long comparableFrom = 0;
        for (int step = 0; step < 3000; step++)
        {
            int kind = random.Next(20);
            if (kind == 0)
            {
                int gap = random.Next(1, 50);
                ring.Skip(gap);
                for (int i = 0; i < gap; i++) stream.Add(0);
                comparableFrom = stream.Count;
            }
            else if (kind < 10)
            {
                var bytes = new byte[random.Next(0, random.Next(2) == 0 ? 40 : 2 * capacity + 2)];
                random.NextBytes(bytes);
                ring.Append(bytes);
                stream.AddRange(bytes);
            }
            else if (stream.Count > 0)
            {
                int start = random.Next(stream.Count);
                int length = random.Next(1, Math.Min(stream.Count - start, 3 * capacity + 3) + 1);
                byte[] claim = stream.GetRange(start, length).ToArray();
                int flip = random.Next(length);
                bool corrupt = random.Next(2) == 0;
                if (corrupt) claim[flip] ^= 0x5a;
                long keptFrom = Math.Max(comparableFrom, stream.Count - capacity);
                bool flipIsKept = start + flip >= keptFrom;
                Assert.Equal(!(corrupt && flipIsKept), ring.Agrees(start, claim));
            }
            Assert.Equal(stream.Count, ring.End);
            if (step % 500 == 0) ring.Release();
            if (step % 500 == 0) comparableFrom = stream.Count;
        }
    }
}
