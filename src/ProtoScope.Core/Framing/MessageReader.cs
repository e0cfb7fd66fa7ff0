using System.Buffers;
using System.Buffers.Binary;

namespace ProtoScope.Core.Framing;

// A frame on the wire (FramingSpec picks the prefix width and byte order):
//
//   +----------------------+----------------------------------------+
//   | length               | payload                                |
//   | 1, 2, 4 or 8 bytes   | length bytes, or length - header size  |
//   | unsigned, LE or BE   | when LengthIncludesHeader              |
//   +----------------------+----------------------------------------+
//
// e.g. u32le, payload "hi":  02 00 00 00 68 69
//      u16be + LengthIncludesHeader, payload "hi":  00 04 68 69

/// <summary>What <see cref="MessageReader.TryReadMessage"/> found at the start of the buffer.</summary>
public enum MessageStatus : byte
{
    /// <summary>Not enough bytes yet for a whole message; the buffer was left untouched.</summary>
    Incomplete,
    /// <summary>One message was read and the buffer advanced past it.</summary>
    Message,
    /// <summary>The length prefix is invalid; the buffer was left untouched and the stream cannot be resynchronised.</summary>
    Error,
}

/// <summary>
/// Reads length-prefixed messages from a byte sequence, in the shape of Kestrel's HTTP/2 frame reader. Used by the
/// echo peers (over a <c>PipeReader</c>) and by the inspector (over reassembled stream bytes).
/// </summary>
public static class MessageReader
{
    /// <summary>
    /// Reads one frame from the start of <paramref name="buffer"/>. On <see cref="MessageStatus.Message"/>, the buffer
    /// is advanced past the frame and <paramref name="payload"/> is a slice of it (no copy), valid as long as the
    /// caller's underlying buffer is (for a <c>PipeReader</c>: until the next <c>AdvanceTo</c>). Otherwise the buffer
    /// is untouched. A bad length is reported as soon as the prefix is readable, without waiting for the payload,
    /// so a garbage length never makes the caller buffer up to it.
    /// </summary>
    /// <remarks>
    /// A caller's loop: read frames until the status is not <see cref="MessageStatus.Message"/>, then
    /// <c>reader.AdvanceTo(buffer.Start, buffer.End)</c>: consumed up to the last whole frame, examined everything.
    /// </remarks>
    public static MessageStatus TryReadMessage(ref ReadOnlySequence<byte> buffer, FramingSpec spec,
        out ReadOnlySequence<byte> payload, out FramingError error)
    {
        payload = default;
        error = default;
        var reader = new SequenceReader<byte>(buffer);
        if (!TryReadLength(ref reader, spec, out ulong length))
            return MessageStatus.Incomplete;
        if (!TryGetPayloadLength(length, spec, out long payloadLength, out error))
            return MessageStatus.Error;
        if (reader.Remaining < payloadLength)
            return MessageStatus.Incomplete;
        payload = buffer.Slice(reader.Position, payloadLength);
        buffer = buffer.Slice(payload.End);
        return MessageStatus.Message;
    }

    /// <summary>
    /// Reads a datagram that must hold exactly one frame (UDP carries one frame per datagram). The payload is a
    /// slice of <paramref name="datagram"/>.
    /// </summary>
    public static bool TryReadDatagram(ReadOnlyMemory<byte> datagram, FramingSpec spec,
        out ReadOnlyMemory<byte> payload, out FramingError error)
    {
        payload = default;
        var sequence = new ReadOnlySequence<byte>(datagram);
        var reader = new SequenceReader<byte>(sequence);
        if (!TryReadLength(ref reader, spec, out ulong length))
        {
            error = new FramingError(FramingErrorKind.DatagramSizeMismatch, (ulong)spec.HeaderSize, 0, datagram.Length);
            return false;
        }
        if (!TryGetPayloadLength(length, spec, out long payloadLength, out error))
            return false;
        if (reader.Remaining != payloadLength)
        {
            error = new FramingError(FramingErrorKind.DatagramSizeMismatch, (ulong)(spec.HeaderSize + payloadLength), 0, datagram.Length);
            return false;
        }
        payload = datagram.Slice(spec.HeaderSize);
        return true;
    }

