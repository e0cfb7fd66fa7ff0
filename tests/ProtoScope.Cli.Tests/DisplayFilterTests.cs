using ProtoScope.Tests;

namespace ProtoScope.Cli.Tests;

/// <summary>
/// `-Y` on the command line: <c>read -Y</c> keeps the frames tshark's <c>-Y</c> keeps for the TCP analysis fields;
/// <c>conns</c>, <c>frames</c> and <c>follow</c> choose conversations by it; a bad filter is one line and exit 2.
/// </summary>
public class DisplayFilterTests
{
    public static TheoryData<string> Captures() => new(AnalysisFilters.Captures());

    [Theory]
    [MemberData(nameof(Captures))]
    public void Read_keeps_the_frames_tshark_keeps(string capture)
    {
        var expected = new List<long>[AnalysisFilters.Filters.Length];
        Parallel.For(0, expected.Length, new ParallelOptions { MaxDegreeOfParallelism = 2 },
            f => expected[f] = Tshark.Frames(capture, AnalysisFilters.Filters[f]));
        var mismatches = new List<string>();
        for (int f = 0; f < expected.Length; f++)
        {
            string filter = AnalysisFilters.Filters[f];
            var run = CliRunner.Run("read", capture, "-Y", filter, "--format", "jsonl");
            Assert.True(run.ExitCode == 0, $"{filter}: {run.Stderr}");
            var ours = run.JsonLines().Select(j => j.GetProperty("frame").GetInt64()).ToList();
            if (!expected[f].SequenceEqual(ours))
                mismatches.Add($"{filter}: tshark [{string.Join(',', expected[f].Take(12))}] ({expected[f].Count}), protoscope [{string.Join(',', ours.Take(12))}] ({ours.Count})");
        }
        Assert.True(mismatches.Count == 0, $"{capture}:\n" + string.Join("\n", mismatches));
    }

    [Fact]
    public void Read_text_prints_only_the_matching_packets()
    {
        var all = CliRunner.Run("read", Repo.Captures + "/lossy-transfer.pcap");
        var kept = CliRunner.Run("read", Repo.Captures + "/lossy-transfer.pcap", "--display-filter", "tcp.analysis.retransmission");
        Assert.Equal(0, kept.ExitCode);
        var lines = kept.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(lines);
        Assert.All(lines, l => Assert.Contains("Retransmission]", l, StringComparison.Ordinal));
        Assert.All(lines, l => Assert.Contains(l + "\n", all.Stdout, StringComparison.Ordinal));
    }

    [Fact]
    public void Conns_lists_the_connections_with_a_matching_packet()
    {
        string capture = Repo.CorpusFile("zeek-conn/traces/ftp/cwd-navigation.pcap");
        var streams = Tshark.Fields(capture, "tcp.analysis.flags", "tcp.stream").Select(r => int.Parse(r[0])).Distinct().Order().ToList();
        Assert.NotEmpty(streams);
        var run = CliRunner.Run("conns", capture, "-Y", "tcp.analysis.flags", "--format", "jsonl");
        Assert.Equal(0, run.ExitCode);
        Assert.Equal(streams, run.JsonLines().Select(j => j.GetProperty("id").GetInt32()).ToList());
        Assert.All(run.JsonLines(), j => Assert.Equal("tcp", j.GetProperty("proto").GetString()));
    }

    [Fact]
    public void Frames_shows_only_the_messages_of_matching_conversations()
    {
        string capture = Repo.LoopbackEcho;
        var all = CliRunner.Run("frames", capture, "--format", "jsonl").JsonLines().ToList();
        var udp = CliRunner.Run("frames", capture, "--format", "jsonl", "-Y", "udp").JsonLines().ToList();
        Assert.NotEmpty(udp);
        Assert.True(udp.Count < all.Count);
        Assert.All(udp, j => Assert.Equal("udp", j.GetProperty("proto").GetString()));
    }

    [Fact]
    public void Follow_takes_the_connection_of_the_first_matching_packet()
    {
        string capture = Repo.Captures + "/lossy-transfer.pcap";
        var byFilter = CliRunner.Run("follow", capture, "-Y", "tcp.analysis.retransmission");
        var byConn = CliRunner.Run("follow", capture, "--conn", "0");
        Assert.Equal(0, byFilter.ExitCode);
        Assert.Equal(byConn.Stdout, byFilter.Stdout);
        Assert.Contains("following tcp.stream 0", byFilter.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, CliRunner.Run("follow", capture, "-Y", "tcp", "--conn", "0").ExitCode);
        Assert.Equal(2, CliRunner.Run("follow", capture, "-Y", "udp").ExitCode);
    }

    [Fact]
    public void Follow_says_which_connection_to_give_when_given_none_or_both()
    {
        string capture = Repo.Captures + "/lossy-transfer.pcap";
        var none = CliRunner.Run("follow", capture);
        Assert.Equal(2, none.ExitCode);
        Assert.Equal("protoscope: give the connection to follow: --conn N, or -Y FILTER for the connection of its first matching packet\n", none.Stderr);
        var both = CliRunner.Run("follow", capture, "-Y", "tcp", "--conn", "0");
        Assert.Equal(2, both.ExitCode);
        Assert.EndsWith("not both\n", both.Stderr);
    }

    [Theory]
    [InlineData("read", "tcp.analysis.ack_rtt > fast", "bad display filter 'tcp.analysis.ack_rtt > fast': 'fast' is not a time in seconds (such as 0.2) at column 24")]
    [InlineData("conns", "tcp.analysis.retransmission == 1", "bad display filter 'tcp.analysis.retransmission == 1': 'tcp.analysis.retransmission' is a label with no value: test it alone, without a comparison at column 29")]
    [InlineData("frames", "tcp.prot == 80", "bad display filter 'tcp.prot == 80': unknown field 'tcp.prot' at column 1")]
    [InlineData("follow", "tcp and", "bad display filter 'tcp and': expected a test after 'and', found the end of the filter at column 8")]
    public void A_bad_filter_is_one_line_and_exit_2(string verb, string filter, string message)
    {
        var run = CliRunner.Run(verb, Repo.LoopbackEcho, "-Y", filter);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.Stdout);
        Assert.Equal($"protoscope: {message}\n", run.Stderr.ReplaceLineEndings("\n"));
    }
}
