namespace ProtoScope.Cli.Tests.Live;

/// <summary>
/// Real trouble, made by the test with real sockets between network namespaces (scripts/record-trouble.sh: random
/// loss from nftables on a router namespace, a receiver that stops reading, idle keep-alive sockets, request and
/// response), recorded by tcpdump and analysed by ProtoScope and tshark: every packet must agree. Each case also
/// checks, by tshark's account, that the trouble really happened, so that a quiet run cannot pass for agreement.
/// </summary>
public class AnalysisOfRealTroubleTests
{
    public static TheoryData<string, string, string[]> Cases() => new()
    {
        { "loss", "client", ["retransmission", "duplicate_ack"] },
        { "loss", "server", ["lost_segment", "out_of_order"] },
        { "stall", "client", ["zero_window", "window_full", "window_update"] },
        { "keepalive", "client", ["keep_alive", "keep_alive_ack"] },
        { "rr", "client", [] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_packet_is_analysed_as_tshark_does(string mode, string side, string[] expected)
    {
        string file = Path.Combine(Path.GetTempPath(), $"protoscope-trouble-{Guid.NewGuid():N}.pcap");
        try
        {
            var run = ProgramRun.Run("bash", [Path.Combine(Repo.Root, "scripts", "record-trouble.sh"), file, mode, "30", side]);
            Assert.True(run.ExitCode == 0, $"record-trouble.sh {mode} {side}: {run.Stderr}");

            var bad = AnalysisMatchesTshark.Differences(file, out int unseen, out var tshark);

            Assert.True(bad.Count == 0, $"{mode} at the {side}: {bad.Count} differences\n" + string.Join("\n", bad.Take(30)));
            Assert.Equal(0, unseen);
            var seen = AnalysisMatchesTshark.FlagCounts(tshark.Values);
            foreach (var flag in expected)
                Assert.True(seen.ContainsKey(flag), $"{mode} at the {side}: tshark saw no {flag} (saw {string.Join(", ", seen.Keys)})");
            // Every exchange of the request/response run is one measured round trip each way.
            if (mode == "rr") Assert.True(tshark.Values.Count(r => r.Numbers.ContainsKey("ack_rtt")) >= 100);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
