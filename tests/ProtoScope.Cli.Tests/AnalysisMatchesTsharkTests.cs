namespace ProtoScope.Cli.Tests;

/// <summary>
/// The TCP analysis of every capture of the shared corpus and of the sample captures agrees with tshark's, packet by
/// packet (<see cref="AnalysisMatchesTshark"/>). Where it cannot yet, the reason is given here, and the test fails
/// when the difference goes away, so that the exception goes with it.
/// </summary>
public class AnalysisMatchesTsharkTests
{
    /// <summary>
    /// A record whose microsecond field is 1,000,000 or more: tshark keeps the field as it is and its RTT of that
    /// packet comes out negative; ProtoScope counts the excess as seconds (see its error on the packet), so the RTT
    /// and initial RTT of the next packets differ. The flags agree.
    /// </summary>
    private const string InvalidTimestamps = "tcpdump/captures/timestamp_invalid_micro.pcap";

    public static TheoryData<string> CorpusCaptures() => new(Repo.CorpusCaptures());

    [Theory]
    [MemberData(nameof(CorpusCaptures))]
    public void Every_tcp_packet_of_the_corpus_is_analysed_as_tshark_does(string capture)
    {
        string path = Repo.CorpusFile(capture);
        var bad = AnalysisMatchesTshark.Differences(path, out int unseen, out _);
        if (capture == InvalidTimestamps)
        {
            Assert.NotEmpty(bad);
            Assert.All(bad, d => Assert.Matches("(ack_rtt|initial_rtt):", d));
            return;
        }
        Assert.True(bad.Count == 0, $"{capture}: {bad.Count} differences\n" + string.Join("\n", bad.Take(30)));
        Assert.True(unseen == 0, $"{capture}: {unseen} TCP packets tshark analyses and ProtoScope does not decode");
    }

    public static TheoryData<string> SampleCaptures() =>
        new(Directory.EnumerateFiles(Repo.Captures, "*.pcap").Select(Path.GetFileName).Order(StringComparer.Ordinal)!);

    [Theory]
    [MemberData(nameof(SampleCaptures))]
    public void Every_tcp_packet_of_the_sample_captures_is_analysed_as_tshark_does(string name) =>
        AnalysisMatchesTshark.AssertAgrees(Path.Combine(Repo.Captures, name));
}
