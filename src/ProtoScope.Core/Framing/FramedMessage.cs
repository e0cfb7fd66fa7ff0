using ProtoScope.Core.Decoding;
using ProtoScope.Core.Session;

namespace ProtoScope.Core.Framing;

/// <summary>
/// What a <see cref="FramedMessage"/> is. The outputs name them <c>frame</c>, <c>datagram</c>, <c>line</c>,
/// <c>request</c>, <c>response</c> (<see cref="Formatting.MessageFormat.KindName"/>).
/// </summary>
public enum MessageKind : byte
{
    /// <summary>A length-prefixed message (the outputs call it a "frame", as the framing options do).</summary>
    LengthPrefixed,
    /// <summary>A whole UDP datagram.</summary>
    Datagram,
    /// <summary>A text line, without its LF or CRLF.</summary>
    Line,
    /// <summary>An HTTP request: its head in <see cref="FramedMessage.Http"/>, its body as the payload.</summary>
    Request,
    /// <summary>An HTTP response: its head in <see cref="FramedMessage.Http"/>, its body as the payload.</summary>
    Response,
}

/// <summary>
/// One application message located in a conversation: a length-prefixed message, a line or an HTTP message cut
/// from a TCP stream, a length-prefixed message in a UDP datagram, or a whole datagram.
/// </summary>
/// <param name="Transport">TCP or UDP.</param>
/// <param name="Conversation">tcp.stream or udp.stream.</param>
/// <param name="Index">0-based, per conversation direction and kind.</param>
/// <param name="Offset">Where the message starts (its length prefix, its line, its HTTP start line): in the direction's stream for TCP, in the datagram for UDP.</param>
/// <param name="Length">Payload bytes: the length prefix not counted, a line without its LF or CRLF, an HTTP body (de-chunked).</param>
/// <param name="FirstFrame">The frame number of the packet that carries the message's first byte.</param>
/// <param name="LastFrame">The frame number of the packet that carries the last byte of the message.</param>
/// <param name="Segments">How many packets carried bytes of the message.</param>
/// <param name="Sticky">A packet that carried this message also carried bytes of another one.</param>
public readonly record struct FramedMessage(
    int Conversation, Transport Transport, MessageKind Kind, Direction Direction, long Index, long Offset, long Length,
    long FirstFrame, long LastFrame, int Segments, bool Sticky)
{
    /// <summary>The message spanned several segments.</summary>
    public bool Split => Segments > 1;

    /// <summary>
    /// The stream ended (or lost bytes) before the message did: an HTTP body shorter than its Content-Length or
    /// without its last chunk, a last line without LF. <see cref="Length"/> counts the bytes that were there.
    /// </summary>
    public bool Incomplete { get; init; }

    /// <summary>The head of a <see cref="MessageKind.Request"/> or <see cref="MessageKind.Response"/>; null for other kinds.</summary>
    public HttpHead? Http { get; init; }
}

/// <summary>
/// Framing stopped on a direction at <see cref="Offset"/> (stream offset of the message that failed), in the packet
/// numbered <see cref="Frame"/>. With
/// <see cref="NotFramed"/> the direction's first bytes never parsed as a frame, so it is most likely not
/// length-prefixed at all: reported as "not framed" rather than as an error.
/// </summary>
public readonly record struct FramingFailure(int Conversation, Transport Transport, Direction Direction, long Offset, long Frame, string Reason, bool NotFramed);

/// <summary>Where framed messages go, as they complete, in capture order.</summary>
public interface IMessageSink
{
    /// <summary>
    /// <paramref name="payload"/> is the whole payload when payloads were asked for, otherwise its first bytes
    /// (a preview; compare its length with <see cref="FramedMessage.Length"/>). Valid only during the call.
    /// <paramref name="error"/> is the packet's decode error for a datagram (e.g. a UDP length that disagrees with the IP length), else null.
    /// </summary>
    void OnMessage(in FramedMessage message, ReadOnlySpan<byte> payload, string? error);

    /// <summary>Framing stopped on a direction; nothing more comes from it.</summary>
    void OnFailure(in FramingFailure failure);
}
