using System.Text;
using ProtoScope.Cli.Tests.Traffic;

namespace ProtoScope.Cli.Tests;

/// <summary>
/// Streams that are not well framed, sent over real loopback sockets and echoed back: each direction shows a framing
/// error with the offset of the frame that failed, the frames before it are intact, and nothing throws. Also: bytes
/// off the wire never reach the terminal as control characters.
/// </summary>
[Collection(EchoCaptures.Collection)]
public sealed class FramesBadStreamTests(EchoCaptures captures)
{
    private static byte[] Frame(string text)
    {
        byte[] payload = Encoding.UTF8.GetBytes(text);
        return [.. BitConverter.GetBytes(payload.Length), .. payload];
    }

    private static void AssertErrorBothWays(string pcap, int port, int framesBefore, long offset, string reason)
    {
        var r = CliRunner.Run("frames", pcap, "--port", $"{port}", "--format", "jsonl");
        Assert.Equal(0, r.ExitCode);
        foreach (string dir in new[] { "orig", "resp" })
        {
            var lines = r.JsonLines().Where(l => l.GetProperty("dir").GetString() == dir).ToList();
            Assert.Equal(framesBefore, lines.Count(l => l.TryGetProperty("kind", out _)));
            var error = Assert.Single(lines, l => l.TryGetProperty("error", out _));
            Assert.Equal(offset, error.GetProperty("offset").GetInt64());
            Assert.Equal(reason, error.GetProperty("error").GetString());
        }
        var text = CliRunner.Run("frames", pcap, "--port", $"{port}");
        Assert.Contains($"tcp 0 orig framing error at offset {offset}: {reason}", text.Stdout);
    }

    [Fact]
    public void A_stream_that_ends_mid_frame()
    {
        byte[] stream = [.. Frame("hello"), .. Frame("你好，世界")[..10]];
        AssertErrorBothWays(captures.RawTcpOnLoopback("mid", stream, 9301), 9301, 1, 9, "stream ended mid-frame (6 of 15 payload bytes)");
    }

    [Fact]
    public void A_length_of_0xFFFFFFFF()
    {
        byte[] stream = [.. Frame("hello"), 0xFF, 0xFF, 0xFF, 0xFF, .. Frame("after")];
        AssertErrorBothWays(captures.RawTcpOnLoopback("ffff", stream, 9302), 9302, 1, 9, "length 4294967295 exceeds --max-frame 16777216");
    }

    [Fact]
    public void A_three_byte_stream()
    {
        AssertErrorBothWays(captures.RawTcpOnLoopback("three", [3, 0, 0], 9303), 9303, 0, 0, "stream ended mid-frame (3 of 4 header bytes)");
    }

    [Fact]
    public void Without_a_port_a_stream_that_never_parses_is_not_framed_rather_than_an_error()
    {
        string pcap = captures.RawTcpOnLoopback("http", "GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray(), 9304);
        var r = CliRunner.Run("frames", pcap, "--format", "jsonl");
        Assert.Equal(0, r.ExitCode);
        Assert.All(r.JsonLines(), l => Assert.Equal("not_framed", l.GetProperty("kind").GetString()));
        Assert.Equal(2, r.JsonLines().Count());
    }

    /// <summary>An escape sequence that would retitle the window and clear the screen, a bell, a bidi override.</summary>
    [Fact]
    public void Control_characters_off_the_wire_are_shown_escaped_never_sent_to_the_terminal()
    {
        string hostile = "title\u001b]0;pwned\u0007\u001b[2J\r\u202eevil";
        string pcap = captures.RawTcpOnLoopback("hostile", [.. Frame(hostile), .. Frame("plain text 你好")], 9305);
        foreach (string[] args in new[] { new[] { "frames", pcap }, ["frames", pcap, "--payload"], ["follow", pcap, "--conn", "0"], ["follow", pcap, "--conn", "0", "--hex"] })
        {
            var r = CliRunner.Run(args);
            Assert.Equal(0, r.ExitCode);
            Assert.DoesNotContain(r.Stdout, c => c < 0x20 && c != '\n' && c != '\t' || c == 0x7f || c is >= '\u0080' and <= '\u009f' || c == '\u202e');
            // frames previews a payload with control characters as hex (it is not plain text); follow shows it escaped.
            if (args[0] == "follow" && !args.Contains("--hex"))
                Assert.Contains(@"\x1b]0;pwned\x07\x1b[2J\r\u202eevil", r.Stdout);
            if (!args.Contains("--hex"))
                Assert.Contains("plain text 你好", r.Stdout);
        }
    }
}
