using System.Net;
using System.Net.Sockets;
using System.Runtime.ExceptionServices;

namespace ProtoScope.Peers;

/// <summary>
/// The listening socket of a TCP peer server and its accept loop, shared by the echo, HTTP, chat and file servers:
/// bind and listen, accept until stopped, admit at most <c>maxClients</c> connections at once, hand each admitted one
/// to the server's own per-connection work, and on stop close the listening socket and wait for that work to end.
/// What a server says on a connection, and what it logs about it, stays in the server; this logs only the accept
/// failures and the refusals, one line each.
/// </summary>
/// <remarks>
/// A connection counts against <c>maxClients</c> from its accept until its per-connection task has ended, that is
/// until the server has closed its socket. <see cref="RunAsync"/> calls the per-connection work on the accept loop,
/// one connection at a time, and lets the returned tasks run concurrently.
/// </remarks>
internal sealed class PeerListener : IDisposable
{
    private readonly Socket _socket;
    private readonly int _maxClients;
    private readonly PeerLog _log;
    private readonly Lock _gate = new();
    private int _active;
    private TaskCompletionSource? _allClosed;
    private ExceptionDispatchInfo? _fault;
    private long _refused;

    private PeerListener(Socket socket, int maxClients, PeerLog log)
    {
        _socket = socket;
        _maxClients = maxClients;
        _log = log;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
    }

    /// <summary>The bound address and port (the real port when 0 was asked for).</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Connections accepted and closed at once because <c>maxClients</c> were being served.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Binds and listens, so a port in use fails here, before anything runs.</summary>
    /// <exception cref="SocketException">The address cannot be bound (e.g. AddressAlreadyInUse).</exception>
    public static PeerListener Start(IPAddress bind, int port, int maxClients, PeerLog log)
    {
        var socket = new Socket(bind.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // The server closes first when it stops, leaving its ends in TIME-WAIT: a restart must still bind.
            ReuseAddress.Set(socket, true);
            socket.Bind(new IPEndPoint(bind, port));
            socket.Listen();
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new PeerListener(socket, maxClients, log);
    }

    /// <summary>
    /// Accepts until <paramref name="stop"/> fires and runs <paramref name="serve"/> for each admitted connection
    /// (which then owns the socket); then closes the listening socket and returns once every connection's task has
    /// ended. Call once.
    /// </summary>
    /// <exception cref="Exception">The first failure a connection's task let escape, rethrown after all have ended.</exception>
    public async Task RunAsync(Func<Socket, Task> serve, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _socket.AcceptAsync(stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (SocketException e)
            {
                // e.g. out of file descriptors: keep serving the connections we have, and retry calmly.
                _log.Write(LocalEndPoint, $"accept failed: {SocketText.Describe(e)}");
                await Task.Delay(TimeSpan.FromMilliseconds(100), CancellationToken.None);
                continue;
            }
            if (!TryAdmit())
            {
                Interlocked.Increment(ref _refused);
                _log.Write(client.RemoteEndPoint, $"refused: max-clients {_maxClients} reached");
                client.Dispose();
                continue;
            }
            _ = ServeAsync(client, serve);
        }
        _socket.Close();
        await WaitForConnectionsAsync();
        _fault?.Throw();
    }

    public void Dispose() => _socket.Dispose();

    private async Task ServeAsync(Socket client, Func<Socket, Task> serve)
    {
        try
        {
            await serve(client);
        }
        catch (Exception e)
        {
            // A server's bug, not a peer's doing: kept for RunAsync to rethrow instead of lost in a discarded task.
            lock (_gate)
                _fault ??= ExceptionDispatchInfo.Capture(e);
        }
        finally
        {
            Leave();
        }
    }

    private bool TryAdmit()
    {
        lock (_gate)
        {
            if (_active >= _maxClients)
                return false;
            _active++;
            return true;
        }
    }

    private void Leave()
    {
        lock (_gate)
        {
            if (--_active == 0)
                _allClosed?.TrySetResult();
        }
    }

    private Task WaitForConnectionsAsync()
    {
        lock (_gate)
        {
            if (_active == 0)
                return Task.CompletedTask;
            _allClosed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _allClosed.Task;
        }
    }
}
