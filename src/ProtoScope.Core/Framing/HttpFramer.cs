using System.Buffers;
using System.Text;
using ProtoScope.Core.Formatting;
using ProtoScope.Core.Reassembly;
using ProtoScope.Core.Session;

namespace ProtoScope.Core.Framing;

// An HTTP/1.x message on the wire (RFC 9112 §2.1), and what --framing http makes of it:
//
//   GET /index.html HTTP/1.1\r\n          start line: request line, or status line "HTTP/1.1 200 OK"
//   Host: example.com\r\n                 header fields, counted        } the head: at most
//   Transfer-Encoding: chunked\r\n        (Content-Length, Transfer-    } FramingSpec.MaxHttpHead bytes
//   \r\n                                   Encoding read)               }
//   5;ext=1\r\nhello\r\n                   body: Content-Length bytes, or chunks (decoded: the payload is
//   0\r\nExpires: never\r\n\r\n            "hello"; extensions and trailers skipped), or to the close
//
// A message is one FramedMessage of kind Request or Response: Offset is its start line's, Length its body's.

/// <summary>
/// Cuts one reassembled TCP direction into HTTP/1.x requests and responses (<c>--framing http</c>), one pass over
/// the bytes as they arrive: keep-alive and pipelined messages one after another, several in a segment or one across
/// many. The body is delimited as RFC 9112 §6.3 says: no body for 1xx, 204 and 304 responses and for the response to
/// HEAD (known from the request the other direction sent, through <see cref="HttpRequests"/>), Transfer-Encoding
/// chunked (decoded; chunk extensions and trailer fields allowed), Content-Length, else none for a request and up to
/// the close for a response.
/// </summary>
/// <remarks>
/// <para>Bounded: a header block or trailer section over <see cref="FramingSpec.MaxHttpHead"/> bytes, and a body over
/// <see cref="FramingSpec.MaxMessage"/>, stop framing on the direction. Only the line being read is held (at most the
/// head limit), and of the body what the sink is shown.</para>
/// <para>A malformed start line, header field or chunk stops framing on the direction with a framing error that
/// quotes the reason; a first start line that is not HTTP at all makes the direction "not framed". A body cut by
/// the end of the stream, or by lost bytes, is handed on flagged <see cref="FramedMessage.Incomplete"/>; lost bytes
/// inside a Content-Length body are stepped over, elsewhere they stop framing (the next boundary is unknown).</para>
/// <para>Lenient where servers are (RFC 9112 §2.2): a bare LF ends a line as CRLF does, empty lines before a start
/// line are skipped, an obsolete folded header line continues the field before it.</para>
/// <para>After a 101 (Switching Protocols) response, what either direction sends next is the protocol the two sides
/// switched to (WebSocket, h2c): each direction stops there as "not framed", saying so, rather than failing on it.</para>
/// </remarks>
internal sealed class HttpFramer : TextFramer
{
    private enum State : byte { Head, Body, ChunkSize, ChunkData, ChunkDataEnd, Trailers, UntilClose }

    private static readonly string[] Methods = ["GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH", "CONNECT", "TRACE"];

    private readonly HttpRequests _requests;
    private readonly Direction _direction;
    private State _state;

    // The head being read: the line in progress when it spans deliveries, and what the lines so far said.
    private byte[] _line = [];
    private int _lineLength;
    private int _headLength;
    private bool _startLineRead;
    private string _version = "";
    private string? _method, _uri, _reason;
    private int _status;
    private int _headerCount;
    private long? _contentLength;
    private bool _transferEncoding, _chunked;
    private HttpHead? _head;

    // The body being read.
    private long _remaining;
    private bool _bytesLost;
    private long _chunkSize;
    private bool _chunkDigits, _chunkExtension, _chunkCr;
    private int _sectionBytes, _trailerLineLength;

    internal HttpFramer(ConversationFramer owner, int conversation, Direction direction, HttpRequests requests)
        : base(owner, conversation, direction)
    {
        _direction = direction;
        _requests = requests;
    }

