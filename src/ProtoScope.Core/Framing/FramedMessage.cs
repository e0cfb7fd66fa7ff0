using ProtoScope.Core.Session;

namespace ProtoScope.Core.Framing;

/// <summary>What a <see cref="FramedMessage"/> is: a length-prefixed frame, or a whole UDP datagram.</summary>
public enum MessageKind : byte { Frame, Datagram }

/// <summary>
/// One application message located in a conversation: a length-prefixed frame cut from a TCP stream or a UDP
/// datagram, or a whole datagram.
/// </summary>
/// <param name="Conversation">tcp.stream or udp.stream.</param>
/// <param name="Index">0-based, per conversation direction and kind.</param>
/// <param name="Offset">Where the frame's length prefix starts: in the direction's stream for TCP, in the datagram for UDP.</param>
/// <param name="Length">Payload bytes (the length prefix not counted).</param>
/// <param name="FirstFrame">The packet that carries the first byte of the length prefix.</param>
/// <param name="LastFrame">The packet that carries the last byte of the frame.</param>
/// <param name="Segments">How many packets carried bytes of the frame.</param>
/// <param name="Sticky">A packet that carried this frame also carried bytes of another one.</param>
public readonly record struct FramedMessage(
    int Conversation, string Proto, MessageKind Kind, Direction Direction, long Index, long Offset, long Length,
    long FirstFrame, long LastFrame, int Segments, bool Sticky)
{
    /// <summary>The frame spanned several segments.</summary>
    public bool Split => Segments > 1;
}

/// <summary>
/// Framing stopped on a direction at <see cref="Offset"/> (stream offset of the frame that failed). With
/// <see cref="NotFramed"/> the direction's first bytes never parsed as a frame, so it is most likely not
/// length-prefixed at all: reported as "not framed" rather than as an error.
/// </summary>
public readonly record struct FramingFailure(int Conversation, string Proto, Direction Direction, long Offset, long Frame, string Reason, bool NotFramed);

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
