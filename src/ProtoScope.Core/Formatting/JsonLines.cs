using System.Buffers;
using System.Text.Json;

namespace ProtoScope.Core.Formatting;

/// <summary>
/// Writes JSON Lines to a stream through one reused buffer: each record is written with <see cref="Writer"/>,
/// then <see cref="EndLine"/>. Output reaches the stream in large writes, or at once with <see cref="Flush"/>
/// (live capture flushes after every batch so `| jq` sees packets as they arrive).
/// </summary>
public sealed class JsonLines : IDisposable
{
    private const int FlushThreshold = 1 << 16;
    private readonly Stream? _stream;
    private readonly ArrayBufferWriter<byte> _buffer;

    public JsonLines(Stream stream) : this(new ArrayBufferWriter<byte>(FlushThreshold * 2)) => _stream = stream;

    /// <summary>Lines that stay in <paramref name="buffer"/>, for a caller that writes them out itself.</summary>
    public JsonLines(ArrayBufferWriter<byte> buffer)
    {
        _buffer = buffer;
        Writer = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = true });
    }

    public Utf8JsonWriter Writer { get; }

    public void EndLine()
    {
        Writer.Flush();
        Writer.Reset(_buffer);
        _buffer.GetSpan(1)[0] = (byte)'\n';
        _buffer.Advance(1);
        if (_stream is not null && _buffer.WrittenCount >= FlushThreshold) Drain();
    }

    public void Flush()
    {
        if (_stream is null) return;
        Drain();
        _stream.Flush();
    }

    private void Drain()
    {
        _stream!.Write(_buffer.WrittenSpan);
        _buffer.ResetWrittenCount();
    }

    public void Dispose()
    {
        Flush();
        Writer.Dispose();
    }
}
