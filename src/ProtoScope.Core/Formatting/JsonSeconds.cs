using System.Buffers.Text;
using System.Text.Json;

namespace ProtoScope.Core.Formatting;

/// <summary>
/// Nanoseconds written as a JSON number of seconds, exactly and without trailing zeros: 1.5, 0.000001,
/// 1700000000.123456789. The same text as dividing by 1e9 in <c>decimal</c> and formatting that, which is what the
/// schemas were first written with, without decimal arithmetic: that division and its formatting were a third of
/// `conns --format jsonl`'s JSON time.
/// </summary>
internal static class JsonSeconds
{
    /// <summary>Longest text: a sign, 10 digits of whole seconds (long.MaxValue ns), a point and 9 digits.</summary>
    public const int MaxLength = 21;

    public static void Write(Utf8JsonWriter w, JsonEncodedText name, long ns)
    {
        w.WritePropertyName(name);
        WriteValue(w, ns);
    }

    public static void Write(Utf8JsonWriter w, string name, long ns)
    {
        w.WritePropertyName(name);
        WriteValue(w, ns);
    }

    private static void WriteValue(Utf8JsonWriter w, long ns)
    {
        Span<byte> text = stackalloc byte[MaxLength];
        w.WriteRawValue(text[..Format(ns, text)], skipInputValidation: true);
    }

    /// <summary>Writes the seconds into <paramref name="into"/> (at least <see cref="MaxLength"/> bytes) and returns the length.</summary>
    public static int Format(long ns, Span<byte> into)
    {
        int at = 0;
        ulong magnitude = ns < 0 ? (ulong)-(ns + 1) + 1 : (ulong)ns;
        if (ns < 0) into[at++] = (byte)'-';
        ulong whole = magnitude / 1_000_000_000, fraction = magnitude % 1_000_000_000;
        Utf8Formatter.TryFormat(whole, into[at..], out int written);
        at += written;
        if (fraction == 0) return at;
        into[at++] = (byte)'.';
        int digits = 9;
        while (fraction % 10 == 0)
        {
            fraction /= 10;
            digits--;
        }
        Utf8Formatter.TryFormat(fraction, into.Slice(at, digits), out _, new System.Buffers.StandardFormat('D', (byte)digits));
        return at + digits;
    }
}