    protected override void Cut(ReadOnlySpan<byte> bytes, long offset, long frame)
    {
        int n = bytes.Length, pos = 0;
        while (pos < n && !Stopped)
        {
            if (_requests.Switched && !InMessage)
            {
                HandOver("the connection switched protocols (101 Switching Protocols): what follows is not HTTP", offset + pos, frame);
                return;
            }
            if (InMessage) Touch(frame);
            switch (_state)
            {
                case State.Head:
                    pos = CutHead(bytes, pos, offset, frame);
                    break;
                case State.Body:
                {
                    int take = (int)Math.Min(_remaining, n - pos);
                    AddPayload(bytes.Slice(pos, take));
                    pos += take;
                    _remaining -= take;
                    if (_remaining == 0) Finish(stickyEnd: pos < n);
                    break;
                }
                case State.ChunkData:
                {
                    int take = (int)Math.Min(_remaining, n - pos);
                    AddPayload(bytes.Slice(pos, take));
                    pos += take;
                    _remaining -= take;
                    if (_remaining == 0) _state = State.ChunkDataEnd;
                    break;
                }
                case State.UntilClose:
                    AddPayload(bytes[pos..]);
                    pos = n;
                    if (PayloadLength > Spec.MaxMessage) BodyTooLong(frame);
                    break;
                default:
                    ChunkByte(bytes[pos], frame, stickyEnd: ++pos < n);
                    break;
            }
        }
    }

    /// <summary>Reads head lines from <paramref name="pos"/>; returns where it stopped.</summary>
    private int CutHead(ReadOnlySpan<byte> bytes, int pos, long offset, long frame)
    {
        int n = bytes.Length;
        if (!InMessage)
        {
            // Empty lines before a start line are ignored (RFC 9112 §2.2), e.g. a CRLF some clients send after a body.
            while (pos < n && bytes[pos] is (byte)'\r' or (byte)'\n') pos++;
            if (pos == n) return n;
            Begin(offset + pos, frame, sticky: pos > 0);
            if (_requests.Next(_direction) == HttpRequestKind.Http09)
            {
                // An HTTP/0.9 response has no head: it is the bytes up to the close.
                _requests.Answered(_direction);
                _head = new HttpHead("HTTP/0.9", null, null, 0, null, 0, null, HttpBody.UntilClose, 0);
                _state = State.UntilClose;
                return pos;
            }
        }
        int lf = bytes[pos..].IndexOf((byte)'\n');
        int end = lf < 0 ? n : pos + lf;
        ReadOnlySpan<byte> part = bytes[pos..end];
        if (_headLength + part.Length + (lf < 0 ? 0 : 1) > FramingSpec.MaxHttpHead)
        {
            Fail($"header block longer than {FramingSpec.MaxHttpHead} bytes", frame, notFramedCandidate: !_startLineRead);
            return n;
        }
        if (!_startLineRead && !LooksLikeStartLine(part, _lineLength == 0))
        {
            Fail("not an HTTP start line: " + Quote(part), frame, notFramedCandidate: true);
            return n;
        }
        _headLength += part.Length + (lf < 0 ? 0 : 1);
        if (lf < 0)
        {
            Hold(part);
            return n;
        }
        ReadOnlySpan<byte> line;
        if (_lineLength == 0) line = part;
        else
        {
            Hold(part);
            line = _line.AsSpan(0, _lineLength);
        }
        if (line.Length > 0 && line[^1] == '\r') line = line[..^1];
        int next = end + 1;
        bool stickyEnd = next < n;
        if (!_startLineRead) StartLine(line, frame, stickyEnd);
        else if (line.IsEmpty) EndOfHead(frame, stickyEnd);
        else Field(line, frame);
        _lineLength = 0;
        return next;
    }

    private void Hold(ReadOnlySpan<byte> part)
    {
        if (_lineLength + part.Length > _line.Length)
        {
            byte[] grown = ArrayPool<byte>.Shared.Rent(Math.Max(_lineLength + part.Length, 256));
            _line.AsSpan(0, _lineLength).CopyTo(grown);
            if (_line.Length > 0) ArrayPool<byte>.Shared.Return(_line);
            _line = grown;
        }
        part.CopyTo(_line.AsSpan(_lineLength));
        _lineLength += part.Length;
    }

