using System.Text.Json;

namespace ProtoScope.Cli.Tests;

/// <summary>
/// Each classroom demo, run for real with capture on loopback: the capture shows what the demo promises
/// (checked with conns and frames, whose own correctness is checked against Zeek and tshark elsewhere),
/// and tshark reads it without a warning.
/// </summary>
public sealed class DemoTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("protoscope-demo-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string RunDemo(string scenario, int port) => RunDemoWithLog(scenario, port).Path;

    /// <summary>The capture and what the demo printed: its log, then the packet list and the ladders.</summary>
    private (string Path, string Log) RunDemoWithLog(string scenario, int port)
    {
        var path = Path.Combine(_dir, scenario + ".pcap");
        var r = CliRunner.Run("demo", scenario, "--no-ui", "-w", path, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(r.ExitCode == 0, r.Stderr);
        var warnings = TsharkWarnings(path);
        Assert.True(warnings.Length == 0, warnings);
        return (path, r.Stdout);
    }

    private static string TsharkWarnings(string path)
    {
        string stderr = Tshark.Run(["-n", "-r", path]).Stderr;
        return string.Join("\n", stderr.Split('\n').Where(l => l.Length > 0));
    }

    private static List<JsonElement> Conns(string path) => CliRunner.Run("conns", path, "--format", "jsonl").JsonLines().ToList();

    private static JsonElement OnlyTcp(string path) => Assert.Single(Conns(path), c => c.GetProperty("proto").GetString() == "tcp");

    [Fact]
    public void Handshake_shows_three_way_open_and_four_way_close()
    {
        var c = OnlyTcp(RunDemo("handshake", 19101));
        Assert.Equal("three-way", c.GetProperty("open").GetString());
        Assert.Equal("four-way", c.GetProperty("close").GetString());
        Assert.Equal("SF", c.GetProperty("conn_state").GetString());
    }

    [Fact]
    public void Teardown_server_first_has_the_responder_FIN_first()
    {
        var c = OnlyTcp(RunDemo("teardown-server-first", 19102));
        string history = c.GetProperty("history").GetString()!;
        Assert.Equal("four-way", c.GetProperty("close").GetString());
        Assert.True(history.IndexOf('f') < history.IndexOf('F'), history);
    }

    [Fact]
    public void Half_close_carries_data_after_the_first_FIN()
    {
        var c = OnlyTcp(RunDemo("half-close", 19103));
        string history = c.GetProperty("history").GetString()!;
        Assert.True(history.IndexOf('F') < history.LastIndexOf('d'), history);
    }

    [Fact]
    public void Reset_is_reset_by_the_originator()
    {
        var c = OnlyTcp(RunDemo("reset", 19104));
        Assert.Equal("reset-by-orig", c.GetProperty("close").GetString());
        Assert.Equal("RSTO", c.GetProperty("conn_state").GetString());
    }

    [Fact]
    public void Refused_is_a_SYN_answered_by_RST()
    {
        var c = OnlyTcp(RunDemo("refused", 19105));
        Assert.Equal("refused", c.GetProperty("open").GetString());
        Assert.Equal("REJ", c.GetProperty("conn_state").GetString());
    }

    [Fact]
    public void Sticky_frames_share_a_segment()
    {
        var path = RunDemo("sticky", 19106);
        var frames = CliRunner.Run("frames", path, "--format", "jsonl").JsonLines().Where(f => f.GetProperty("dir").GetString() == "orig").ToList();
        Assert.Equal(10, frames.Count);
        Assert.All(frames, f => Assert.True(f.GetProperty("sticky").GetBoolean()));
        Assert.True(frames.Select(f => f.GetProperty("first_frame").GetInt64()).Distinct().Count() < frames.Count);
    }

    [Fact]
    public void Split_frame_spans_several_segments()
    {
        var path = RunDemo("split", 19107);
        var frame = Assert.Single(CliRunner.Run("frames", path, "--format", "jsonl").JsonLines(), f => f.GetProperty("dir").GetString() == "orig");
        Assert.Equal(200_000, frame.GetProperty("length").GetInt32());
        Assert.True(frame.GetProperty("segments").GetInt32() > 1);
    }

    [Fact]
    public void Udp_datagrams_echo_and_the_oversized_one_gets_no_reply()
    {
        var path = RunDemo("udp", 19108);
        var udp = Conns(path).Where(c => c.GetProperty("proto").GetString() == "udp").ToList();
        Assert.Contains(udp, c => c.GetProperty("orig_pkts").GetInt32() == 3 && c.GetProperty("resp_pkts").GetInt32() == 3);
        Assert.Contains(udp, c => c.GetProperty("orig_bytes").GetInt32() == 2004 && c.GetProperty("resp_pkts").GetInt32() == 0);
    }

    [Fact]
    public void Zero_window_closes_and_reopens_and_the_analysis_agrees_with_tshark()
    {
        var path = RunDemo("zero-window", 19160);
        var tshark = AnalysisMatchesTshark.Tshark(path);
        var seen = AnalysisMatchesTshark.FlagCounts(tshark.Values);
        Assert.True(seen.ContainsKey("zero_window"), string.Join(", ", seen.Keys));
        Assert.True(seen.ContainsKey("window_update"), string.Join(", ", seen.Keys));
        AnalysisMatchesTshark.AssertAgrees(path);
        var c = OnlyTcp(path);
        Assert.True(c.GetProperty("analysis").GetProperty("zero_window").GetInt32() == seen["zero_window"], c.ToString());
    }

    [Fact]
    public void Time_wait_blocks_a_bind_without_SO_REUSEADDR_and_not_with_it()
    {
        var (path, log) = RunDemoWithLog("time-wait", 19161);
        Assert.Contains("bind 127.0.0.1:19161 failed: Address already in use (EADDRINUSE)", log);
        Assert.Contains("bind 127.0.0.1:19161 succeeded", log);
        var tcp = Conns(path).Where(c => c.GetProperty("proto").GetString() == "tcp").ToList();
        Assert.Equal(2, tcp.Count);
        Assert.All(tcp, c => Assert.Equal(19161, c.GetProperty("resp_p").GetInt32()));
        // The first connection: the server's FIN first, so the server's end is the one left in TIME-WAIT.
        string history = tcp[0].GetProperty("history").GetString()!;
        Assert.True(history.IndexOf('f') < history.IndexOf('F'), history);
        Assert.Equal("TIME-WAIT", tcp[0].GetProperty("resp_state").GetString());
        var fins = ProtoScope.Tests.Tshark.Fields(path, "tcp.flags.fin == 1", "tcp.stream", "tcp.srcport");
        Assert.Equal(["0", "19161"], fins[0]);
        Assert.Equal(["0", "1"], fins.Select(f => f[0]).Distinct().Order().ToArray());
    }

    [Fact]
    public void Udp_truncate_reads_less_than_the_wire_carried()
    {
        var (path, log) = RunDemoWithLog("udp-truncate", 19162);
        var reported = System.Text.RegularExpressions.Regex.Match(log, @"read (\d+) of (\d+) bytes \(MSG_TRUNC\)");
        Assert.True(reported.Success, log);
        int read = int.Parse(reported.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        int sent = int.Parse(reported.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
        // tshark's udp.length counts the 8-byte UDP header.
        var lengths = ProtoScope.Tests.Tshark.Fields(path, "udp", "udp.length")
            .Select(r => int.Parse(r[0], System.Globalization.CultureInfo.InvariantCulture) - 8).ToList();
        Assert.Equal([100, sent], lengths);
        Assert.True(lengths[1] > read, $"the datagram carried {lengths[1]} bytes, the read reported {read}");
    }

    [Fact]
    public void Long_short_costs_one_handshake_per_short_connection()
    {
        var (path, log) = RunDemoWithLog("long-short", 19163);
        Assert.Contains("6 handshakes in all for 10 messages", log);
        Assert.Equal(6, Conns(path).Count(c => c.GetProperty("proto").GetString() == "tcp" && c.GetProperty("open").GetString() == "three-way"));
        Assert.Equal(6, ProtoScope.Tests.Tshark.Frames(path, "tcp.flags.syn == 1 && tcp.flags.ack == 0").Count);
        var sent = CliRunner.Run("frames", path, "--format", "jsonl").JsonLines()
            .Where(f => f.GetProperty("dir").GetString() == "orig")
            .GroupBy(f => f.GetProperty("conn").GetInt32()).OrderBy(g => g.Key).Select(g => g.Count());
        Assert.Equal([5, 1, 1, 1, 1, 1], sent);
    }

    [Fact]
    public void Chat_line_goes_to_the_server_once_and_out_to_both_other_clients()
    {
        var path = RunDemo("chat", 19164);
        var tcp = Conns(path).Where(c => c.GetProperty("proto").GetString() == "tcp").ToList();
        Assert.Equal(3, tcp.Count);
        var carrying = ProtoScope.Tests.Tshark.Fields(path, "tcp contains \"hello, everyone\"", "tcp.stream", "tcp.dstport");
        Assert.Equal(3, carrying.Count);
        var sent = Assert.Single(carrying, r => r[1] == "19164");
        var received = carrying.Where(r => r[1] != "19164").Select(r => r[0]).ToList();
        Assert.Equal(2, received.Distinct().Count());
        Assert.DoesNotContain(sent[0], received);
    }

    [Fact]
    public void File_transfer_has_one_hash_on_both_sides_in_the_frames_and_in_tsharks_stream()
    {
        var (path, log) = RunDemoWithLog("file-transfer", 19165);
        string hash = System.Text.RegularExpressions.Regex.Match(log, @"stored lecture-notes\.bin: 2097152 bytes, sha256 ([0-9a-f]{64})").Groups[1].Value;
        Assert.True(hash.Length == 64, log);
        Assert.Contains($"client: got 2097152 bytes, sha256 {hash}: the same as sent", log);

        var files = CliRunner.Run("frames", path, "--payload", "--format", "jsonl").JsonLines()
            .Where(f => f.GetProperty("length").GetInt64() == 2097152).ToList();
        Assert.Equal(["orig", "resp"], files.Select(f => f.GetProperty("dir").GetString()!).ToArray());
        Assert.All(files, f => Assert.Equal(hash, Sha256(Convert.FromBase64String(f.GetProperty("payload_b64").GetString()!))));

        // tshark's own reassembly of the upload: after the request message (4 + 21 bytes) and the file's 4-byte prefix.
        var follow = ProtoScope.Tests.Tshark.Run(["-n", "-r", path, "-q", "-z", "follow,tcp,raw,0"]).Stdout.Split('\n');
        var upload = Convert.FromHexString(string.Concat(follow.Where(l => l.Length > 0 && !l.StartsWith('\t') && l.All(char.IsAsciiHexDigit))));
        Assert.Equal(hash, Sha256(upload.AsSpan(29, 2097152)));
    }

    [Fact]
    public void Loss_on_a_namespace_link_is_retransmitted_and_the_namespace_is_gone_after()
    {
        Assert.SkipUnless(Environment.IsPrivilegedProcess, "demo loss needs root (network namespaces, nftables)");
        var path = RunDemo("loss", 19166);
        int retransmitted = ProtoScope.Tests.Tshark.Frames(path, "tcp.analysis.retransmission").Count;
        Assert.True(retransmitted > 0, "tshark found no retransmission");
        var c = OnlyTcp(path);
        Assert.Equal(retransmitted, c.GetProperty("analysis").GetProperty("retransmission").GetInt32());
        // Segments the size of an Ethernet MSS: the link has MTU 1500 and no offloads.
        Assert.Equal(1448, ProtoScope.Tests.Tshark.Fields(path, "tcp.len > 0", "tcp.len").Max(r => int.Parse(r[0], System.Globalization.CultureInfo.InvariantCulture)));
        string namespaces = ProtoScope.Tests.ProgramRun.Run("ip", ["netns", "list"]).Stdout;
        Assert.DoesNotContain($"psloss{Environment.ProcessId}", namespaces);
    }

    [Fact]
    public void Mss_segments_are_1460_bytes_and_a_1473_byte_datagram_goes_in_two_fragments_as_tshark_sees()
    {
        Assert.SkipUnless(Environment.IsPrivilegedProcess, "demo mss needs root (a network namespace and a veth pair)");
        var (path, log) = RunDemoWithLog("mss", 19198);
        Assert.Contains("server received a 1472-byte datagram in one packet", log);
        Assert.Contains("server received a 1473-byte datagram", log);

        // tshark: MSS 1460 in both SYNs, full segments of 1460 bytes and none larger (the MTU holds).
        Assert.Equal(["1460", "1460"], ProtoScope.Tests.Tshark.Fields(path, "tcp.flags.syn == 1", "tcp.options.mss_val").Select(r => r[0]));
        Assert.NotEmpty(ProtoScope.Tests.Tshark.Frames(path, "tcp.len == 1460"));
        Assert.Empty(ProtoScope.Tests.Tshark.Frames(path, "tcp.len > 1460 || ip.len > 1500"));
        // 1472 bytes of payload: one packet, UDP length 1480, not a fragment.
        long whole = Assert.Single(ProtoScope.Tests.Tshark.Frames(path, "udp.length == 1480 && ip.flags.mf == 0 && ip.frag_offset == 0"));
        // 1473 bytes: two fragments with one IP ID, more-fragments on the first; tshark's reassembled UDP on the second.
        var fragments = ProtoScope.Tests.Tshark.Fields(path, "ip.flags.mf == 1 || ip.frag_offset > 0", "frame.number", "ip.id", "udp.length");
        Assert.Equal(2, fragments.Count);
        Assert.Equal(fragments[0][1], fragments[1][1]);
        Assert.Equal([long.Parse(fragments[0][0], System.Globalization.CultureInfo.InvariantCulture)], ProtoScope.Tests.Tshark.Frames(path, "ip.flags.mf == 1"));
        Assert.Equal("1481", fragments[1][2]);

        // ProtoScope's read says the same of the same frames.
        var read = CliRunner.Run("read", path, "--format", "jsonl").JsonLines().ToDictionary(o => o.GetProperty("frame").GetInt64());
        Assert.Equal(1460, read[1].GetProperty("tcp").GetProperty("options").GetProperty("mss").GetInt32());
        Assert.Equal(1480, read[whole].GetProperty("udp").GetProperty("len").GetInt32());
        Assert.False(read[whole].TryGetProperty("frag", out _));
        var first = read[long.Parse(fragments[0][0], System.Globalization.CultureInfo.InvariantCulture)].GetProperty("frag");
        var last = read[long.Parse(fragments[1][0], System.Globalization.CultureInfo.InvariantCulture)];
        Assert.True(first.GetProperty("mf").GetBoolean());
        Assert.Equal(Convert.ToInt32(fragments[0][1], 16), first.GetProperty("id").GetInt32());
        Assert.False(last.GetProperty("frag").GetProperty("mf").GetBoolean());
        Assert.Equal(2, last.GetProperty("frag").GetProperty("reassembled").GetInt32());
        Assert.Equal(1481, last.GetProperty("udp").GetProperty("len").GetInt32());
        Assert.Equal(read.Values.Count(o => o.TryGetProperty("tcp", out var t) && t.GetProperty("len").GetInt32() == 1460),
            ProtoScope.Tests.Tshark.Frames(path, "tcp.len == 1460").Count);

        // conns counts the fragmented datagram once, as Zeek does: two datagrams, 1472 + 1473 bytes.
        var udp = Assert.Single(Conns(path), c => c.GetProperty("proto").GetString() == "udp");
        Assert.Equal(2, udp.GetProperty("orig_pkts").GetInt32());
        Assert.Equal(1472 + 1473, udp.GetProperty("orig_bytes").GetInt64());

        string namespaces = ProtoScope.Tests.ProgramRun.Run("ip", ["netns", "list"]).Stdout;
        Assert.DoesNotContain($"psmss{Environment.ProcessId}", namespaces);
    }

    /// <summary>A demo that builds its own link, run by a user who may not: one line that says why, exit 2, no namespace left.</summary>
    [Theory]
    [InlineData("loss")]
    [InlineData("mss")]
    public void A_demo_on_its_own_link_without_root_says_so_in_one_line(string scenario)
    {
        Assert.SkipUnless(Environment.IsPrivilegedProcess, "dropping to an unprivileged user (setpriv) needs root");
        var (stdout, stderr, code) = ProtoScope.Tests.ProgramRun.Run("setpriv",
            ["--reuid=65534", "--regid=65534", "--clear-groups", .. PublishedProgram.With("demo", scenario, "--no-ui")]);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Matches($"^protoscope: demo {scenario} needs root: it creates a network namespace and a veth pair[^\n]*\n$", stderr);
    }

    [Fact]
    public void All_leaves_out_the_scenarios_that_need_their_own_link()
    {
        var list = CliRunner.Run("demo", "--list").Stdout;
        Assert.Contains("loss ", list);
        Assert.Contains("mss ", list);
        Assert.Contains("all but loss, mss", list);
    }

    private static string Sha256(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
}

/// <summary>The committed sample captures hold what captures/README.md says they hold.</summary>
public class SampleCaptureTests
{
    private static string Sample(string name) => Path.Combine(Repo.Captures, name);

    [Fact]
    public void Loopback_echo_frames_are_what_the_python_peers_sent()
    {
        var frames = CliRunner.Run("frames", Sample("loopback-echo.pcap"), "--payload", "--format", "jsonl").JsonLines()
            .Where(f => f.GetProperty("proto").GetString() == "tcp" && f.GetProperty("dir").GetString() == "orig")
            .Select(f => f.TryGetProperty("payload_b64", out var b) ? Convert.FromBase64String(b.GetString()!) : Array.Empty<byte>())
            .ToList();
        var expected = new List<byte[]>
        {
            "hello"u8.ToArray(), System.Text.Encoding.UTF8.GetBytes("你好，世界"), Array.Empty<byte>(), "sticky-1"u8.ToArray(), "sticky-2"u8.ToArray(), "sticky-3"u8.ToArray(),
            Enumerable.Repeat(Enumerable.Range(0, 256).Select(i => (byte)i), 300).SelectMany(b => b).ToArray(),
        };
        Assert.Equal(expected, frames);
    }

    [Fact]
    public void Sticky_sample_has_ten_frames_in_one_segment()
    {
        var frames = CliRunner.Run("frames", Sample("sticky.pcap"), "--format", "jsonl").JsonLines().Where(f => f.GetProperty("dir").GetString() == "orig").ToList();
        Assert.Equal(10, frames.Count);
        Assert.Single(frames.Select(f => f.GetProperty("first_frame").GetInt64()).Distinct());
    }
}
