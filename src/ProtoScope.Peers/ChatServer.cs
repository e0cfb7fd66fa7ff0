using System.Net;
using System.Net.Sockets;
using System.Text;

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
/// One receive loop per client on .NET's socket async I/O (epoll underneath on Linux, as the course's C server uses
/// directly). Memory per client is bounded by one line. A broadcast awaits each send in turn, so a client that stops
/// reading stalls the room once its socket buffers are full: a classroom server, not a production one.
/// </remarks>
public sealed class ChatServer : IDisposable
{
    private readonly ChatServerOptions _options;
    private readonly PeerLog _log;
    private readonly PeerListener _listener;
    private readonly Lock _gate = new();
    private readonly Dictionary<Socket, SemaphoreSlim> _clients = [];
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

    private async Task ServeAsync(Socket client, CancellationToken stop)
    {
        EndPoint? peer = client.RemoteEndPoint;
        lock (_gate)
            _clients.Add(client, new SemaphoreSlim(1, 1));
        Interlocked.Increment(ref _accepted);
        _log.Write(peer, "joined");
        client.NoDelay = true;
        // One line and its LF at most; a full buffer without an LF is a line too long.
        var buffer = new byte[_options.MaxLine + 1];
        int used = 0;
        string ending = "left";
        try
        {
            while (true)
            {
                int n = await client.ReceiveAsync(buffer.AsMemory(used), stop);
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
                    await BroadcastAsync(client, peer, Encoding.UTF8.GetString(buffer, start, length));
                    start = lf + 1;
                }
                used = end - start;
                Array.Copy(buffer, start, buffer, 0, used);
                if (used == buffer.Length)
                {
                    Interlocked.Increment(ref _dropped);
                    ending = $"dropped: line longer than {_options.MaxLine} bytes";
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            ending = "server stopping";
        }
        catch (Exception e) when (SocketText.ErrorOf(e) is SocketError code)
        {
            ending = SocketText.Describe(code);
        }
        SemaphoreSlim sending;
        lock (_gate)
        {
            sending = _clients[client];
            _clients.Remove(client);
        }
        _log.Write(peer, ending);
        // Taken so that no broadcast is writing to the socket as it closes; a broadcast that took a copy of the room
        // before and waits for it finds the socket disposed. Not disposed itself: a waiter on it would never wake.
        await sending.WaitAsync(CancellationToken.None);
        SocketText.SendFin(client);
        client.Dispose();
        sending.Release();
    }

    private async Task BroadcastAsync(Socket from, EndPoint? peer, string text)
    {
        Interlocked.Increment(ref _lines);
        _log.Write(peer, $"says: {text}");
        byte[] line = Encoding.UTF8.GetBytes($"{peer}: {text}\n");
        List<(Socket, SemaphoreSlim)> others;
        lock (_gate)
            others = [.. _clients.Where(c => c.Key != from).Select(c => (c.Key, c.Value))];
        foreach (var (to, sending) in others)
        {
            await sending.WaitAsync(CancellationToken.None);
            try
            {
                await to.SendAsync(line, SocketFlags.None);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // That client's own receive loop sees the failure and takes it out of the room.
            }
            finally
            {
                sending.Release();
            }
        }
    }
}
