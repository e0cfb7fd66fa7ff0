namespace ProtoScope.Core.Framing;

/// <summary>How an HTTP message's body is delimited (RFC 9112 §6.3), in the order of precedence the RFC gives.</summary>
public enum HttpBody : byte
{
    /// <summary>No body: a request with neither Content-Length nor Transfer-Encoding, a 1xx, 204 or 304 response, the response to HEAD.</summary>
    None,
    /// <summary>Content-Length bytes.</summary>
    ContentLength,
    /// <summary>The chunked transfer coding, ended by a zero-size chunk and the trailer section; the payload is the decoded body.</summary>
    Chunked,
    /// <summary>A response with neither: the body runs to the end of the connection (and an HTTP/0.9 response is nothing else).</summary>
    UntilClose,
}

/// <summary>
/// The head of an HTTP/1.x message as <c>--framing http</c> read it: the start line's parts, how many header fields
/// there were, and how the body was delimited. Strings are escaped for a terminal (<see cref="Formatting.TerminalText"/>).
/// </summary>
/// <param name="Version">"HTTP/1.1", "HTTP/1.0", or "HTTP/0.9" for a request line without a version and the response to it.</param>
/// <param name="Method">A request's method; null for a response.</param>
/// <param name="Uri">A request's target as sent; null for a response.</param>
/// <param name="StatusCode">A response's status code; 0 for a request and for an HTTP/0.9 response, which has no status line.</param>
/// <param name="Reason">A response's reason phrase (may be empty); null for a request.</param>
/// <param name="HeaderCount">Header field lines, obsolete folded continuations not counted; trailer fields not counted.</param>
/// <param name="ContentLength">The Content-Length field's value when there was one (even when Transfer-Encoding overrides it).</param>
/// <param name="Body">How the body was delimited.</param>
/// <param name="HeadLength">Bytes of the start line, the header fields and the blank line.</param>
public sealed record HttpHead(
    string Version, string? Method, string? Uri, int StatusCode, string? Reason, int HeaderCount, long? ContentLength,
    HttpBody Body, int HeadLength)
{
    public bool IsRequest => Method is not null;

    /// <summary>The body came in the chunked transfer coding.</summary>
    public bool Chunked => Body == HttpBody.Chunked;
}
