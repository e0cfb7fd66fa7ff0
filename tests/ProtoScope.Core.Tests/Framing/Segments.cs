using System.Buffers;

namespace ProtoScope.Core.Tests.Framing;

/// <summary>Builds multi-segment sequences, the shape a PipeReader hands over when data arrive in pieces.</summary>
internal sealed class Segment : ReadOnlySequenceSegment<byte>
{
    private Segment(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    /// <summary>One segment per chunk; empty chunks are kept, since pipes can produce empty segments too.</summary>
    public static ReadOnlySequence<byte> Chain(IEnumerable<byte[]> chunks)
    {
        Segment? first = null, last = null;
        foreach (byte[] chunk in chunks)
        {
            var next = new Segment(chunk, last is null ? 0 : last.RunningIndex + last.Memory.Length);
            if (last is null) first = next;
            else last.Next = next;
            last = next;
        }
        return first is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(first, 0, last!, last!.Memory.Length);
    }

    public static ReadOnlySequence<byte> OneBytePerSegment(byte[] bytes) => Chain(bytes.Select(b => new[] { b }));
}
