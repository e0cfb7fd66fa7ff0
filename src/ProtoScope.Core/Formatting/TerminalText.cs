using System.Globalization;
using System.Text;

namespace ProtoScope.Core.Formatting;

/// <summary>
/// Renders captured bytes, and any text taken from packets, files or the command line, for a terminal. Such text is
/// hostile: an escape sequence can move the cursor, retitle the window (ESC ] 0 ; title BEL) or clear it (CSI 2 J),
/// and bidirectional controls can reorder a line (CVE-2021-42574). So nothing but printable characters reaches the
/// terminal: control characters are written as escapes, the way <c>cat -v</c> and Wireshark's follow view make them
/// visible, and a backslash as <c>\\</c>, so every escape in the output stands for an escaped character. Every view
/// (CLI lines and messages, echo logs, the TUI) goes through here.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>C0 controls and DEL: <c>\n</c>, <c>\t</c>, <c>\r</c> (kept as such when multi-line), others <c>\x1b</c>, <c>\x00</c>, <c>\x7f</c>.</item>
/// <item>C1 controls (U+0080–U+009F; U+009B is a one-character CSI), format characters (bidi overrides U+202A–U+202E,
/// isolates U+2066–U+2069, zero-width marks), line and paragraph separators, private-use and unassigned code points:
/// <c>\u009b</c>, <c>\u202e</c>; beyond the BMP <c>\U000e0001</c>.</item>
/// <item>Bytes that are not UTF-8, and unpaired surrogates in strings: <c>\xff</c>, <c>\ud800</c>.</item>
/// </list>
/// Printable text in any script is kept as it is.
/// </remarks>
public static class TerminalText
{
    /// <summary>
    /// Appends the UTF-8 text in <paramref name="bytes"/>, escaped. Invalid bytes become <c>\xNN</c>. With
    /// <paramref name="multiline"/>, newlines and tabs are kept as such. Returns how many bytes were used: an
    /// incomplete character at the end is left for the next call when <paramref name="final"/> is false.
    /// </summary>
    public static int AppendEscaped(StringBuilder sb, ReadOnlySpan<byte> bytes, bool multiline, bool final = true)
    {
        int i = 0;
        while (i < bytes.Length)
        {
            var status = Rune.DecodeFromUtf8(bytes[i..], out Rune rune, out int used);
            if (status == System.Buffers.OperationStatus.NeedMoreData && !final) return i;
            if (status != System.Buffers.OperationStatus.Done)
            {
                for (int k = 0; k < used; k++) sb.Append(CultureInfo.InvariantCulture, $"\\x{bytes[i + k]:x2}");
                i += Math.Max(used, 1);
                continue;
            }
            AppendRune(sb, rune, multiline);
            i += used;
        }
        return i;
    }

    /// <summary>The whole of <paramref name="bytes"/>, escaped, on one line.</summary>
    public static string Escape(ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder(bytes.Length);
        AppendEscaped(sb, bytes, multiline: false);
        return sb.ToString();
    }

    /// <summary>
    /// <paramref name="text"/> escaped on one line: for messages, log lines and names that may quote a file name, an
    /// argument or a peer's words. Returns the same string when nothing needs escaping.
    /// </summary>
    public static string Escape(string text)
    {
        if (!NeedsEscape(text)) return text;
        var sb = new StringBuilder(text.Length + 16);
        for (int i = 0; i < text.Length; i++)
        {
            if (Rune.TryGetRuneAt(text, i, out Rune rune))
            {
                AppendRune(sb, rune, multiline: false);
                i += rune.Utf16SequenceLength - 1;
            }
            else
                sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)text[i]:x4}");
        }
        return sb.ToString();
    }

    private static bool NeedsEscape(string text)
    {
        foreach (char c in text)
            if (c < 0x20 || c >= 0x7F || c == '\\') return true;
        return false;
    }

    /// <summary>
    /// True when the bytes read as text: valid UTF-8 (a character cut at the end is allowed, for previews) with no
    /// control characters but tab, newline and carriage return.
    /// </summary>
    public static bool LooksLikeText(ReadOnlySpan<byte> bytes)
    {
        int i = 0;
        while (i < bytes.Length)
        {
            var status = Rune.DecodeFromUtf8(bytes[i..], out Rune rune, out int used);
            if (status == System.Buffers.OperationStatus.NeedMoreData) return i > 0;
            if (status != System.Buffers.OperationStatus.Done) return false;
            if (IsControl(rune) && rune.Value is not ('\t' or '\n' or '\r')) return false;
            i += used;
        }
        return true;
    }

    /// <summary>
    /// A one-line preview: <c>"text"</c> (escaped) when the bytes look like text, else space-separated hex.
    /// <paramref name="total"/> is the full length; an ellipsis marks a preview shorter than it.
    /// </summary>
    public static string Preview(ReadOnlySpan<byte> bytes, long total, int maxBytes = 48)
    {
        var shown = bytes[..Math.Min(bytes.Length, maxBytes)];
        bool more = total > shown.Length;
        if (LooksLikeText(shown))
        {
            var sb = new StringBuilder(shown.Length + 8).Append('"');
            AppendEscaped(sb, shown, multiline: false, final: !more);
            return sb.Append('"').Append(more ? "…" : "").ToString();
        }
        var hex = new StringBuilder(shown.Length * 3 + 2);
        foreach (byte b in shown)
            hex.Append(hex.Length > 0 ? " " : "").Append(CultureInfo.InvariantCulture, $"{b:x2}");
        return hex.Append(more ? " …" : "").ToString();
    }

    private static void AppendRune(StringBuilder sb, Rune rune, bool multiline)
    {
        int v = rune.Value;
        if (v == '\\') sb.Append("\\\\");
        else if (multiline && (v == '\n' || v == '\t')) sb.Append((char)v);
        else if (v == '\n') sb.Append("\\n");
        else if (v == '\t') sb.Append("\\t");
        else if (v == '\r') sb.Append("\\r");
        else if (v < 0x20 || v == 0x7f) sb.Append(CultureInfo.InvariantCulture, $"\\x{v:x2}");
        else if (IsControl(rune) && v > 0xFFFF) sb.Append(CultureInfo.InvariantCulture, $"\\U{v:x8}");
        else if (IsControl(rune)) sb.Append(CultureInfo.InvariantCulture, $"\\u{v:x4}");
        else sb.Append(rune.ToString());
    }

    /// <summary>C0, DEL, C1, and the invisible format characters (bidi overrides and isolates, line and paragraph separators, zero-width marks).</summary>
    private static bool IsControl(Rune rune)
    {
        var category = Rune.GetUnicodeCategory(rune);
        return category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
            or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned;
    }
}
