using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using ProtoScope.Core.Framing;

namespace ProtoScope.Peers;

public sealed record TcpEchoServerOptions
{
    public IPAddress Bind { get; init; } = IPAddress.Loopback;

    /// <summary>0 picks an ephemeral port; read it from <see cref="TcpEchoServer.LocalEndPoint"/>.</summary>
    public int Port { get; init; } = 9000;

    /// <summary>Frames are read and echoed with this spec; its <see cref="FramingSpec.MaxMessage"/> is the server's max frame.</summary>
    public FramingSpec Framing { get; init; } = FramingSpec.Default;

    /// <summary>Connections beyond this many are accepted and closed at once, with a logged reason.</summary>
    public int MaxClients { get; init; } = 1024;

    /// <summary>On stop, how long each connection waits for the peer's FIN after sending its own.</summary>
    public TimeSpan CloseTimeout { get; init; } = TimeSpan.FromSeconds(2);
}

/// <summary>What a server did over its lifetime; <see cref="ToString"/> is the line a CLI prints on exit.</summary>
public sealed record TcpEchoSummary(long Connections, long Frames, long Bytes, long Dropped, long Resets, long Refused)
{
    public override string ToString() =>
        $"{Connections} connections, {Frames} frames, {Bytes} bytes echoed, {Dropped} dropped, {Resets} reset, {Refused} refused";
}

/// <summary>
/// A TCP server that echoes every length-prefixed frame back on the connection it came from, logging each connect,
/// frame and close as one line. A connection that breaks the framing is closed with the reason logged; the others
/// carry on.
/// </summary>
/// <remarks>
/// Memory per connection is bounded: a connection reads nothing more while its echoes wait to be sent (the flush is
/// awaited), and holds at most one incomplete frame, at most <see cref="FramingSpec.MaxMessage"/> bytes.
/// </remarks>
public sealed class TcpEchoServer : IDisposable
{
    private static readonly StreamPipeReaderOptions ReaderOptions = new(bufferSize: 65536, minimumReadSize: 16384, leaveOpen: true);
    private static readonly StreamPipeWriterOptions WriterOptions = new(minimumBufferSize: 65536, leaveOpen: true);

    private readonly TcpEchoServerOptions _options;
    private readonly PeerLog _log;
    private readonly PeerListener _listener;
    private long _connections, _frames, _bytes, _dropped, _resets;

    private TcpEchoServer(TcpEchoServerOptions options, PeerLog log, PeerListener listener)
    {
        _options = options;
        _log = log;
        _listener = listener;
    }

    /// <summary>The bound address and port (the real port when <see cref="TcpEchoServerOptions.Port"/> was 0).</summary>
    public IPEndPoint LocalEndPoint => _listener.LocalEndPoint;

    public TcpEchoSummary Summary => new(
        Interlocked.Read(ref _connections), Interlocked.Read(ref _frames), Interlocked.Read(ref _bytes),
        Interlocked.Read(ref _dropped), Interlocked.Read(ref _resets), _listener.Refused);

    /// <summary>Binds and listens, so a port in use fails here, before anything runs.</summary>
    /// <param name="log">Receives one line per event; calls are serialised. Null logs nothing.</param>
    /// <exception cref="SocketException">The address cannot be bound (e.g. AddressAlreadyInUse).</exception>
    public static TcpEchoServer Start(TcpEchoServerOptions options, Action<string>? log = null)
    {
        var peerLog = new PeerLog(log);
        return new TcpEchoServer(options, peerLog, PeerListener.Start(options.Bind, options.Port, options.MaxClients, peerLog));
    }

    /// <summary>
    /// Accepts and serves clients until <paramref name="stop"/> fires, then stops accepting, sends FIN on every
    /// connection, waits up to <see cref="TcpEchoServerOptions.CloseTimeout"/> for each peer to close, and returns
    /// the summary. Call once.
    /// </summary>
    public async Task<TcpEchoSummary> RunAsync(CancellationToken stop)
    {
        _log.Write(LocalEndPoint, $"listening (tcp, {_options.Framing}, max-frame {_options.Framing.MaxMessage})");
        await _listener.RunAsync(client => ServeAsync(client, stop), stop);
        TcpEchoSummary summary = Summary;
        _log.Write(LocalEndPoint, $"stopped: {summary}");
        return summary;
    }

    public void Dispose() => _listener.Dispose();

