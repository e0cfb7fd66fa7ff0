using System.Buffers;
using System.Collections.Concurrent;

namespace ProtoScope.Cli;

/// <summary>
/// Writes one or more lines per item, formatted a chunk of items at a time on the thread pool and written in the
/// items' order. A verb that reports after the last packet (<c>conns</c>) spends about a fifth of its time
/// formatting, when the other cores have nothing left to do.
/// </summary>
internal static class ParallelLines
{
    private const int ChunkItems = 2_048;

    /// <summary>
    /// Calls <paramref name="format"/> for each chunk (the items from a start index, a count of them) with a buffer
    /// of its own, and copies the buffers to <paramref name="output"/> in order. At most two chunks per core are
    /// formatted ahead of the one being written, so memory stays bounded however many items there are; the buffers
    /// are used again for later chunks.
    /// </summary>
    public static void Write<T>(Stream output, IReadOnlyList<T> items, Action<ArrayBufferWriter<byte>, IReadOnlyList<T>, int, int> format)
    {
        var buffers = new ConcurrentBag<ArrayBufferWriter<byte>>();
        var pending = new Queue<Task<ArrayBufferWriter<byte>>>();
        for (int start = 0; start < items.Count; start += ChunkItems)
        {
            int first = start, count = Math.Min(ChunkItems, items.Count - start);
            pending.Enqueue(Task.Run(() =>
            {
                if (!buffers.TryTake(out var chunk)) chunk = new ArrayBufferWriter<byte>(1 << 20);
                format(chunk, items, first, count);
                return chunk;
            }));
            if (pending.Count > 2 * Environment.ProcessorCount) WriteOldest(output, pending, buffers);
        }
        while (pending.Count > 0) WriteOldest(output, pending, buffers);
    }

    private static void WriteOldest(Stream output, Queue<Task<ArrayBufferWriter<byte>>> pending, ConcurrentBag<ArrayBufferWriter<byte>> buffers)
    {
        var chunk = pending.Dequeue().GetAwaiter().GetResult();
        output.Write(chunk.WrittenSpan);
        chunk.ResetWrittenCount();
        buffers.Add(chunk);
    }
}
