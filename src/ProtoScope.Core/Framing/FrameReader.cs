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

/// <summary>What <see cref="FrameReader.TryReadFrame"/> found at the start of the buffer.</summary>
public enum FrameStatus : byte
{
    /// <summary>Not enough bytes yet for a whole frame; the buffer was left untouched.</summary>
    Incomplete,
    /// <summary>One frame was read and the buffer advanced past it.</summary>
    Frame,
    /// <summary>The length prefix is invalid; the buffer was left untouched and the stream cannot be resynchronised.</summary>
    Error,
}

/// <summary>
/// Reads length-prefixed frames from a byte sequence, in the shape of Kestrel's HTTP/2 frame reader. Used by the
/// echo peers (over a <c>PipeReader</c>) and by the inspector (over reassembled stream bytes).
/// </summary>
public static class FrameReader
{
    /// <summary>
    /// Reads one frame from the start of <paramref name="buffer"/>. On <see cref="FrameStatus.Frame"/>, the buffer
    /// is advanced past the frame and <paramref name="payload"/> is a slice of it (no copy), valid as long as the
    /// caller's underlying buffer is (for a <c>PipeReader</c>: until the next <c>AdvanceTo</c>). Otherwise the buffer
    /// is untouched. A bad length is reported as soon as the prefix is readable, without waiting for the payload,
    /// so a garbage length never makes the caller buffer up to it.
    /// </summary>
    /// <remarks>
    /// A caller's loop: read frames until the status is not <see cref="FrameStatus.Frame"/>, then
    /// <c>reader.AdvanceTo(buffer.Start, buffer.End)</c>: consumed up to the last whole frame, examined everything.
    /// </remarks>
    public static FrameStatus TryReadFrame(ref ReadOnlySequence<byte> buffer, FramingSpec spec,
        out ReadOnlySequence<byte> payload, out FrameError error)
    {
        payload = default;
        error = default;
        var reader = new SequenceReader<byte>(buffer);
        if (!TryReadLength(ref reader, spec, out ulong length))
            return FrameStatus.Incomplete;
        if (!TryGetPayloadLength(length, spec, out long payloadLength, out error))
            return FrameStatus.Error;
        if (reader.Remaining < payloadLength)
            return FrameStatus.Incomplete;
        payload = buffer.Slice(reader.Position, payloadLength);
        buffer = buffer.Slice(payload.End);
        return FrameStatus.Frame;
    }

    /// <summary>
    /// Reads a datagram that must hold exactly one frame (UDP carries one frame per datagram). The payload is a
    /// slice of <paramref name="datagram"/>.
    /// </summary>
    public static bool TryReadDatagram(ReadOnlyMemory<byte> datagram, FramingSpec spec,
        out ReadOnlyMemory<byte> payload, out FrameError error)
    {
        payload = default;
        var sequence = new ReadOnlySequence<byte>(datagram);
        var reader = new SequenceReader<byte>(sequence);
        if (!TryReadLength(ref reader, spec, out ulong length))
        {
            error = new FrameError(FrameErrorKind.DatagramSizeMismatch, (ulong)spec.HeaderSize, 0, datagram.Length);
            return false;
        }
        if (!TryGetPayloadLength(length, spec, out long payloadLength, out error))
            return false;
        if (reader.Remaining != payloadLength)
        {
            error = new FrameError(FrameErrorKind.DatagramSizeMismatch, (ulong)(spec.HeaderSize + payloadLength), 0, datagram.Length);
            return false;
        }
        payload = datagram.Slice(spec.HeaderSize);
        return true;
    }

    /// <summary>
    /// Describes bytes left over when a stream ended: the partial frame <see cref="TryReadFrame"/> was waiting for.
    /// Returns <see cref="FrameError"/> none for an empty remainder.
    /// </summary>
    public static FrameError DescribeTruncation(in ReadOnlySequence<byte> remainder, FramingSpec spec)
    {
        if (remainder.IsEmpty)
            return default;
        var reader = new SequenceReader<byte>(remainder);
        if (!TryReadLength(ref reader, spec, out ulong length))
            return new FrameError(FrameErrorKind.HeaderTruncated, (ulong)spec.HeaderSize, 0, remainder.Length);
        if (!TryGetPayloadLength(length, spec, out long payloadLength, out FrameError error))
            return error;
        return new FrameError(FrameErrorKind.PayloadTruncated, (ulong)payloadLength, 0, reader.Remaining);
    }

    /// <summary>
    /// The span form for callers that hold contiguous bytes (the inspector's framers): reads the length prefix at the
    /// start of <paramref name="prefix"/>, which must hold at least <see cref="FramingSpec.HeaderSize"/> bytes, and
    /// checks it as <see cref="TryReadFrame"/> does.
    /// </summary>
    internal static bool TryReadPayloadLength(ReadOnlySpan<byte> prefix, FramingSpec spec, out long payloadLength, out FrameError error)
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

    private static bool TryGetPayloadLength(ulong length, FramingSpec spec, out long payloadLength, out FrameError error)
    {
        payloadLength = 0;
        error = default;
        // MaxFrame is a long, so this also rejects u64 lengths above long.MaxValue that no sequence could hold.
        if (length > (ulong)spec.MaxFrame)
        {
            error = new FrameError(FrameErrorKind.TooLong, length, spec.MaxFrame);
            return false;
        }
        if (spec.LengthIncludesHeader)
        {
            if (length < (ulong)spec.HeaderSize)
            {
                error = new FrameError(FrameErrorKind.ShorterThanHeader, length, spec.HeaderSize);
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