    /// <summary>
    /// A cheap early test of a start line's first bytes, so that a stream of another protocol is "not framed" at
    /// once rather than after 64 KiB: it starts with a letter (a method, or "HTTP/") and holds no control bytes.
    /// </summary>
    private static bool LooksLikeStartLine(ReadOnlySpan<byte> part, bool atStart)
    {
        if (atStart && part.Length > 0 && !char.IsAsciiLetter((char)part[0])) return false;
        foreach (byte b in part)
            if (b < 0x20 && b is not ((byte)'\r' or (byte)'\t') || b == 0x7f) return false;
        return true;
    }

    private void StartLine(ReadOnlySpan<byte> line, long frame, bool stickyEnd)
    {
        _startLineRead = true;
        if (line.StartsWith("HTTP/"u8))
        {
            // status-line = HTTP-version SP status-code SP [ reason-phrase ]; a missing last SP is tolerated.
            if (line.Length < 12 || !IsVersion(line[..8]) || line[8] != ' ' || !IsDigits(line[9..12]) || line.Length > 12 && line[12] != ' ')
            {
                Fail("malformed status line: " + Quote(line), frame, notFramedCandidate: true);
                return;
            }
            _version = Version(line[..8]);
            _status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
            _reason = line.Length > 13 ? TerminalText.Escape(line[13..]) : "";
            return;
        }
        // request-line = method SP request-target SP HTTP-version
        int sp = line.IndexOf((byte)' ');
        if (sp <= 0 || !IsToken(line[..sp]))
        {
            Fail("malformed request line: " + Quote(line), frame, notFramedCandidate: true);
            return;
        }
        ReadOnlySpan<byte> rest = line[(sp + 1)..];
        int last = rest.LastIndexOf((byte)' ');
        _method = Method(line[..sp]);
        if (last < 0 && _method == "GET" && !rest.IsEmpty)
        {
            // HTTP/0.9 (RFC 1945 §4.1 Simple-Request): "GET uri", no version, no header fields, no body.
            _version = "HTTP/0.9";
            _uri = TerminalText.Escape(rest);
            _requests.Add(_direction, HttpRequestKind.Http09);
            _head = new HttpHead(_version, _method, _uri, 0, null, 0, null, HttpBody.None, _headLength);
            Finish(stickyEnd);
            return;
        }
        if (last <= 0 || rest[..last].Contains((byte)' ') || !IsVersion(rest[(last + 1)..]))
        {
            Fail("malformed request line: " + Quote(line), frame, notFramedCandidate: true);
            return;
        }
        _uri = TerminalText.Escape(rest[..last]);
        _version = Version(rest[(last + 1)..]);
    }

    private void Field(ReadOnlySpan<byte> line, long frame)
    {
        // obs-fold (RFC 9112 §5.2): a line starting with whitespace continues the field before it.
        if (line[0] is (byte)' ' or (byte)'\t' && _headerCount > 0) return;
        int colon = line.IndexOf((byte)':');
        // No whitespace between the name and the colon (RFC 9112 §5.1): a server must reject it.
        if (colon <= 0 || !IsToken(line[..colon]))
        {
            Fail("malformed header field: " + Quote(line), frame, notFramedCandidate: false);
            return;
        }
        _headerCount++;
        ReadOnlySpan<byte> name = line[..colon], value = line[(colon + 1)..].Trim(" \t"u8);
        if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
        {
            if (!TryContentLength(value, out long length) || _contentLength is { } seen && seen != length)
            {
                Fail("invalid Content-Length: " + Quote(value), frame, notFramedCandidate: false);
                return;
            }
            _contentLength = length;
        }
        else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
        {
            // The last coding of the last field decides (RFC 9112 §6.3 rule 4): chunked must be the final one.
            _transferEncoding = true;
            int comma = value.LastIndexOf((byte)',');
            _chunked = Ascii.EqualsIgnoreCase(value[(comma + 1)..].Trim(" \t"u8), "chunked"u8);
        }
    }

    /// <summary>Content-Length = 1*DIGIT, and a list of equal values is tolerated ("5, 5"), as RFC 9110 §8.6 allows.</summary>
    private static bool TryContentLength(ReadOnlySpan<byte> value, out long length)
    {
        length = -1;
        foreach (Range r in value.Split((byte)','))
        {
            ReadOnlySpan<byte> item = value[r].Trim(" \t"u8);
            // 18 digits always fit a long; a longer length is no real body.
            if (item.IsEmpty || item.Length > 18 || !IsDigits(item)) return false;
            long v = 0;
            foreach (byte b in item) v = v * 10 + (b - '0');
            if (length >= 0 && v != length) return false;
            length = v;
        }
        return length >= 0;
    }

