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
    private readonly Stream _stream;
    private readonly ArrayBufferWriter<byte> _buffer = new(FlushThreshold * 2);

    public JsonLines(Stream stream)
    {
        _stream = stream;
        Writer = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = true });
    }

    public Utf8JsonWriter Writer { get; }

    public void EndLine()
    {
        Writer.Flush();
        Writer.Reset(_buffer);
        _buffer.GetSpan(1)[0] = (byte)'\n';
        _buffer.Advance(1);
        if (_buffer.WrittenCount >= FlushThreshold) Drain();
    }

    public void Flush()
    {
        Drain();
        _stream.Flush();
    }

    private void Drain()
    {
        _stream.Write(_buffer.WrittenSpan);
        _buffer.ResetWrittenCount();
    }

    public void Dispose()
    {
        Flush();
        Writer.Dispose();
    }
}
