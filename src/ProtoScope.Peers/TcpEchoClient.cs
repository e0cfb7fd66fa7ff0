using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using ProtoScope.Core.Framing;

namespace ProtoScope.Peers;

public sealed record TcpEchoClientOptions : EchoClientOptions
{
    public TcpEchoClientOptions() => Timeout = TimeSpan.FromSeconds(10);

    /// <summary>Write several frames per send (up to 64 KiB) so frames share TCP segments, as a real sender's would.</summary>
    public bool Sticky { get; init; }

    /// <summary>Send FIN right after the last frame and keep reading echoes until the server closes.</summary>
    public bool HalfClose { get; init; }

    /// <summary>After the last echo, close with RST (SO_LINGER 0) instead of FIN.</summary>
    public bool Abort { get; init; }

    /// <summary>Why these options cannot run, or null. The text suits a CLI error line.</summary>
    public string? Validate()
    {
        if (Count < 0)
            return $"count {Count} is negative";
        int largest = Message is null ? Size.Max : System.Text.Encoding.UTF8.GetByteCount(Message);
        if (largest > Framing.LargestPayload)
            return $"size {largest} does not fit {Framing} framing (at most {Framing.LargestPayload} bytes)";
        if (HalfClose && Abort)
            return "half-close and abort are exclusive";
        if (Timeout <= TimeSpan.Zero)
            return "timeout must be positive";
        return null;
    }
}

/// <summary>How a client run went. A CLI exits non-zero unless <see cref="Success"/>.</summary>
public sealed record TcpEchoResult(int FramesSent, long BytesSent, int EchoesOk, int Mismatches, IReadOnlyList<string> Errors, TimeSpan Elapsed)
{
    public bool Success => Errors.Count == 0 && Mismatches == 0 && EchoesOk == FramesSent;

    public override string ToString() =>
        $"{FramesSent} frames sent ({BytesSent} bytes), {EchoesOk} echoes ok, {Mismatches} mismatched, {Errors.Count} errors in {Elapsed.TotalMilliseconds:0} ms";
}

/// <summary>
/// Sends length-prefixed frames to an echo server and checks that every echo is byte-identical to what was sent.
/// Sending and receiving run concurrently: a sticky burst larger than both sockets' buffers would deadlock if the
/// client sent everything before reading.
/// </summary>
public static class TcpEchoClient
{
    private const int StickyBatchBytes = 64 * 1024;
    private static readonly StreamPipeReaderOptions ReaderOptions = new(bufferSize: 65536, minimumReadSize: 16384, leaveOpen: true);

