using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using ProtoScope.Core.Framing;

namespace ProtoScope.Peers;

/// <summary>
/// Length-prefixed messages over one connected socket, both ways: what the file peers speak. Reads are bounded by
/// the spec's <see cref="FramingSpec.MaxMessage"/>: a longer length is refused as soon as its prefix arrives.
/// </summary>
internal sealed class FrameConnection(Socket socket, FramingSpec spec) : IAsyncDisposable
{
    /// <summary>Messages up to this size go out in one write with their prefix; longer ones in two.</summary>
    private const int OneWrite = 4096;

    private readonly NetworkStream _stream = new(socket, ownsSocket: false);
    private PipeReader? _input;

    private PipeReader Input => _input ??= PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 65536, leaveOpen: true));

    /// <summary>The next message's payload (a copy), or null when the peer closed between messages.</summary>
    /// <exception cref="InvalidDataException">A bad length, or the peer closed in the middle of a message.</exception>
    public async Task<byte[]?> ReadAsync(CancellationToken cancel)
    {
        while (true)
        {
            ReadResult result = await Input.ReadAsync(cancel);
            var buffer = result.Buffer;
            switch (MessageReader.TryReadMessage(ref buffer, spec, out var payload, out var error))
            {
                case MessageStatus.Message:
                    byte[] bytes = payload.ToArray();
                    Input.AdvanceTo(buffer.Start);
                    return bytes;
                case MessageStatus.Error:
                    Input.AdvanceTo(result.Buffer.Start);
                    throw new InvalidDataException(error.ToString());
            }
            if (result.IsCompleted)
            {
                Input.AdvanceTo(buffer.End);
                if (buffer.IsEmpty)
                    return null;
                throw new InvalidDataException(MessageReader.DescribeTruncation(buffer, spec).ToString());
            }
            Input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    public async Task WriteAsync(ReadOnlyMemory<byte> payload, CancellationToken cancel)
    {
        var header = new byte[spec.HeaderSize];
        MessageWriter.WriteHeader(header, payload.Length, spec);
        if (payload.Length > OneWrite)
        {
            await socket.SendAsync(header, SocketFlags.None, cancel);
            await socket.SendAsync(payload, SocketFlags.None, cancel);
            return;
        }
        byte[] message = [.. header, .. payload.Span];
        await socket.SendAsync(message, SocketFlags.None, cancel);
    }

    public async ValueTask DisposeAsync()
    {
        if (_input is not null)
            await _input.CompleteAsync();
        await _stream.DisposeAsync();
    }
}
