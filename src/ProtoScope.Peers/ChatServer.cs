using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace ProtoScope.Peers;

public sealed record ChatServerOptions
{
    public IPAddress Bind { get; init; } = IPAddress.Loopback;

    /// <summary>0 picks an ephemeral port; read it from <see cref="ChatServer.LocalEndPoint"/>.</summary>
    public int Port { get; init; } = 9000;

    /// <summary>The longest line a client may send, without its LF. A longer one drops that client.</summary>
    public int MaxLine { get; init; } = 1024;

    /// <summary>Connections beyond this many are accepted and closed at once, with a logged reason.</summary>
    public int MaxClients { get; init; } = 64;

    /// <summary>
    /// Bytes of lines that may wait for one client beyond what its socket buffers hold. Past it, a broadcast waits for
    /// that client to read (the sender is slowed down, not the line lost), for at most <see cref="StalledAfter"/>.
    /// </summary>
    public int MaxQueued { get; init; } = 256 * 1024;

    /// <summary>How long a client may leave <see cref="MaxQueued"/> bytes unread before it is dropped as not reading.</summary>
    public TimeSpan StalledAfter { get; init; } = TimeSpan.FromSeconds(5);
}

public sealed record ChatSummary(long Clients, long Lines, long Dropped)
{
    public override string ToString() => $"{Clients} clients, {Lines} lines broadcast, {Dropped} dropped";
}

/// <summary>
/// The course's chat room: one server, many clients, newline-delimited text. Each line a client sends goes to every
/// other client as <c>HOST:PORT: text</c> LF. A client that sends a line longer than
/// <see cref="ChatServerOptions.MaxLine"/> is dropped with the reason logged; the others keep talking.
/// </summary>
/// <remarks>
/// One receive loop and one send loop per client on .NET's socket async I/O (epoll underneath on Linux, as the
/// course's C server uses directly). A broadcast queues the line for each other client, as a non-blocking server keeps
/// an output buffer per client. When a client's queue is full, the broadcast waits for it, which slows the sender
/// down through TCP; a client that reads nothing for <see cref="ChatServerOptions.StalledAfter"/> is dropped with the
/// reason logged, so it holds up the room once, briefly. Memory per client is bounded by one line in and that queue out.
/// </remarks>
public sealed class ChatServer : IDisposable
{
    private readonly ChatServerOptions _options;
    private readonly PeerLog _log;
    private readonly PeerListener _listener;
    private readonly Lock _gate = new();
    private readonly List<Member> _clients = [];
    private long _accepted, _lines, _dropped;

    private ChatServer(ChatServerOptions options, PeerLog log, PeerListener listener)
    {
        _options = options;
        _log = log;
        _listener = listener;
    }

    public IPEndPoint LocalEndPoint => _listener.LocalEndPoint;

    /// <summary>Clients in the room now: accepted, and not yet gone. A broadcast reaches exactly these.</summary>
    public int Members
    {
        get
        {
            lock (_gate)
                return _clients.Count;
        }
    }

    public ChatSummary Summary => new(Interlocked.Read(ref _accepted), Interlocked.Read(ref _lines), Interlocked.Read(ref _dropped));