    /// <param name="log">Receives one line per event (connect, each frame and echo, close); calls are serialised.</param>
    /// <exception cref="ArgumentException">The options are invalid; <see cref="TcpEchoClientOptions.Validate"/> says why.</exception>
    public static async Task<TcpEchoResult> RunAsync(TcpEchoClientOptions options, Action<string>? log = null, CancellationToken cancel = default)
    {
        if (options.Validate() is string invalid)
            throw new ArgumentException(invalid, nameof(options));
        var peerLog = new PeerLog(log);
        var clock = Stopwatch.StartNew();
        var errors = new List<string>();

        using var socket = new Socket(options.To.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        // One frame, one segment (unless sticky): Nagle would otherwise merge small frames and hide the difference.
        socket.NoDelay = true;
        try
        {
            await socket.ConnectAsync(options.To, cancel);
        }
        catch (SocketException e)
        {
            errors.Add($"connect to {options.To}: {SocketText.Describe(e)}");
            return new TcpEchoResult(0, 0, 0, 0, errors, clock.Elapsed);
        }
        EndPoint? local = socket.LocalEndPoint;
        peerLog.Write(local, $"connected to {options.To}");

        using var stream = new NetworkStream(socket, ownsSocket: false);
        PipeReader input = PipeReader.Create(stream, ReaderOptions);
        using var stopSending = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        Task<Sent> sending = SendAsync(socket, options, peerLog, local, stopSending.Token);
        Received received = await ReceiveAsync(input, options, peerLog, local, cancel);
        if (received.Error is not null)
            stopSending.Cancel(); // e.g. the server dropped us: stop writing into a dead connection
        Sent sent = await sending;
        if (sent.Error is not null)
            errors.Add(sent.Error);
        if (received.Error is not null)
            errors.Add(received.Error);

        if (errors.Count == 0)
        {
            if (options.Abort)
            {
                SocketText.Abort(socket);
                peerLog.Write(local, "aborted: RST sent");
            }
            else
            {
                if (!options.HalfClose)
                {
                    SocketText.SendFin(socket);
                    peerLog.Write(local, "FIN sent");
                }
                if (await AwaitServerFinAsync(input, options.Timeout, cancel) is string closeError)
                    errors.Add(closeError);
                else
                    peerLog.Write(local, "closed by server");
            }
        }
        await input.CompleteAsync();

        var result = new TcpEchoResult(sent.Frames, sent.Bytes, received.Ok, received.Mismatches, errors, clock.Elapsed);
        peerLog.Write(local, result.ToString());
        return result;
    }

    private readonly record struct Sent(int Frames, long Bytes, string? Error);

    private readonly record struct Received(int Ok, int Mismatches, string? Error);

    private static async Task<Sent> SendAsync(Socket socket, TcpEchoClientOptions options, PeerLog log, EndPoint? local, CancellationToken cancel)
    {
        FramingSpec spec = options.Framing;
        var payloads = new TestPayloads(options.Size, options.Seed, options.Message);
        var batch = new ArrayBufferWriter<byte>();
        int frames = 0, inBatch = 0;
        long bytes = 0;
        try
        {
            for (int i = 0; i < options.Count; i++)
            {
                int size = payloads.NextSize();
                int frameSize = checked((int)MessageWriter.GetFramedSize(size, spec));
                Span<byte> frame = batch.GetSpan(frameSize)[..frameSize];
                MessageWriter.WriteHeader(frame, size, spec);
                payloads.Fill(frame[spec.HeaderSize..], i);
                batch.Advance(frameSize);
                inBatch++;

                bool last = i == options.Count - 1;
                if (options.Sticky && !last && batch.WrittenCount < StickyBatchBytes)
                    continue;
                await socket.SendAsync(batch.WrittenMemory, SocketFlags.None, cancel);
                if (log.Enabled)
                    log.Write(local, inBatch == 1 ? $"sent frame {i}: {size} bytes" : $"sent frames {i - inBatch + 1}-{i} in one write: {batch.WrittenCount} bytes");
                frames += inBatch;
                bytes += batch.WrittenCount;
                batch.ResetWrittenCount();
                inBatch = 0;
                if (options.Interval > TimeSpan.Zero && !last)
                    await Task.Delay(options.Interval, cancel);
            }
            if (options.HalfClose)
            {
                socket.Shutdown(SocketShutdown.Send);
                log.Write(local, "half-close: FIN sent, reading echoes until the server closes");
            }
            return new Sent(frames, bytes, null);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // The receive side gave up (or the caller cancelled) and reports why.
            return new Sent(frames, bytes, null);
        }
        catch (SocketException e)
        {
            return new Sent(frames, bytes, $"send after {frames} frames: {SocketText.Describe(e)}");
        }
    }

    private static async Task<Received> ReceiveAsync(PipeReader input, TcpEchoClientOptions options, PeerLog log, EndPoint? local, CancellationToken cancel)
    {
        FramingSpec spec = options.Framing;
        var payloads = new TestPayloads(options.Size, options.Seed, options.Message);
        byte[] scratch = ArrayPool<byte>.Shared.Rent(Math.Max(payloads.LargestSize, 1));
        int ok = 0, mismatches = 0;
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        try
        {
            while (ok + mismatches < options.Count)
            {
                idle.CancelAfter(options.Timeout);
                ReadResult result = await input.ReadAsync(idle.Token);
                ReadOnlySequence<byte> buffer = result.Buffer;
                MessageStatus status = MessageStatus.Incomplete;
                FramingError error = default;
                while (ok + mismatches < options.Count)
                {
                    status = MessageReader.TryReadMessage(ref buffer, spec, out ReadOnlySequence<byte> payload, out error);
                    if (status != MessageStatus.Message)
                        break;
                    int index = ok + mismatches;
                    int size = payloads.NextSize();
                    if (payloads.Matches(payload, index, size, scratch))
                    {
                        ok++;
                        if (log.Enabled)
                            log.Write(local, $"echo {index}: {size} bytes ok");
                    }
                    else
                    {
                        mismatches++;
                        log.Write(local, $"echo {index}: MISMATCH, got {payload.Length} bytes, sent {size}");
                    }
                }
                if (status == MessageStatus.Error)
                {
                    input.AdvanceTo(buffer.Start, buffer.End);
                    return new Received(ok, mismatches, $"bad echo after {ok + mismatches} frames: {error}");
                }
                FramingError ended = result.IsCompleted ? MessageReader.DescribeTruncation(buffer, spec) : default;
                input.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted && ok + mismatches < options.Count)
                {
                    string how = ended.IsNone ? "" : $" ({ended})";
                    return new Received(ok, mismatches, $"server closed after {ok + mismatches} of {options.Count} echoes{how}");
                }
            }
            return new Received(ok, mismatches, null);
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            return new Received(ok, mismatches, $"no echo within {options.Timeout.TotalMilliseconds:0} ms after {ok + mismatches} of {options.Count}");
        }
        catch (Exception e) when (SocketText.ErrorOf(e) is SocketError code)
        {
            return new Received(ok, mismatches, $"receive after {ok + mismatches} of {options.Count} echoes: {SocketText.Describe(code)}");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    /// <summary>Reads until the server's FIN; any byte after the last expected echo is an error. Reading them all
    /// also keeps our close a FIN: closing with unread bytes would send RST.</summary>
    private static async Task<string?> AwaitServerFinAsync(PipeReader input, TimeSpan timeout, CancellationToken cancel)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        wait.CancelAfter(timeout);
        long extra = 0;
        try
        {
            while (true)
            {
                ReadResult result = await input.ReadAsync(wait.Token);
                extra += result.Buffer.Length;
                input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                    return extra > 0 ? $"{extra} unexpected bytes after the last echo" : null;
            }
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            return $"server did not close within {timeout.TotalMilliseconds:0} ms";
        }
        catch (Exception e) when (SocketText.ErrorOf(e) is SocketError code)
        {
            return $"while closing: {SocketText.Describe(code)}";
        }
    }
}