    /// <summary>
    /// Describes bytes left over when a stream ended: the partial frame <see cref="TryReadMessage"/> was waiting for.
    /// Returns <see cref="FramingError"/> none for an empty remainder.
    /// </summary>
    public static FramingError DescribeTruncation(in ReadOnlySequence<byte> remainder, FramingSpec spec)
    {
        if (remainder.IsEmpty)
            return default;
        var reader = new SequenceReader<byte>(remainder);
        if (!TryReadLength(ref reader, spec, out ulong length))
            return new FramingError(FramingErrorKind.HeaderTruncated, (ulong)spec.HeaderSize, 0, remainder.Length);
        if (!TryGetPayloadLength(length, spec, out long payloadLength, out FramingError error))
            return error;
        return new FramingError(FramingErrorKind.PayloadTruncated, (ulong)payloadLength, 0, reader.Remaining);
    }

    /// <summary>
    /// The span form for callers that hold contiguous bytes (the inspector's framers): reads the length prefix at the
    /// start of <paramref name="prefix"/>, which must hold at least <see cref="FramingSpec.HeaderSize"/> bytes, and
    /// checks it as <see cref="TryReadMessage"/> does.
    /// </summary>
    internal static bool TryReadPayloadLength(ReadOnlySpan<byte> prefix, FramingSpec spec, out long payloadLength, out FramingError error)
    {
        bool big = spec.ByteOrder == ByteOrder.BigEndian;
        ulong length = spec.HeaderSize switch
        {
            1 => prefix[0],
            2 => big ? BinaryPrimitives.ReadUInt16BigEndian(prefix) : BinaryPrimitives.ReadUInt16LittleEndian(prefix),
            4 => big ? BinaryPrimitives.ReadUInt32BigEndian(prefix) : BinaryPrimitives.ReadUInt32LittleEndian(prefix),
            _ => big ? BinaryPrimitives.ReadUInt64BigEndian(prefix) : BinaryPrimitives.ReadUInt64LittleEndian(prefix),
        };
        return TryGetPayloadLength(length, spec, out payloadLength, out error);
    }

    private static bool TryGetPayloadLength(ulong length, FramingSpec spec, out long payloadLength, out FramingError error)
    {
        payloadLength = 0;
        error = default;
        // MaxMessage is a long, so this also rejects u64 lengths above long.MaxValue that no sequence could hold.
        if (length > (ulong)spec.MaxMessage)
        {
            error = new FramingError(FramingErrorKind.TooLong, length, spec.MaxMessage);
            return false;
        }
        if (spec.LengthIncludesHeader)
        {
            if (length < (ulong)spec.HeaderSize)
            {
                error = new FramingError(FramingErrorKind.ShorterThanHeader, length, spec.HeaderSize);
                return false;
            }
            length -= (ulong)spec.HeaderSize;
        }
        payloadLength = (long)length;
        return true;
    }

    private static bool TryReadLength(ref SequenceReader<byte> reader, FramingSpec spec, out ulong length)
    {
        bool big = spec.ByteOrder == ByteOrder.BigEndian;
        bool ok;
        switch (spec.HeaderSize)
        {
            case 1:
                ok = reader.TryRead(out byte b);
                length = b;
                return ok;
            case 2:
                short s;
                ok = big ? reader.TryReadBigEndian(out s) : reader.TryReadLittleEndian(out s);
                length = unchecked((ushort)s);
                return ok;
            case 4:
                int i;
                ok = big ? reader.TryReadBigEndian(out i) : reader.TryReadLittleEndian(out i);
                length = unchecked((uint)i);
                return ok;
            default:
                long l;
                ok = big ? reader.TryReadBigEndian(out l) : reader.TryReadLittleEndian(out l);
                length = unchecked((ulong)l);
                return ok;
        }
    }
}
