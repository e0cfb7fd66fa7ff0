using System.Buffers.Binary;

namespace ProtoScope.Cli.Tests;

/// <summary>Bad input gets one line on stderr that names the file and the problem, exit code 2, and nothing is lost.</summary>
public sealed partial class ReadBadInputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("protoscope-bad-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Corpus(string name) => Path.Combine(Repo.Corpus, "tcpdump", "captures", name);

    private static void AssertOneLineError(CliResult r, params string[] mentions)
    {
        Assert.Equal(2, r.ExitCode);
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("protoscope: ", lines[0]);
        foreach (var m in mentions) Assert.Contains(m, lines[0]);
        Assert.DoesNotContain("   at ", r.Stderr);
    }

    [Fact]
    public void Missing_file()
    {
        var path = Path.Combine(_dir, "nope.pcap");
        AssertOneLineError(CliRunner.Run("read", path), path, "no such file");
    }

    [Fact]
    public void A_directory()
    {
        AssertOneLineError(CliRunner.Run("read", _dir), _dir, "directory");
    }

    [Fact]
    public void A_file_that_is_not_a_capture()
    {
        var path = Path.Combine(_dir, "notes.txt");
        File.WriteAllText(path, "these are not packets, just some words in a text file\n");
        AssertOneLineError(CliRunner.Run("read", path), path, "not a capture file", "pcap or pcapng");
    }

    [Fact]
    public void An_empty_file()
    {
        var path = Path.Combine(_dir, "empty.pcap");
        File.WriteAllBytes(path, []);
        AssertOneLineError(CliRunner.Run("read", path), path, "empty");
    }

    [Theory]
    [InlineData("empty.pcap")]
    [InlineData("empty.pcapng")]
    public void A_header_only_capture_is_an_empty_capture_not_an_error(string name)
    {
        var r = CliRunner.Run("read", Corpus(name), "--format", "jsonl");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("", r.Stdout);
        Assert.Equal("", r.Stderr);
    }

    [Fact]
    public void Unknown_format_is_a_usage_error()
    {
        var r = CliRunner.Run("read", Corpus("dns_tcp.pcap"), "--format", "xml");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("xml", r.Stderr);
    }

    /// <summary>
    /// The capture cut at every byte offset: the packets whose records are complete are all printed (counted
    /// here by walking the pcap record headers), then one warning; a cut on a record boundary is a clean end.
    /// </summary>
    [Fact]
    public void A_capture_cut_at_any_byte_still_shows_every_complete_packet()
    {
        var whole = File.ReadAllBytes(Corpus("dns_tcp.pcap"));
        var boundaries = RecordBoundaries(whole);
        var path = Path.Combine(_dir, "cut.pcap");
        for (int cut = 1; cut < whole.Length; cut++)
        {
            File.WriteAllBytes(path, whole[..cut]);
            if (cut < 24)
            {
                // Not even the file header: nothing to show.
                var header = CliRunner.Run("read", path, "--format", "jsonl");
                AssertOneLineError(header, path);
                Assert.Equal("", header.Stdout);
                continue;
            }
            var r = CliRunner.Run("read", path, "--format", "jsonl");
            int complete = boundaries.Count(b => b <= cut) - 1;
            Assert.Equal(complete, r.JsonLines().Count());
            if (boundaries.Contains(cut))
            {
                Assert.Equal(0, r.ExitCode);
            }
            else
            {
                AssertOneLineError(r, path, "truncated", $"the {complete} packets before it are shown");
            }
        }
    }

    /// <summary>Offsets where a record starts (and the end of the file), read from the classic pcap layout.</summary>
    private static List<int> RecordBoundaries(byte[] pcap)
    {
        var result = new List<int>();
        int offset = 24;
        while (offset <= pcap.Length)
        {
            result.Add(offset);
            if (offset + 16 > pcap.Length) break;
            offset += 16 + BinaryPrimitives.ReadInt32LittleEndian(pcap.AsSpan(offset + 8));
        }
        return result;
    }

    [Fact]
    public void Malformed_packets_decode_with_an_error_and_the_next_packet_is_fine()
    {
        foreach (var name in new[] { "tcp_header_heapoverflow.pcap", "udp-length-heapoverflow.pcap", "bad-ipv4-version-pgm-heapoverflow.pcap", "ipv4_invalid_hdr_length.pcap", "ipv6_invalid_length.pcap", "ipv6-bad-version.pcap" })
        {
            var r = CliRunner.Run("read", Corpus(name), "--format", "jsonl");
            Assert.Equal(0, r.ExitCode);
            Assert.Contains(r.JsonLines(), p => p.TryGetProperty("error", out _));
        }
    }
}
