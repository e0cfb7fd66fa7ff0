using System.Net;
using System.Net.Sockets;
using System.Text;
using ProtoScope.Core.Framing;
using ProtoScope.Core.Reassembly;
using ProtoScope.Core.Session;

namespace ProtoScope.Peers;

public sealed record HttpServerOptions
{
    public IPAddress Bind { get; init; } = IPAddress.Loopback;

    /// <summary>0 picks an ephemeral port; read it from <see cref="HttpServer.LocalEndPoint"/>.</summary>
    public int Port { get; init; } = 8080;

    /// <summary>Connections beyond this many are accepted and closed at once, with a logged reason.</summary>
    public int MaxClients { get; init; } = 1024;

    /// <summary>The largest request body accepted; a longer one drops the client (its head is bounded by <see cref="FramingSpec.MaxHttpHead"/>).</summary>
    public long MaxBody { get; init; } = 1024 * 1024;
}

/// <summary>What a server did over its lifetime; <see cref="ToString"/> is the line a CLI prints on exit.</summary>
public sealed record HttpServerSummary(long Connections, long Requests, long Dropped, long Refused)
{
    public override string ToString() => $"{Connections} connections, {Requests} requests, {Dropped} dropped, {Refused} refused";
}

/// <summary>
/// A small HTTP/1.1 server on plain sockets, for demos and tests: it keeps each connection alive for as many requests
/// as the client sends (pipelined or not), answers each in order, and closes when the client does. Its resources:
/// <list type="bullet">
/// <item><c>GET /</c> or <c>/hello</c>: a short text with a Content-Length;</item>
/// <item><c>GET /chunked</c>: a text in three chunks (Transfer-Encoding: chunked), each sent on its own;</item>
/// <item><c>POST</c> anything: how many body bytes arrived, with a Content-Length;</item>
/// <item><c>HEAD</c> of those: the head alone; anything else: 404.</item>
/// </list>
/// </summary>
/// <remarks>
/// Requests are read by the inspector's own HTTP framing (<see cref="ConversationFramer.ForStream"/>), so the server
/// and <c>frames --framing http</c> agree on where a request ends. Memory per connection is bounded: one 16 KiB
/// receive buffer, a request head of at most <see cref="FramingSpec.MaxHttpHead"/>, a body of at most
/// <see cref="HttpServerOptions.MaxBody"/>; nothing more is read while answers are being sent. A malformed request,
/// a body over the limit or a close in the middle of a request drops that client (400 Bad Request when it can still
/// be told), with the reason logged; the other clients are served on.
/// </remarks>
public sealed class HttpServer : IDisposable
{
    private readonly HttpServerOptions _options;
    private readonly PeerLog _log;
    private readonly PeerListener _listener;
    private long _connections, _requests, _dropped;

    private HttpServer(HttpServerOptions options, PeerLog log, PeerListener listener)
    {
        _options = options;
        _log = log;
        _listener = listener;
    }

    public IPEndPoint LocalEndPoint => _listener.LocalEndPoint;

    public HttpServerSummary Summary => new(Interlocked.Read(ref _connections), Interlocked.Read(ref _requests),
        Interlocked.Read(ref _dropped), _listener.Refused);

    /// <summary>Binds and listens, so a port in use fails here, before anything runs.</summary>
    /// <exception cref="SocketException">The address cannot be bound (e.g. AddressAlreadyInUse).</exception>
    public static HttpServer Start(HttpServerOptions options, Action<string>? log = null)
    {
        var peerLog = new PeerLog(log);
        return new HttpServer(options, peerLog, PeerListener.Start(options.Bind, options.Port, options.MaxClients, peerLog));
    }

