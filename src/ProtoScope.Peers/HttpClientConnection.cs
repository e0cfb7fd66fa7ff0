using System.Net;
using System.Net.Sockets;
using System.Text;
using ProtoScope.Core.Framing;
using ProtoScope.Core.Reassembly;
using ProtoScope.Core.Session;

namespace ProtoScope.Peers;

/// <summary>One HTTP response as the client read it: the status, the body (de-chunked) and how it was delimited.</summary>
public sealed record HttpResponse(int StatusCode, string Reason, byte[] Body, HttpBody Framing)
{
    public override string ToString() => $"{StatusCode} {Reason}, {Body.Length} body bytes ({Core.Formatting.MessageFormat.BodyName(Framing)})";
}

/// <summary>
/// One keep-alive HTTP/1.1 client connection on a plain socket: requests one after another on the same connection,
/// each answer read to its end (Content-Length, chunked, or the close) before the next request goes out.
/// </summary>
/// <remarks>
/// Responses are read by the inspector's HTTP framing (<see cref="ConversationFramer.ForStream"/>): the client feeds
/// its own requests to one direction and the server's bytes to the other, so the response to HEAD is read without a
/// body, as a capture of the exchange is. Bounded: a 16 KiB receive buffer, a response head of at most
/// <see cref="FramingSpec.MaxHttpHead"/>, a body of at most <see cref="MaxBody"/>.
/// </remarks>
public sealed class HttpClientConnection : IDisposable
{
    private readonly Socket _socket;
    private readonly ResponseQueue _responses = new();
    private readonly IStreamConsumer _sent, _received;
    private readonly byte[] _buffer = new byte[16 * 1024];
    private long _sentOffset, _receivedOffset;
    private bool _ended;

    /// <param name="socket">A connected TCP socket; the connection owns it from now on.</param>
    public HttpClientConnection(Socket socket, long maxBody = FramingSpec.DefaultMaxFrame)
    {
        _socket = socket;
        MaxBody = maxBody;
        var framer = new ConversationFramer(new ConversationFramerOptions { Spec = FramingSpec.Http with { MaxMessage = maxBody }, KeepPayloads = true }, _responses);
        _sent = framer.ForStream(0, Direction.Orig);
        _received = framer.ForStream(0, Direction.Resp);
    }

    public long MaxBody { get; }

    public static async Task<HttpClientConnection> ConnectAsync(IPEndPoint to, CancellationToken cancel) =>
        new(await ClientSocket.ConnectAsync(to, cancel));

    /// <summary>
    /// Sends one request (<paramref name="body"/> with a Content-Length when there is one, or for POST and PUT) and
    /// reads the final response to it; 1xx interim responses are skipped.
    /// </summary>
    /// <exception cref="IOException">The server's answer is not HTTP, too large, or the connection closed before it ended.</exception>
    public async Task<HttpResponse> SendAsync(string method, string uri, ReadOnlyMemory<byte> body = default, CancellationToken cancel = default)
    {
        var request = new StringBuilder($"{method} {uri} HTTP/1.1\r\nHost: {_socket.RemoteEndPoint}\r\nUser-Agent: protoscope\r\n");
        if (!body.IsEmpty || method is "POST" or "PUT") request.Append($"Content-Length: {body.Length}\r\nContent-Type: text/plain\r\n");
        request.Append("\r\n");
        byte[] bytes = [.. Encoding.ASCII.GetBytes(request.ToString()), .. body.Span];
        _sent.OnData(bytes, _sentOffset, 0);
        _sentOffset += bytes.Length;
        await _socket.SendAsync(bytes, cancel);
        while (true)
        {
            while (_responses.TryTake(out HttpResponse? response))
                if (response.StatusCode is < 100 or >= 200) return response;
            if (_responses.Problem is { } problem) throw new IOException($"bad response from {_socket.RemoteEndPoint}: {problem}");
            if (_ended) throw new IOException($"{_socket.RemoteEndPoint} closed the connection before answering");
            int n = await _socket.ReceiveAsync(_buffer, cancel);
            if (n == 0)
            {
                _ended = true;
                _received.OnEnd(StreamEnd.Fin, _receivedOffset, 0);
            }
            else _received.OnData(_buffer.AsSpan(0, n), _receivedOffset, 0);
            _receivedOffset += n;
        }
    }

    /// <summary>Sends FIN and reads until the server's (the server closes when its client does).</summary>
    public async Task CloseAsync(CancellationToken cancel = default)
    {
        SocketText.SendFin(_socket);
        while (!_ended && await _socket.ReceiveAsync(_buffer, cancel) > 0) { }
        _ended = true;
    }

    public void Dispose() => _socket.Dispose();

    private sealed class ResponseQueue : IMessageSink
    {
        private readonly Queue<HttpResponse> _complete = new();

        public string? Problem { get; private set; }

        public bool TryTake([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out HttpResponse? response) => _complete.TryDequeue(out response);

        public void OnMessage(in FramedMessage message, ReadOnlySpan<byte> payload, string? error)
        {
            if (message.Direction == Direction.Orig || Problem is not null) return;
            if (message.Kind != MessageKind.Response) Problem = "a request where a response was expected";
            else if (message.Incomplete) Problem = $"the connection closed in the middle of a response ({message.Length} body bytes)";
            else _complete.Enqueue(new HttpResponse(message.Http!.StatusCode, message.Http.Reason ?? "", payload.ToArray(), message.Http.Body));
        }

        public void OnFailure(in FramingFailure failure)
        {
            if (failure.Direction == Direction.Resp) Problem ??= failure.Reason;
        }
    }
}