    private void EndOfHead(long frame, bool stickyEnd)
    {
        bool response = _method is null;
        HttpBody body;
        if (response)
        {
            HttpRequestKind request = _requests.Next(_direction);
            bool interim = _status is >= 100 and < 200;
            if (_status == 101) _requests.SwitchProtocols();
            if (!interim) _requests.Answered(_direction);
            body = interim || _status is 204 or 304 || request == HttpRequestKind.Head ? HttpBody.None
                : request == HttpRequestKind.Connect && _status is >= 200 and < 300 ? HttpBody.UntilClose
                : _transferEncoding ? _chunked ? HttpBody.Chunked : HttpBody.UntilClose
                : _contentLength is not null ? HttpBody.ContentLength
                : HttpBody.UntilClose;
        }
        else
        {
            _requests.Add(_direction, _method == "HEAD" ? HttpRequestKind.Head : _method == "CONNECT" ? HttpRequestKind.Connect : HttpRequestKind.Other);
            if (_transferEncoding && !_chunked)
            {
                Fail("request with a Transfer-Encoding whose last coding is not chunked: its body length is unknown (RFC 9112 §6.3)", frame, notFramedCandidate: false);
                return;
            }
            body = _transferEncoding ? HttpBody.Chunked : _contentLength is not null ? HttpBody.ContentLength : HttpBody.None;
        }
        _head = new HttpHead(_version, _method, _uri, _status, _reason, _headerCount, _contentLength, body, _headLength);
        switch (body)
        {
            case HttpBody.ContentLength when _contentLength > Spec.MaxMessage:
                BodyTooLong(frame);
                break;
            case HttpBody.ContentLength when _contentLength > 0:
                _state = State.Body;
                _remaining = _contentLength.Value;
                break;
            case HttpBody.Chunked:
                _state = State.ChunkSize;
                break;
            case HttpBody.UntilClose:
                _state = State.UntilClose;
                break;
            default:
                Finish(stickyEnd);
                break;
        }
    }

    /// <summary>One byte of a chunk-size line, of the CRLF after a chunk's data, or of the trailer section (RFC 9112 §7.1).</summary>
    private void ChunkByte(byte b, long frame, bool stickyEnd)
    {
        if (++_sectionBytes > FramingSpec.MaxHttpHead)
        {
            Fail($"chunk-size line or trailer section longer than {FramingSpec.MaxHttpHead} bytes", frame, notFramedCandidate: false);
            return;
        }
        switch (_state)
        {
            case State.ChunkSize:
                if (b == '\n')
                {
                    if (!_chunkDigits)
                    {
                        Fail("chunk without a size", frame, notFramedCandidate: false);
                        return;
                    }
                    _state = _chunkSize == 0 ? State.Trailers : State.ChunkData;
                    _remaining = _chunkSize;
                    _chunkSize = 0;
                    _chunkDigits = _chunkExtension = false;
                    _sectionBytes = _trailerLineLength = 0;
                }
                else if (!_chunkExtension && HexValue(b) is int digit and >= 0)
                {
                    _chunkSize = _chunkSize * 16 + digit;
                    _chunkDigits = true;
                    if (PayloadLength + _chunkSize > Spec.MaxMessage || _chunkSize > long.MaxValue >> 8) BodyTooLong(frame);
                }
                else if (_chunkDigits && (_chunkExtension || b is (byte)';' or (byte)' ' or (byte)'\t' or (byte)'\r'))
                    _chunkExtension = true; // chunk-ext (RFC 9112 §7.1.1) up to the LF: skipped
                else
                    Fail($"malformed chunk size (byte 0x{b:x2})", frame, notFramedCandidate: false);
                break;
            case State.ChunkDataEnd:
                if (b == '\r' && !_chunkCr) _chunkCr = true;
                else if (b == '\n')
                {
                    _chunkCr = false;
                    _state = State.ChunkSize;
                    _sectionBytes = 0;
                }
                else Fail("chunk data not followed by CRLF", frame, notFramedCandidate: false);
                break;
            case State.Trailers:
                if (b == '\n')
                {
                    if (_trailerLineLength == 0) Finish(stickyEnd);
                    _trailerLineLength = 0;
                }
                else if (b != '\r') _trailerLineLength++;
                break;
        }
    }

