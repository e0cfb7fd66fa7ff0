namespace ProtoScope.Live.Tests;

/// <summary>`protoscope replay` onto `lo` inside a namespace of the test's own, captured back by tcpdump.</summary>
public class ReplayCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("psreplay").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Tcpdump_captures_back_the_same_frames_in_the_same_order()
    {
        // A namespace of its own: the replayed frames carry foreign addresses, and there they cannot be
        // routed anywhere.
        using var ns = new NetNamespace();
        string original = Path.Combine(Repo.Corpus, "tcpdump", "captures", "dns_tcp.pcap");
        string back = Path.Combine(_dir, "back.pcap");
        // --immediate-mode: without it tcpdump leaves the last second's block unread when it gets SIGINT.
        using var tcpdump = new Background(ns.Inside("tcpdump", "-i", "lo", "--immediate-mode", "-U", "-n", "-w", back));
        tcpdump.WaitUntilListening();
        string[] command = ns.Inside([.. Host.Cli("replay", original, "-i", "lo", "--speed", "10")]);
        var replay = Host.Run(command[0], command[1..], TimeSpan.FromSeconds(120));
        Assert.True(replay.ExitCode == 0, replay.Stderr);
        Thread.Sleep(300);
        Host.Signal(tcpdump.Pid, Host.SIGINT);
        tcpdump.WaitForExit();

        Assert.True(HexDump(original) == HexDump(back), $"tcpdump: {tcpdump.Stderr}\nreplay: {replay.Stderr}");
        // The original spacing, ten times faster: the replayed span is a tenth of the original's.
        double span = LastRelativeTime(original) / 10, replayed = LastRelativeTime(back);
        Assert.InRange(replayed, span * 0.9, span + 0.05);
    }

    [Fact]
    public void Refuses_an_interface_that_may_reach_a_real_network()
    {
        var r = Host.RunCli("replay", Path.Combine(Repo.Corpus, "tcpdump", "captures", "dns_tcp.pcap"), "-i", "any");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("refusing to send onto any", r.Stderr);
        Assert.Contains("--yes-really", r.Stderr);
    }

    private static double LastRelativeTime(string file) =>
        double.Parse(Tshark.Fields(file, null, "frame.time_relative")[^1][0], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>tcpdump's own hex of every frame, without timestamps: equal text means equal frames in equal order.</summary>
    private static string HexDump(string file)
    {
        var r = Host.Run("tcpdump", "-r", file, "-n", "-t", "-xx");
        Assert.Equal(0, r.ExitCode);
        return r.Stdout;
    }
}
