namespace ProtoScope.Core.Filtering;

/// <summary>
/// The rows of a <see cref="Session.PacketTable"/> that passed a filter, in row order, in chunks of 64K indexes.
/// Same threading as the table: one writer (the filter scan) appends and publishes <see cref="Count"/> with a
/// release write; readers read <see cref="Count"/> once and then any index below it.
/// </summary>
public sealed class RowSet
{
    private const int Bits = 16;
    private const int Size = 1 << Bits;
    private int[][] _chunks = new int[4][];
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public int this[int index] => Volatile.Read(ref _chunks)[index >> Bits][index & (Size - 1)];

    public void AddRange(ReadOnlySpan<int> rows)
    {
        int n = _count;
        while (rows.Length > 0)
        {
            int c = n >> Bits, i = n & (Size - 1);
            if (c == _chunks.Length)
            {
                var grown = new int[_chunks.Length * 2][];
                Array.Copy(_chunks, grown, _chunks.Length);
                Volatile.Write(ref _chunks, grown);
            }
            var chunk = _chunks[c] ??= new int[Size];
            int take = Math.Min(rows.Length, Size - i);
            rows[..take].CopyTo(chunk.AsSpan(i));
            rows = rows[take..];
            n += take;
        }
        Volatile.Write(ref _count, n);
    }

    /// <summary>The position of <paramref name="row"/> in the set, or of the first row after it (binary search).</summary>
    public int IndexOf(int row)
    {
        int lo = 0, hi = Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (this[mid] < row) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}
