using System.Diagnostics.CodeAnalysis;

namespace ProtoScope.Core.Framing;

/// <summary>Byte order of a length prefix. A one-byte prefix reports <see cref="BigEndian"/>; order does not matter for it.</summary>
public enum ByteOrder : byte { LittleEndian, BigEndian }

/// <summary>How a <see cref="FramingSpec"/> finds where a message ends.</summary>
public enum FramingMethod : byte
{
    /// <summary>An unsigned length prefix, then that many payload bytes (<see cref="MessageReader"/>).</summary>
    LengthPrefix,
    /// <summary>Text lines: each message ends at LF, a CRLF ending stripped too (<see cref="LineFramer"/>).</summary>
    Line,
    /// <summary>HTTP/1.x requests and responses, RFC 9112 (<see cref="HttpFramer"/>).</summary>
    Http,
}

/// <summary>
/// How a stream is cut into messages: an unsigned length prefix of 1, 2, 4 or 8 bytes in either byte order,
/// followed by the payload; or, for the inspector only, text lines or HTTP/1.x messages. Parsed from the names
/// used on the command line (<c>u32le</c>, <c>u16be</c>, ..., <c>line</c>, <c>http</c>).
/// </summary>
/// <remarks>
/// <see cref="MaxMessage"/> bounds the value of the length field as read from the wire (so with
/// <see cref="LengthIncludesHeader"/> it counts the header too), a line's length, or an HTTP body's. It protects
/// receivers only: <see cref="MessageWriter"/> ignores it, which lets a test client send a frame a server must refuse.
/// <see cref="MessageReader"/> and <see cref="MessageWriter"/> take length-prefix specs only: the peers never parse
/// <c>line</c> or <c>http</c> (<see cref="TryParse"/> refuses them unless asked).
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

    /// <summary>Text lines (<c>line</c>): a message ends at LF; its length is the line's without the LF or CRLF.</summary>
    public static readonly FramingSpec Line = new("line", 0, ByteOrder.BigEndian, FramingMethod.Line);

    /// <summary>HTTP/1.x (<c>http</c>): a message is a request or response head and its body.</summary>
    public static readonly FramingSpec Http = new("http", 0, ByteOrder.BigEndian, FramingMethod.Http);

    private static readonly FramingSpec[] Text = [Line, Http];

    /// <summary>Every length-prefix spec name, the default first.</summary>
    public static IReadOnlyList<string> Names { get; } = Array.ConvertAll(Known, s => s.Name);

    /// <summary>The names of the framings that are not length prefixes: <c>line</c>, <c>http</c>.</summary>
    public static IReadOnlyList<string> TextNames { get; } = Array.ConvertAll(Text, s => s.Name);

    /// <summary>
    /// 64 KiB: the largest HTTP header block (start line, header fields, blank line) or trailer section accepted.
    /// Servers refuse far less (Kestrel 32 KiB, nginx 8 KiB a line by default), so a longer one is not HTTP.
    /// </summary>
    public const int MaxHttpHead = 64 * 1024;

    private FramingSpec(string name, int headerSize, ByteOrder byteOrder, FramingMethod method = FramingMethod.LengthPrefix)
    {
        Name = name;
        HeaderSize = headerSize;
        ByteOrder = byteOrder;
        Method = method;
    }

    /// <summary>A length prefix, lines or HTTP.</summary>
    public FramingMethod Method { get; }

    /// <summary>The spec's name as parsed, e.g. <c>u16be</c>.</summary>
    public string Name { get; }

    /// <summary>Bytes in the length prefix: 1, 2, 4 or 8 (0 for <c>line</c> and <c>http</c>).</summary>
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

    /// <summary>
    /// Parses a spec name (case-insensitive); <c>line</c> and <c>http</c> only with <paramref name="textFramings"/>
    /// (the inspector cuts them, the peers do not). On failure <paramref name="error"/> names the valid specs.
    /// </summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out FramingSpec? spec, out string error, bool textFramings = false)
    {
        string name = text?.Trim() ?? "";
        foreach (FramingSpec known in textFramings ? [.. Known, .. Text] : Known)
        {
            if (string.Equals(known.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                spec = known;
                error = "";
                return true;
            }
        }
        spec = null;
        error = $"unknown framing '{text}'; valid: {string.Join(", ", textFramings ? [.. Names, .. TextNames] : Names)}";
        return false;
    }

    /// <exception cref="FormatException">The text is not a spec name.</exception>
    public static FramingSpec Parse(string text, bool textFramings = false) =>
        TryParse(text, out FramingSpec? spec, out string error, textFramings) ? spec : throw new FormatException(error);

    public override string ToString() => Name;
}
