using System.Diagnostics.CodeAnalysis;

namespace ProtoScope.Core.Framing;

/// <summary>Byte order of a length prefix. A one-byte prefix reports <see cref="BigEndian"/>; order does not matter for it.</summary>
public enum ByteOrder : byte { LittleEndian, BigEndian }

/// <summary>
/// How a stream is cut into frames: an unsigned length prefix of 1, 2, 4 or 8 bytes in either byte order,
/// followed by the payload. Parsed from the names used on the command line (<c>u32le</c>, <c>u16be</c>, ...).
/// </summary>
/// <remarks>
/// <see cref="MaxMessage"/> bounds the value of the length field as read from the wire (so with
/// <see cref="LengthIncludesHeader"/> it counts the header too). It protects receivers only:
/// <see cref="MessageWriter"/> ignores it, which lets a test client send a frame a server must refuse.
/// </remarks>
public sealed record FramingSpec
{
    /// <summary>16 MiB: big enough for any test payload, small enough that a garbage length cannot make a peer allocate gigabytes.</summary>
    public const long DefaultMaxFrame = 16 * 1024 * 1024;

    /// <summary><c>u32le</c>: what Python's <c>struct.pack('I', n)</c> writes on x86, the most common ad-hoc prefix.</summary>
    public static readonly FramingSpec Default = new("u32le", 4, ByteOrder.LittleEndian);

    private static readonly FramingSpec[] Known =
    [
        Default,
        new("u32be", 4, ByteOrder.BigEndian),
        new("u16le", 2, ByteOrder.LittleEndian),
        new("u16be", 2, ByteOrder.BigEndian),
        new("u8", 1, ByteOrder.BigEndian),
        new("u64le", 8, ByteOrder.LittleEndian),
        new("u64be", 8, ByteOrder.BigEndian),
    ];

    /// <summary>Every spec name, the default first.</summary>
    public static IReadOnlyList<string> Names { get; } = Array.ConvertAll(Known, s => s.Name);

    private FramingSpec(string name, int headerSize, ByteOrder byteOrder)
    {
        Name = name;
        HeaderSize = headerSize;
        ByteOrder = byteOrder;
    }

    /// <summary>The spec's name as parsed, e.g. <c>u16be</c>.</summary>
    public string Name { get; }

    /// <summary>Bytes in the length prefix: 1, 2, 4 or 8.</summary>
    public int HeaderSize { get; }

    public ByteOrder ByteOrder { get; }

    /// <summary>The length field counts the prefix itself (as in e.g. TPKT or some game protocols), not only the payload.</summary>
    public bool LengthIncludesHeader { get; init; }

    /// <summary>The largest length field value a reader accepts; larger lengths are rejected before any payload is awaited.</summary>
    public long MaxMessage
    {
        get;
        init => field = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "max frame must not be negative");
    } = DefaultMaxFrame;

    /// <summary>The largest value the length field can hold (255 for u8, ..., ulong.MaxValue for u64).</summary>
    public ulong LargestLength => HeaderSize == 8 ? ulong.MaxValue : (1UL << (8 * HeaderSize)) - 1;

    /// <summary>The largest payload a frame of this spec can describe, ignoring <see cref="MaxMessage"/>.</summary>
    public long LargestPayload
    {
        get
        {
            ulong largest = LengthIncludesHeader ? LargestLength - (ulong)HeaderSize : LargestLength;
            return largest > long.MaxValue ? long.MaxValue : (long)largest;
        }
    }

    /// <summary>Parses a spec name (case-insensitive). On failure <paramref name="error"/> names the valid specs.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out FramingSpec? spec, out string error)
    {
        string name = text?.Trim() ?? "";
        foreach (FramingSpec known in Known)
        {
            if (string.Equals(known.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                spec = known;
                error = "";
                return true;
            }
        }
        spec = null;
        error = $"unknown framing '{text}'; valid: {string.Join(", ", Names)} (default {Default.Name})";
        return false;
    }

    /// <exception cref="FormatException">The text is not a spec name.</exception>
    public static FramingSpec Parse(string text) =>
        TryParse(text, out FramingSpec? spec, out string error) ? spec : throw new FormatException(error);

    public override string ToString() => Name;
}