    /// <summary>Binds and listens, so a port in use fails here.</summary>
    /// <exception cref="SocketException">The address cannot be bound.</exception>
    public static ChatServer Start(ChatServerOptions options, Action<string>? log = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxLine, 1);
        var peerLog = new PeerLog(log);
        return new ChatServer(options, peerLog, PeerListener.Start(options.Bind, options.Port, options.MaxClients, peerLog));
    }

    /// <summary>Serves until <paramref name="stop"/> fires, then closes every client with FIN. Call once.</summary>
    public async Task<ChatSummary> RunAsync(CancellationToken stop)
    {
        _log.Write(LocalEndPoint, $"chat server listening (lines of at most {_options.MaxLine} bytes)");
        await _listener.RunAsync(client => ServeAsync(client, stop), stop);
        ChatSummary summary = Summary;
        _log.Write(LocalEndPoint, $"stopped: {summary}");
        return summary;
    }

    public void Dispose() => _listener.Dispose();

    /// <summary>One client in the room: its socket, the lines waiting for it and why it was dropped, if it was.</summary>
    private sealed class Member(Socket socket, CancellationToken stop) : IDisposable
    {
        public Socket Socket { get; } = socket;
        public Channel<byte[]> Outbox { get; } = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
        /// <summary>Bytes in <see cref="Outbox"/>.</summary>
        public long Queued;
        /// <summary>Cancelled when the server stops or drops this client.</summary>
        public CancellationTokenSource Leave { get; } = CancellationTokenSource.CreateLinkedTokenSource(stop);
        public string? DropReason;

        public void Drop(string reason)
        {
            if (Interlocked.CompareExchange(ref DropReason, reason, null) is not null) return;
            try
            {
                Leave.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // A broadcast that took the room before this client left: it is gone already.
            }
        }

        public void Dispose() => Leave.Dispose();
    }

    private async Task ServeAsync(Socket client, CancellationToken stop)
    {
        EndPoint? peer = client.RemoteEndPoint;
        using var member = new Member(client, stop);
        lock (_gate)
            _clients.Add(member);
        Interlocked.Increment(ref _accepted);
        _log.Write(peer, "joined");
        client.NoDelay = true;
        Task sending = SendLoopAsync(member);
        // One line and its LF at most; a full buffer without an LF is a line too long.
        var buffer = new byte[_options.MaxLine + 1];
        int used = 0;
        string ending = "left";
        try
        {
            while (true)
            {
                int n = await client.ReceiveAsync(buffer.AsMemory(used), member.Leave.Token);
                if (n == 0)
                    break;
                int start = 0;
                int end = used + n;
                int lf;
                while ((lf = Array.IndexOf(buffer, (byte)'\n', start, end - start)) >= 0)
                {
                    int length = lf - start;
                    if (length > 0 && buffer[lf - 1] == '\r')
                        length--;
                    await BroadcastAsync(member, peer, Encoding.UTF8.GetString(buffer, start, length), member.Leave.Token);
                    start = lf + 1;
                }
                used = end - start;
                Array.Copy(buffer, start, buffer, 0, used);
                if (used == buffer.Length)
                {
                    member.Drop($"line longer than {_options.MaxLine} bytes");
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            ending = member.DropReason is null ? "server stopping" : "";
        }
        catch (Exception e) when (SocketText.ErrorOf(e) is SocketError code)
        {
            ending = SocketText.Describe(code);
        }
        if (member.DropReason is { } reason)
        {
            Interlocked.Increment(ref _dropped);
            ending = $"dropped: {reason}";
        }
        lock (_gate)
            _clients.Remove(member);
        _log.Write(peer, ending);
        // What was queued for a client that left goes out before the FIN; a dropped one gets nothing more.
        member.Outbox.Writer.TryComplete();
        await sending;
        SocketText.SendFin(client);
        client.Dispose();
    }

    /// <summary>
    /// Sends what is queued for <paramref name="member"/>, in order, until it leaves or the queue is done: all that is
    /// waiting in one write, up to 64 KiB, as a server writes out a client's output buffer, so that sending keeps up
    /// with lines that arrive one by one.
    /// </summary>
    private static async Task SendLoopAsync(Member member)
    {
        var reader = member.Outbox.Reader;
        var batch = new byte[64 * 1024];
        try
        {
            while (await reader.WaitToReadAsync(member.Leave.Token))
            {
                while (reader.TryPeek(out byte[]? first))
                {
                    int used = 0;
                    ReadOnlyMemory<byte> write;
                    if (first.Length > batch.Length)
                    {
                        reader.TryRead(out _);
                        write = first;
                        used = first.Length;
                    }
                    else
                    {
                        while (reader.TryPeek(out byte[]? line) && used + line.Length <= batch.Length && reader.TryRead(out _))
                        {
                            line.CopyTo(batch, used);
                            used += line.Length;
                        }
                        write = batch.AsMemory(0, used);
                    }
                    await member.Socket.SendAsync(write, SocketFlags.None, member.Leave.Token);
                    Interlocked.Add(ref member.Queued, -used);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException || SocketText.ErrorOf(e) is not null)
        {
            // Stopped, dropped, or the socket failed: the receive loop sees the same and says why.
        }
    }

    private async Task BroadcastAsync(Member from, EndPoint? peer, string text, CancellationToken stop)
    {
        Interlocked.Increment(ref _lines);
        _log.Write(peer, $"says: {text}");
        byte[] line = Encoding.UTF8.GetBytes($"{peer}: {text}\n");
        List<Member> others;
        lock (_gate)
            others = [.. _clients.Where(c => c != from)];
        foreach (var to in others)
        {
            if (Interlocked.Read(ref to.Queued) > _options.MaxQueued)
                await WaitForReaderAsync(to, stop);
            if (to.DropReason is not null)
                continue;
            Interlocked.Add(ref to.Queued, line.Length);
            to.Outbox.Writer.TryWrite(line);
        }
    }

    /// <summary>Waits until <paramref name="to"/> has read its queue down to the bound; drops it when it reads nothing for that long.</summary>
    private async Task WaitForReaderAsync(Member to, CancellationToken stop)
    {
        long waiting = Interlocked.Read(ref to.Queued);
        long deadline = Environment.TickCount64 + (long)_options.StalledAfter.TotalMilliseconds;
        while (to.DropReason is null && Interlocked.Read(ref to.Queued) > _options.MaxQueued)
        {
            long now = Environment.TickCount64;
            long queued = Interlocked.Read(ref to.Queued);
            if (queued < waiting)
            {
                // It is reading: give it the whole time again.
                waiting = queued;
                deadline = now + (long)_options.StalledAfter.TotalMilliseconds;
            }
            else if (now >= deadline)
            {
                to.Drop($"not reading ({queued} bytes waiting for it for {_options.StalledAfter.TotalSeconds:0.#} s)");
                return;
            }
            await Task.Delay(10, stop);
        }
    }
}
