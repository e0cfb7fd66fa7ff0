namespace ProtoScope.Cli.Tests;

/// <summary>--framing line and http: where they are taken, and the one-line error (exit 2) where they are not.</summary>
public class FramingChoiceTests
{
    private static readonly string Http = Path.Combine(Repo.Captures, "http.pcap");

    /// <summary>The line names the verb's own default: frames cuts u32le without --framing, follow shows turns.</summary>
    [Theory]
    [InlineData("line, http, or none (default u32le)", "frames", "--framing", "htp")]
    [InlineData("line, http", "follow", "--conn", "0", "--framing", "lines")]
    public void An_unknown_framing_is_one_line_naming_the_valid_ones_and_exit_2(string ending, params string[] args)
    {
        var r = CliRunner.Run([args[0], Http, .. args[1..]]);
        Assert.Equal(2, r.ExitCode);
        string line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.EndsWith(ending, line);
        Assert.Empty(r.Stdout);
    }

    [Fact]
    public void The_echo_peers_speak_length_prefixes_only()
    {
        var r = CliRunner.Run("echo", "tcp-client", "--framing", "http");
        Assert.Equal(2, r.ExitCode);
        string line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("http", line.Replace("'http'", "", StringComparison.Ordinal));
    }

    [Fact]
    public void Follow_with_a_framing_shows_each_message_and_still_sums_up_both_directions()
    {
        var plain = CliRunner.Run("follow", Http, "--conn", "0");
        var framed = CliRunner.Run("follow", Http, "--conn", "0", "--framing", "http");
        Assert.Equal(0, framed.ExitCode);
        var jsonl = CliRunner.Run("frames", Http, "--framing", "http", "--format", "jsonl").JsonLines().ToList();
        var headers = framed.Stdout.Split('\n').Where(l => l.StartsWith("=== orig request", StringComparison.Ordinal) || l.StartsWith("=== resp response", StringComparison.Ordinal)).ToList();
        Assert.Equal(jsonl.Count, headers.Count);
        // The first and last lines (the connection and the totals) are those of the plain follow.
        Assert.Equal(plain.Stdout.Split('\n')[0], framed.Stdout.Split('\n')[0]);
        Assert.Equal(plain.Stdout.TrimEnd().Split('\n')[^1], framed.Stdout.TrimEnd().Split('\n')[^1]);
    }
}
