using System.Globalization;
using System.Text;

namespace ProtoScope.Core.Formatting;

/// <summary>
/// Makes text taken from packets, files or the command line safe to write to a terminal: whatever a terminal could
/// act on is written as a visible escape instead, so a packet cannot retitle, clear or reprogram the user's terminal
/// (ESC ] 0 ; title BEL, CSI 2 J) nor reorder what the user reads (Trojan Source, CVE-2021-42574). Every view that
/// shows such text (CLI lines, log lines, error messages, the TUI's payload and frame previews) goes through here.
/// </summary>
/// <remarks>
/// <para>What is escaped, and how:</para>
/// <list type="bullet">
/// <item>C0 controls and DEL (U+0000–U+001F, U+007F): <c>\x1b</c>, <c>\x00</c>; also tab and newline (<c>\x09</c>,
/// <c>\x0a</c>), so the result is always one line. Like <c>cat -v</c>, but unambiguous and copy-pasteable.</item>
/// <item>C1 controls (U+0080–U+009F; U+009B is a one-character CSI), Unicode format characters (category Cf: the bidi
/// overrides U+202A–U+202E and isolates U+2066–U+2069, zero-width characters), the line and paragraph separators
/// U+2028/U+2029, and unpaired surrogates: <c>\u202e</c>.</item>
/// <item>Bytes that are not valid UTF-8 (in the byte overload): <c>\xff</c>, one escape per byte.</item>
/// <item>The backslash itself: <c>\\</c>, so an escape in the output always means an escaped character.</item>
/// </list>
/// Everything else, including printable non-ASCII text such as "你好", is kept as it is.
/// </remarks>
public static class TerminalText
{
    /// <summary>Returns <paramref name="text"/> with every character a terminal could act on escaped (see the type's remarks).</summary>
    public static string Escape(string text)
    {
        if (!NeedsEscape(text)) return text;
        var sb = new StringBuilder(text.Length + 16);
        Append(sb, text);
        return sb.ToString();
    }

    /// <summary>Decodes <paramref name="utf8"/> as UTF-8 and returns it escaped; invalid bytes become <c>\xNN</c>.</summary>
    public static string Escape(ReadOnlySpan<byte> utf8)
    {
        var sb = new StringBuilder(utf8.Length + 16);
        Append(sb, utf8);
        return sb.ToString();
    }

    /// <summary>Appends <paramref name="text"/> escaped.</summary>
    public static StringBuilder Append(StringBuilder sb, ReadOnlySpan<char> text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                var rune = new Rune(c, text[i + 1]);
                if (IsUnsafe(rune)) AppendCodePoint(sb, rune.Value);
                else sb.Append(c).Append(text[i + 1]);
                i++;
            }
            else if (char.IsSurrogate(c))
                AppendCodePoint(sb, c);
            else
                AppendRune(sb, new Rune(c));
        }
        return sb;
    }

    /// <summary>Appends <paramref name="utf8"/> decoded and escaped; each byte of an invalid sequence becomes <c>\xNN</c>.</summary>
    public static StringBuilder Append(StringBuilder sb, ReadOnlySpan<byte> utf8)
    {
        while (!utf8.IsEmpty)
        {
            var status = Rune.DecodeFromUtf8(utf8, out Rune rune, out int consumed);
            if (status == System.Buffers.OperationStatus.Done)
                AppendRune(sb, rune);
            else
                for (int i = 0; i < consumed; i++) AppendByte(sb, utf8[i]);
            utf8 = utf8[consumed..];
        }
        return sb;
    }

    private static bool NeedsEscape(string text)
    {
        foreach (char c in text)
            if (c < 0x20 || c >= 0x7F || c == '\\') return true;
        return false;
    }

    private static void AppendRune(StringBuilder sb, Rune rune)
    {
        int v = rune.Value;
        if (v == '\\') sb.Append(@"\\");
        else if (v < 0x20 || v == 0x7F) AppendByte(sb, (byte)v);
        else if (IsUnsafe(rune)) AppendCodePoint(sb, v);
        else if (rune.IsBmp) sb.Append((char)v);
        else sb.Append(rune.ToString());
    }

    private static bool IsUnsafe(Rune rune) => Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format
        or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Surrogate;

    private static void AppendByte(StringBuilder sb, byte b) => sb.Append(@"\x").Append(b.ToString("x2", CultureInfo.InvariantCulture));

    private static void AppendCodePoint(StringBuilder sb, int v) =>
        sb.Append(v > 0xFFFF ? @"\U" : @"\u").Append(v.ToString(v > 0xFFFF ? "x8" : "x4", CultureInfo.InvariantCulture));
}
