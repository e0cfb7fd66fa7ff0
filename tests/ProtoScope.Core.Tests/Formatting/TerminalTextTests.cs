using System.Text;
using ProtoScope.Core.Formatting;

namespace ProtoScope.Core.Tests.Formatting;

/// <summary>A packet must not be able to retitle, clear or reprogram the terminal: what a terminal acts on is shown escaped.</summary>
public class TerminalTextTests
{
    public static TheoryData<string, byte[], string> Hostile => new()
    {
        // OSC 0: set the window title, ended by BEL.
        { "OSC title", [0x1b, .. "]0;pwned"u8, 0x07], @"\x1b]0;pwned\x07" },
        // CSI 2 J: clear the screen; CSI 1 ; 31 m: colours.
        { "CSI clear", [0x1b, .. "[2J"u8], @"\x1b[2J" },
        { "SGR", [0x1b, .. "[1;31mred"u8], @"\x1b[1;31mred" },
        // U+009B is a one-character CSI in terminals that honour C1 (UTF-8 C2 9B).
        { "C1 CSI", [0xc2, 0x9b, .. "2J"u8], @"\u009b2J" },
        // A lone 0x9b byte is not UTF-8: shown as a byte.
        { "raw 0x9b", [0x9b, .. "2J"u8], @"\x9b2J" },
        // U+202E RIGHT-TO-LEFT OVERRIDE makes "txt.exe" read "exe.txt"; isolates (U+2066) likewise.
        { "bidi override", [.. "a"u8, 0xe2, 0x80, 0xae, .. "txt.exe"u8], @"a\u202etxt.exe" },
        { "bidi isolate", [0xe2, 0x81, 0xa6, .. "x"u8, 0xe2, 0x81, 0xa9], @"\u2066x\u2069" },
        { "NUL", [.. "a"u8, 0x00, .. "b"u8], @"a\x00b" },
        { "DEL", [.. "a"u8, 0x7f], @"a\x7f" },
        { "newline and tab stay on one line", [.. "a\r\n\tb"u8], @"a\r\n\tb" },
        // Invalid UTF-8: a stray continuation byte, an overlong encoding of '/', a truncated 3-byte sequence at the end.
        { "invalid UTF-8", [0x80, 0xc0, 0xaf, .. "ok"u8, 0xe4, 0xbd], @"\x80\xc0\xafok\xe4\xbd" },
        { "backslash is doubled", [.. @"C:\x1b"u8], @"C:\\x1b" },
        { "printable text is kept", [.. "héllo, 你好 🙂"u8], "héllo, 你好 🙂" },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void Bytes_are_shown_with_every_control_escaped(string what, byte[] input, string expected)
    {
        string shown = TerminalText.Escape(input);
        Assert.Equal(expected, shown);
        AssertInert(shown, what);
    }

    [Theory]
    [MemberData(nameof(Hostile))]
    public void Strings_are_escaped_the_same_way_where_they_are_valid_UTF8(string what, byte[] input, string expected)
    {
        // A string cannot hold invalid UTF-8 bytes: decoding replaces them, so only compare valid inputs.
        var strict = new UTF8Encoding(false, throwOnInvalidBytes: true);
        string text;
        try { text = strict.GetString(input); }
        catch (DecoderFallbackException) { return; }
        Assert.Equal(expected, TerminalText.Escape(text));
        AssertInert(TerminalText.Escape(text), what);
    }

    [Fact]
    public void Unpaired_surrogates_and_supplementary_format_characters_are_escaped()
    {
        Assert.Equal(@"a\ud800b", TerminalText.Escape("a\ud800b"));
        // U+E0001 LANGUAGE TAG (category Cf, outside the BMP).
        Assert.Equal(@"\U000e0001", TerminalText.Escape(char.ConvertFromUtf32(0xE0001)));
    }

    [Fact]
    public void Every_byte_value_alone_comes_out_inert()
    {
        for (int b = 0; b < 256; b++)
            AssertInert(TerminalText.Escape([(byte)b]), $"byte 0x{b:x2}");
    }

    [Fact]
    public void Safe_text_is_returned_as_is()
    {
        const string text = "127.0.0.1:9000 connected";
        Assert.Same(text, TerminalText.Escape(text));
    }

    /// <summary>Nothing a terminal acts on: no C0, DEL, C1, format or separator characters.</summary>
    internal static void AssertInert(string shown, string what)
    {
        foreach (var rune in shown.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            Assert.False(category is System.Globalization.UnicodeCategory.Control or System.Globalization.UnicodeCategory.Format
                    or System.Globalization.UnicodeCategory.LineSeparator or System.Globalization.UnicodeCategory.ParagraphSeparator
                    or System.Globalization.UnicodeCategory.Surrogate,
                $"{what}: U+{rune.Value:X4} reaches the terminal in '{shown}'");
        }
    }
}
