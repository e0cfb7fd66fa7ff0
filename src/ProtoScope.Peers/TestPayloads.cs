using System.Buffers;
using System.Text;

namespace ProtoScope.Peers;

/// <summary>
/// The payloads a client sends, reproducible from the options alone: the receiving side regenerates each expected
/// echo instead of keeping every sent payload, so 200 clients x 100 frames of 64 KB need no gigabyte of memory.
/// </summary>
/// <remarks>
/// Each payload's bytes depend on the seed and the frame index, so an echo of the wrong frame (reordered,
/// duplicated) is a mismatch even when the sizes agree. With a message, every payload is the message's UTF-8.
/// </remarks>
internal sealed class TestPayloads
{
    private readonly SizeRange _size;
    private readonly int _seed;
    private readonly byte[]? _message;
    private readonly Random _sizes;

    public TestPayloads(SizeRange size, int seed, string? message)
    {
        _size = size;
        _seed = seed;
        _message = message is null ? null : Encoding.UTF8.GetBytes(message);
        _sizes = new Random(seed);
    }

    public int LargestSize => _message?.Length ?? _size.Max;

    /// <summary>The size of the next payload; call once per frame, in frame order.</summary>
    public int NextSize() => _message?.Length ?? _size.Next(_sizes);

    public void Fill(Span<byte> destination, int index)
    {
        if (_message is not null)
        {
            _message.CopyTo(destination);
            return;
        }
        // xorshift32 seeded from (seed, index): cheap enough to regenerate every echo on the receive side.
        uint state = unchecked((uint)_seed * 0x9E3779B1u ^ (uint)index * 0x85EBCA6Bu) | 1;
        for (int i = 0; i < destination.Length; i++)
        {
            if ((i & 3) == 0)
            {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
            }
            destination[i] = (byte)(state >> (8 * (i & 3)));
        }
    }

    /// <summary>True when <paramref name="actual"/> is exactly the payload of frame <paramref name="index"/> with the given size.</summary>
    public bool Matches(in ReadOnlySequence<byte> actual, int index, int size, Span<byte> scratch)
    {
        if (actual.Length != size)
            return false;
        Span<byte> expected = scratch[..size];
        Fill(expected, index);
        foreach (ReadOnlyMemory<byte> segment in actual)
        {
            if (!segment.Span.SequenceEqual(expected[..segment.Length]))
                return false;
            expected = expected[segment.Length..];
        }
        return true;
    }
}
