using ProtoScope.Core.Session;

namespace ProtoScope.Core.Framing;

/// <summary>What a request tells the framer of the response to it about that response's body.</summary>
internal enum HttpRequestKind : byte
{
    /// <summary>Nothing special: the response's own head says how long its body is.</summary>
    Other,
    /// <summary>HEAD: the response has no body whatever its Content-Length (RFC 9112 §6.3 rule 1).</summary>
    Head,
    /// <summary>CONNECT: a 2xx response turns the rest of the connection into a tunnel (rule 2), read as its body.</summary>
    Connect,
    /// <summary>An HTTP/0.9 request line: the response is the bytes up to the close, with no status line.</summary>
    Http09,
}

/// <summary>
/// Pairs a connection's requests with its responses, in order, as HTTP/1.1 pipelining requires (RFC 9112 §9.3.2):
/// the two directions' <see cref="HttpFramer"/>s share one. A request is noted when its head has been read; the
/// response that answers it, in the other direction, comes later in the capture because it is sent after it.
/// </summary>
/// <remarks>
/// At most <see cref="Limit"/> unanswered requests a direction are noted; beyond that (a capture that lost every
/// response, or a flood) pairing is given up and every response is read by its own head alone, as it would be
/// without a request: only the bodies of responses to HEAD are then misread.
/// </remarks>
internal sealed class HttpRequests
{
    public const int Limit = 1024;

    private readonly Queue<HttpRequestKind>[] _pending = [new(), new()];
    private readonly bool[] _givenUp = new bool[2];

    /// <summary>A request was read in direction <paramref name="from"/>.</summary>
    public void Add(Direction from, HttpRequestKind kind)
    {
        int d = (int)from;
        if (_givenUp[d]) return;
        if (_pending[d].Count < Limit)
        {
            _pending[d].Enqueue(kind);
            return;
        }
        _givenUp[d] = true;
        _pending[d].Clear();
    }

    /// <summary>The oldest unanswered request sent towards the side that sends in <paramref name="responseDirection"/>.</summary>
    public HttpRequestKind Next(Direction responseDirection) =>
        _pending[1 - (int)responseDirection].TryPeek(out HttpRequestKind kind) ? kind : HttpRequestKind.Other;

    /// <summary>
    /// A 101 (Switching Protocols) was read: both directions carry the protocol the request's Upgrade asked for from
    /// the byte after it (RFC 9110 §15.2.2), not HTTP.
    /// </summary>
    public bool Switched { get; private set; }

    public void SwitchProtocols() => Switched = true;

    /// <summary>A final (not 1xx) response was read in <paramref name="responseDirection"/>: its request is answered.</summary>
    public void Answered(Direction responseDirection) => _pending[1 - (int)responseDirection].TryDequeue(out _);
}
