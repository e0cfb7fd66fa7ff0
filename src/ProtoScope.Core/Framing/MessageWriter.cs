using System.Buffers;
using System.Buffers.Binary;

namespace ProtoScope.Core.Framing;

/// <summary>Writes length-prefixed frames; the inverse of <see cref="MessageReader"/>. Layout: see MessageReader.cs.</summary>
public static class MessageWriter
{
    /// <summary>Bytes on the wire for a payload of <paramref name="payloadLength"/> bytes: prefix plus payload.</summary>
    public static long GetFramedSize(long payloadLength, FramingSpec spec) => checked(spec.HeaderSize + payloadLength);

    /// <summary>
    /// Writes the length prefix for a payload of <paramref name="payloadLength"/> bytes into the first
    /// <see cref="FramingSpec.HeaderSize"/> bytes of <paramref name="destination"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The payload does not fit the prefix (e.g. 300 bytes with u8): a caller bug.</exception>
    public static void WriteHeader(Span<byte> destination, long payloadLength, FramingSpec spec)
    {
        if (payloadLength < 0 || payloadLength > spec.LargestPayload)
            throw new ArgumentOutOfRangeException(nameof(payloadLength), payloadLength,
                $"a {spec.Name} frame holds at most {spec.LargestPayload} payload bytes");
        ulong length = (ulong)payloadLength + (spec.LengthIncludesHeader ? (ulong)spec.HeaderSize : 0);
        bool big = spec.ByteOrder == ByteOrder.BigEndian;
        switch (spec.HeaderSize)
        {
            case 1:
                destination[0] = (byte)length;
                break;
            case 2:
                if (big) BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)length);
                else BinaryPrimitives.WriteUInt16LittleEndian(destination, (ushort)length);
                break;
            case 4:
                if (big) BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)length);
                else BinaryPrimitives.WriteUInt32LittleEndian(destination, (uint)length);
                break;
            default:
                if (big) BinaryPrimitives.WriteUInt64BigEndian(destination, length);
                else BinaryPrimitives.WriteUInt64LittleEndian(destination, length);
                break;
        }
    }

    /// <summary>Writes one frame (prefix and a copy of <paramref name="payload"/>) to <paramref name="output"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The payload does not fit the prefix.</exception>
    public static void Write(IBufferWriter<byte> output, ReadOnlySpan<byte> payload, FramingSpec spec)
    {
        WriteHeader(output.GetSpan(spec.HeaderSize), payload.Length, spec);
        output.Advance(spec.HeaderSize);
        output.Write(payload);
    }

    /// <summary>Writes one frame whose payload is a (possibly multi-segment) sequence, e.g. a payload just read by <see cref="MessageReader"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The payload does not fit the prefix.</exception>
    public static void Write(IBufferWriter<byte> output, in ReadOnlySequence<byte> payload, FramingSpec spec)
    {
        WriteHeader(output.GetSpan(spec.HeaderSize), payload.Length, spec);
        output.Advance(spec.HeaderSize);
        foreach (ReadOnlyMemory<byte> segment in payload)
            output.Write(segment.Span);
    }
}
