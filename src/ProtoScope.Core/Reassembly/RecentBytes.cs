namespace ProtoScope.Core.Reassembly;

/// <summary>
/// The last bytes delivered on a direction, kept so a retransmission can be compared with the first copy.
/// A ring that grows on demand up to its capacity, so short streams cost little.
/// </summary>
internal sealed class RecentBytes(int capacity)
{
    private byte[] _ring = [];
    private int _count;

    /// <summary>Stream offset just past the last byte kept.</summary>
    public long End { get; private set; }

    public void Append(ReadOnlySpan<byte> bytes)
    {
        long start = End;
        End += bytes.Length;
        if (capacity == 0 || bytes.IsEmpty) return;
        if (bytes.Length > capacity)
        {
            bytes = bytes[^capacity..];
            start = End - capacity;
            _count = 0;
        }
        if (_ring.Length < capacity && _count + bytes.Length > _ring.Length)
            Grow(Math.Min(capacity, Math.Max(_ring.Length * 2, _count + bytes.Length)), start);
        int at = (int)(start % _ring.Length);
        int first = Math.Min(bytes.Length, _ring.Length - at);
        bytes[..first].CopyTo(_ring.AsSpan(at));
        bytes[first..].CopyTo(_ring);
        _count = Math.Min(_ring.Length, _count + bytes.Length);
    }

    /// <summary>Skips bytes that were not delivered (a gap): nothing before it can be compared any more.</summary>
    public void Skip(long length)
    {
        End += length;
        _count = 0;
    }

    /// <summary>
    /// Compares <paramref name="bytes"/>, which claim to be the stream at <paramref name="offset"/>, with the kept
    /// copy where one is kept. Returns false when any kept byte differs.
    /// </summary>
    public bool Agrees(long offset, ReadOnlySpan<byte> bytes)
    {
        long keptFrom = End - _count;
        long from = Math.Max(offset, keptFrom), to = Math.Min(offset + bytes.Length, End);
        for (long o = from; o < to; o++)
            if (_ring[(int)(o % _ring.Length)] != bytes[(int)(o - offset)])
                return false;
        return true;
    }

    public void Release()
    {
        _ring = [];
        _count = 0;
    }

    private void Grow(int size, long keptEnd)
    {
        var next = new byte[size];
        if (_count > 0)
        {
            // Re-lay the kept bytes at their positions modulo the new size.
            for (long o = keptEnd - _count; o < keptEnd; o++)
                next[(int)(o % size)] = _ring[(int)(o % _ring.Length)];
        }
        _ring = next;
    }
}