    private async Task ServeAsync(Socket socket, CancellationToken stop)
    {
        EndPoint? peer = socket.RemoteEndPoint;
        Interlocked.Increment(ref _connections);
        _log.Write(peer, "connected");
        try
        {
            // Echo each frame as soon as it is complete instead of letting Nagle hold small echoes back.
            socket.NoDelay = true;
            using var stream = new NetworkStream(socket, ownsSocket: false);
            PipeReader input = PipeReader.Create(stream, ReaderOptions);
            PipeWriter output = PipeWriter.Create(stream, WriterOptions);
            Exception? broken = null;
            try
            {
                Ending ending;
                FramingError error;
                using (stop.Register(() =>
                       {
                           input.CancelPendingRead();
                           output.CancelPendingFlush();
                       }))
                {
                    (ending, error) = await EchoAsync(peer, input, output);
                }
                await CloseAsync(socket, peer, input, output, ending, error);
            }
            catch (Exception e) when (SocketText.ErrorOf(e) is SocketError code)
            {
                broken = e;
                if (code == SocketError.ConnectionReset)
                    Interlocked.Increment(ref _resets);
                _log.Write(peer, SocketText.Describe(code));
            }
            finally
            {
                await input.CompleteAsync();
                // Completing with the failure stops the writer from flushing leftover echoes into a dead socket.
                await output.CompleteAsync(broken);
            }
        }
        catch (Exception e)
        {
            // A bug, not a peer's doing: log it on the connection's line rather than lose it in a discarded task.
            _log.Write(peer, $"error: {e}");
        }
        finally
        {
            socket.Dispose();
        }
    }

    private enum Ending { PeerClosed, Dropped, Stopping, StoppingPeerNotReading }

    private async ValueTask<(Ending, FramingError)> EchoAsync(EndPoint? peer, PipeReader input, PipeWriter output)
    {
        FramingSpec spec = _options.Framing;
        while (true)
        {
            ReadResult result = await input.ReadAsync();
            ReadOnlySequence<byte> buffer = result.Buffer;
            MessageStatus status;
            FramingError error;
            bool echoed = false;
            while ((status = MessageReader.TryReadMessage(ref buffer, spec, out ReadOnlySequence<byte> payload, out error)) == MessageStatus.Message)
            {
                // The writer copies the payload, so the input may release it before the flush completes.
                MessageWriter.Write(output, payload, spec);
                echoed = true;
                Interlocked.Increment(ref _frames);
                Interlocked.Add(ref _bytes, payload.Length);
                if (_log.Enabled)
                    _log.Write(peer, $"frame {payload.Length} bytes");
            }
            FramingError ended = status == MessageStatus.Error ? error
                : result.IsCompleted ? MessageReader.DescribeTruncation(buffer, spec)
                : default;
            input.AdvanceTo(buffer.Start, buffer.End);

            if (echoed)
            {
                // Awaiting the flush is the backpressure: while a peer leaves its echoes unread, its connection reads
                // no further frames, so TCP flow control pushes back on the sender instead of this process buffering.
                FlushResult flush = await output.FlushAsync();
                if (flush.IsCanceled)
                    return (Ending.StoppingPeerNotReading, default);
            }
            if (!ended.IsNone)
                return (Ending.Dropped, ended);
            if (result.IsCompleted)
                return (Ending.PeerClosed, default);
            if (result.IsCanceled)
                return (Ending.Stopping, default);
        }
    }

    private async Task CloseAsync(Socket socket, EndPoint? peer, PipeReader input, PipeWriter output, Ending ending, FramingError error)
    {
        switch (ending)
        {
            case Ending.PeerClosed:
                SocketText.SendFin(socket);
                _log.Write(peer, "closed by peer");
                break;
            case Ending.Dropped:
                // No grace for a framing violation: the stream cannot be resynchronised. If the peer's bytes are still
                // unread in the kernel, Linux turns this close into a RST.
                Interlocked.Increment(ref _dropped);
                SocketText.SendFin(socket);
                _log.Write(peer, $"dropped: {error}");
                break;
            case Ending.Stopping:
                SocketText.SendFin(socket);
                _log.Write(peer, $"closed by server (stopping), {await AwaitPeerFinAsync(input)}");
                break;
            case Ending.StoppingPeerNotReading:
                // Discard the echoes still queued: completing normally would retry writing them, and wait forever.
                await output.CompleteAsync(new OperationCanceledException("server stopping"));
                SocketText.SendFin(socket);
                _log.Write(peer, "closed by server (stopping), peer was not reading its echoes");
                break;
        }
    }

    /// <summary>
    /// After our FIN, reads (and discards) until the peer's FIN. Closing with unread bytes in the receive queue
    /// would make the kernel send RST instead of completing the teardown.
    /// </summary>
    private async Task<string> AwaitPeerFinAsync(PipeReader input)
    {
        using var timeout = new CancellationTokenSource(_options.CloseTimeout);
        try
        {
            while (true)
            {
                ReadResult result = await input.ReadAsync(timeout.Token);
                input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                    return "peer closed";
            }
        }
        catch (OperationCanceledException)
        {
            return $"peer did not close within {_options.CloseTimeout.TotalMilliseconds:0} ms";
        }
    }
}