    /// <summary>Accepts and serves clients until <paramref name="stop"/> fires, then closes every connection (FIN) and returns the summary. Call once.</summary>
    public async Task<HttpServerSummary> RunAsync(CancellationToken stop)
    {
        _log.Write(LocalEndPoint, $"listening (http, max body {_options.MaxBody})");
        await _listener.RunAsync(client => ServeAsync(client, stop), stop);
        HttpServerSummary summary = Summary;
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
            socket.NoDelay = true;
            var requests = new RequestQueue();
            var framer = new ConversationFramer(new ConversationFramerOptions
            {
                Spec = FramingSpec.Http with { MaxMessage = _options.MaxBody }, KeepPayloads = true,
            }, requests);
            IStreamConsumer input = framer.ForStream(0, Direction.Orig);
            byte[] buffer = new byte[16 * 1024];
            long offset = 0;
            while (true)
            {
                int n;
                try
                {
                    n = await socket.ReceiveAsync(buffer, stop);
                }
                catch (OperationCanceledException)
                {
                    SocketText.SendFin(socket);
                    _log.Write(peer, "closed by server (stopping)");
                    return;
                }
                if (n == 0) input.OnEnd(StreamEnd.Fin, offset, 0);
                else input.OnData(buffer.AsSpan(0, n), offset, 0);
                offset += n;
                // Answer what is complete before reading on: the answers' sends are the backpressure.
                while (requests.TryTake(out var request))
                {
                    Interlocked.Increment(ref _requests);
                    _log.Write(peer, $"{request.Head.Method} {request.Head.Uri} ({request.Body.Length} body bytes)");
                    await RespondAsync(socket, request, stop);
                }
                if (requests.Problem is { } problem)
                {
                    // Logged first: whoever sees the close may look for the reason at once.
                    Interlocked.Increment(ref _dropped);
                    _log.Write(peer, $"dropped: {problem}");
                    if (n > 0) await SendAsync(socket, "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", stop);
                    SocketText.SendFin(socket);
                    return;
                }
                if (n == 0)
                {
                    SocketText.SendFin(socket);
                    _log.Write(peer, "closed by peer");
                    return;
                }
            }
        }
        catch (Exception e) when (SocketText.ErrorOf(e) is SocketError code)
        {
            _log.Write(peer, SocketText.Describe(code));
        }
        catch (OperationCanceledException)
        {
            _log.Write(peer, "closed by server (stopping)");
        }
        catch (Exception e)
        {
            _log.Write(peer, $"error: {e}");
        }
        finally
        {
            socket.Dispose();
        }
    }

    private static readonly string[] Chunks = ["first chunk\n", "second chunk\n", "and the last one\n"];

    private static async Task RespondAsync(Socket socket, Request request, CancellationToken stop)
    {
        HttpHead h = request.Head;
        bool head = h.Method == "HEAD";
        string path = h.Uri ?? "";
        if (h.Method is "GET" or "HEAD" && path == "/chunked")
        {
            await SendAsync(socket, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n", stop);
            if (head) return;
            // Each chunk its own send, so a capture shows the chunks arrive one by one.
            foreach (string chunk in Chunks)
                await SendAsync(socket, $"{Encoding.UTF8.GetByteCount(chunk):x}\r\n{chunk}\r\n", stop);
            await SendAsync(socket, "0\r\n\r\n", stop);
            return;
        }
        (int status, string reason, string body) = (h.Method, path) switch
        {
            ("GET" or "HEAD", "/" or "/hello") => (200, "OK", "hello from ProtoScope's HTTP server\n"),
            ("POST", _) => (200, "OK", $"received {request.Body.Length} bytes\n"),
            ("GET" or "HEAD", _) => (404, "Not Found", $"no such resource: {path}\n"),
            _ => (405, "Method Not Allowed", $"{h.Method} is not served here\n"),
        };
        byte[] bytes = Encoding.UTF8.GetBytes(body);
        await SendAsync(socket, $"HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain\r\nContent-Length: {bytes.Length}\r\n\r\n" + (head ? "" : body), stop);
    }

    private static async Task SendAsync(Socket socket, string text, CancellationToken stop) =>
        await socket.SendAsync(Encoding.UTF8.GetBytes(text), stop);

    private sealed record Request(HttpHead Head, byte[] Body);

    /// <summary>The requests the framer completed during one delivery, and why the connection cannot go on, if it cannot.</summary>
    private sealed class RequestQueue : IMessageSink
    {
        private readonly Queue<Request> _complete = new();

        public string? Problem { get; private set; }

        public bool TryTake(out Request request) => _complete.TryDequeue(out request!);

        public void OnMessage(in FramedMessage message, ReadOnlySpan<byte> payload, string? error)
        {
            if (Problem is not null) return;
            if (message.Kind != MessageKind.Request) Problem = "a response where a request was expected";
            else if (message.Incomplete) Problem = $"closed in the middle of a request ({message.Length} of its body bytes)";
            else _complete.Enqueue(new Request(message.Http!, payload.ToArray()));
        }

        public void OnFailure(in FramingFailure failure) => Problem ??= failure.Reason;
    }
}
