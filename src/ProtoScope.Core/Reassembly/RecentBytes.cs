using System.Buffers;

namespace ProtoScope.Core.Reassembly;

/// <summary>
/// The last bytes delivered on a direction, kept so a retransmission can be compared with the first copy.
/// A ring that grows on demand up to its capacity, so short streams cost little; its arrays come from the shared
/// pool and go back at <see cref="Release"/>, so a capture of many short connections reuses the same few. A struct
/// held in its <see cref="HalfStream"/>: one object less per direction.
/// </summary>
internal struct RecentBytes(int capacity)
{
    private byte[] _ring = [];
    /// <summary>Usable length of <see cref="_ring"/>: the pool may hand out a longer array than asked for.</summary>
    private int _size;
    /// <summary>Index of the oldest kept byte.</summary>
    private int _head;
    private int _count;

    /// <summary>Stream offset just past the last byte kept.</summary>
    public long End { get; private set; }

    public void Append(ReadOnlySpan<byte> bytes)
    {
        End += bytes.Length;
        if (capacity == 0 || bytes.IsEmpty) return;
        if (bytes.Length >= capacity)
        {
            bytes = bytes[^capacity..];
            _head = _count = 0;
            if (_size < capacity) Grow(capacity);
            bytes.CopyTo(_ring);
            _count = bytes.Length;
            return;
        }
        int needed = _count + bytes.Length;
        if (needed > _size && _size < capacity)
            Grow(Math.Min(capacity, Math.Max(needed, Math.Max(_size * 2, 256))));
        int overflow = needed - _size;
        if (overflow > 0)
        {
            _head = (_head + overflow) % _size;
            _count -= overflow;
        }
        int tail = (_head + _count) % _size;
        int first = Math.Min(bytes.Length, _size - tail);
        bytes[..first].CopyTo(_ring.AsSpan(tail));
        bytes[first..].CopyTo(_ring);
        _count += bytes.Length;
    }

    /// <summary>Skips bytes that were not delivered (a gap): nothing before it can be compared any more.</summary>
    public void Skip(long length)
    {
        End += length;
        _head = _count = 0;
    }

    /// <summary>
    /// Compares <paramref name="bytes"/>, which claim to be the stream at <paramref name="offset"/>, with the kept
    /// copy where one is kept. Returns false when any kept byte differs.
    /// </summary>
    public bool Agrees(long offset, ReadOnlySpan<byte> bytes)
    {
        long keptFrom = End - _count;
        long from = Math.Max(offset, keptFrom), to = Math.Min(offset + bytes.Length, End);
        if (from >= to) return true;
        ReadOnlySpan<byte> claimed = bytes.Slice((int)(from - offset), (int)(to - from));
        int at = (int)((_head + (from - keptFrom)) % _size);
        int first = Math.Min(claimed.Length, _size - at);
        return claimed[..first].SequenceEqual(_ring.AsSpan(at, first))
            && claimed[first..].SequenceEqual(_ring.AsSpan(0, claimed.Length - first));
    }

    public void Release()
    {
        if (_ring.Length > 0) ArrayPool<byte>.Shared.Return(_ring);
        _ring = [];
        _size = _head = _count = 0;
    }

    /// <summary>Moves the kept bytes, oldest first, to the start of a larger array.</summary>
    private void Grow(int size)
    {
        byte[] next = ArrayPool<byte>.Shared.Rent(size);
        int first = Math.Min(_count, _size - _head);
        if (_count > 0)
        {
            _ring.AsSpan(_head, first).CopyTo(next);
            _ring.AsSpan(0, _count - first).CopyTo(next.AsSpan(first));
        }
        if (_ring.Length > 0) ArrayPool<byte>.Shared.Return(_ring);
        _ring = next;
        _size = Math.Min(next.Length, capacity);
        _head = 0;
    }
}