    public override void OnGap(in StreamGap gap)
    {
        if (Stopped) return;
        if (gap.Cause == GapCause.MidStream)
        {
            Fail("capture started mid-stream: message boundaries unknown", gap.Frame, notFramedCandidate: true, offset: 0);
            return;
        }
        if (_state == State.Body && gap.LengthKnown && gap.Length < _remaining)
        {
            // Inside a Content-Length body the end is still known: step over the missing bytes.
            _remaining -= gap.Length;
            _bytesLost = true;
            return;
        }
        string where = !InMessage ? "between messages" : _state == State.Head ? "inside a message head" : "inside a message body";
        if (InMessage && _state != State.Head) Finish(stickyEnd: false, incomplete: true);
        Fail($"gap {where}: {gap.Describe()} at stream offset {gap.Offset}; message boundaries after it are unknown", gap.Frame, notFramedCandidate: false, offset: gap.Offset);
    }

    public override void OnEnd(StreamEnd end, long offset, long frame)
    {
        if (Stopped) return;
        if (InMessage)
        {
            if (_state == State.Head)
            {
                Fail($"stream ended inside a message head ({_headLength} bytes)", frame, notFramedCandidate: true);
                return;
            }
            // RFC 9112 §8: a body read to the close is complete when the connection closed cleanly (a FIN), not
            // when it was reset or the capture stopped first.
            Finish(stickyEnd: false, incomplete: _state != State.UntilClose || end != StreamEnd.Fin);
        }
        Stop();
    }

    private void Finish(bool stickyEnd, bool incomplete = false)
    {
        HttpHead head = _head!;
        Complete(head.IsRequest ? MessageKind.Request : MessageKind.Response, PayloadLength, Kept, stickyEnd,
            incomplete || _bytesLost, head);
        _state = State.Head;
        _headLength = 0;
        _startLineRead = false;
        _method = _uri = _reason = null;
        _status = _headerCount = 0;
        _contentLength = null;
        _transferEncoding = _chunked = _bytesLost = false;
        _head = null;
        _sectionBytes = 0;
    }

    private void BodyTooLong(long frame) =>
        Fail($"body longer than --max-frame {Spec.MaxMessage} bytes", frame, notFramedCandidate: false);

    protected override void Release()
    {
        if (_line.Length > 0) ArrayPool<byte>.Shared.Return(_line);
        _line = [];
    }

    private static bool IsVersion(ReadOnlySpan<byte> v) =>
        v.Length == 8 && v.StartsWith("HTTP/"u8) && char.IsAsciiDigit((char)v[5]) && v[6] == '.' && char.IsAsciiDigit((char)v[7]);

    private static string Version(ReadOnlySpan<byte> v) =>
        v.SequenceEqual("HTTP/1.1"u8) ? "HTTP/1.1" : v.SequenceEqual("HTTP/1.0"u8) ? "HTTP/1.0" : Encoding.ASCII.GetString(v);

    /// <summary>The method's name; the common ones without allocating.</summary>
    private static string Method(ReadOnlySpan<byte> token)
    {
        foreach (string m in Methods)
            if (Ascii.Equals(token, m)) return m;
        return Encoding.ASCII.GetString(token);
    }

    private static bool IsDigits(ReadOnlySpan<byte> s)
    {
        foreach (byte b in s)
            if (!char.IsAsciiDigit((char)b)) return false;
        return true;
    }

    /// <summary>token = 1*tchar (RFC 9110 §5.6.2).</summary>
    private static bool IsToken(ReadOnlySpan<byte> s)
    {
        foreach (byte b in s)
            if (!(char.IsAsciiLetterOrDigit((char)b) || "!#$%&'*+-.^_`|~"u8.Contains(b))) return false;
        return !s.IsEmpty;
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };

    private static string Quote(ReadOnlySpan<byte> bytes) => TerminalText.Preview(bytes, bytes.Length, 40);
}
