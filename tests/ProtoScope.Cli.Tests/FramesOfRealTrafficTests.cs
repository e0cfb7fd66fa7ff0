using System.Text.Json;
using ProtoScope.Cli.Tests.Traffic;

namespace ProtoScope.Cli.Tests;

/// <summary>
/// `frames` on captures of real echo traffic: every frame decoded from the capture must be, byte for byte, a
/// frame the client sent (orig) or the server echoed (resp), at the offset the client's stream put it.
/// </summary>
[Collection(EchoCaptures.Collection)]
public sealed class FramesOfRealTrafficTests(EchoCaptures captures)
{
    internal static List<JsonElement> Frames(string pcap, params string[] options)
    {
        var r = CliRunner.Run(["frames", pcap, "--payload", "--format", "jsonl", .. options]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        return r.JsonLines().ToList();
    }

    private static string S(JsonElement e, string name) => e.TryGetProperty(name, out var v) ? v.ToString() : "";

    /// <summary>Both directions carry the plan's frames in order; returns the orig frames for further checks.</summary>
    internal static List<JsonElement> AssertTcpFramesMatch(List<JsonElement> lines, Plan plan)
    {
        var failures = lines.Where(l => l.TryGetProperty("error", out _) || S(l, "kind") == "not_framed").Select(l => l.ToString()).ToList();
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        List<JsonElement> orig = [];
        foreach (string dir in new[] { "orig", "resp" })
        {
            var frames = lines.Where(l => S(l, "proto") == "tcp" && S(l, "dir") == dir && S(l, "kind") == "frame").ToList();
            Assert.Equal(plan.Payloads.Count, frames.Count);
            var offsets = plan.Offsets;
            for (int i = 0; i < frames.Count; i++)
            {
                Assert.Equal(i, frames[i].GetProperty("index").GetInt64());
                Assert.Equal(offsets[i], frames[i].GetProperty("offset").GetInt64());
                Assert.Equal(plan.Payloads[i].Length, frames[i].GetProperty("length").GetInt64());
                Assert.True(plan.Payloads[i].AsSpan().SequenceEqual(Convert.FromBase64String(S(frames[i], "payload_b64"))), $"{dir} frame {i} differs from what was sent");
            }
            if (dir == "orig") orig = frames;
        }
        return orig;
    }

    [Fact]
    public void Tcp_frames_in_a_namespace_pair_with_mtu_1500_match_what_was_sent_both_ways()
    {
        Recorded rec = captures.NetnsTcp;
        var orig = AssertTcpFramesMatch(Frames(rec.Pcap, "--port", $"{rec.Port}"), rec.Tcp!);
        // 1448 payload bytes per segment at most on this link: a 200,000-byte frame spans at least 139 segments.
        var biggest = orig.First(f => f.GetProperty("length").GetInt64() == 200_000);
        Assert.True(biggest.GetProperty("segments").GetInt32() >= 200_004 / 1448 + 1, biggest.ToString());
        Assert.Contains(orig, f => f.GetProperty("sticky").GetBoolean());
        Assert.All(orig, f => Assert.True(f.GetProperty("last_frame").GetInt64() >= f.GetProperty("first_frame").GetInt64()));
    }

    [Fact]
    public void Tcp_frames_on_loopback_through_the_project_echo_server_match_what_was_sent()
    {
        Recorded rec = captures.LoopbackTcp;
        var orig = AssertTcpFramesMatch(Frames(rec.Pcap, "--port", $"{rec.Port}"), rec.Tcp!);
        Assert.Contains(orig, f => f.GetProperty("sticky").GetBoolean());
        Assert.Contains(orig, f => f.GetProperty("segments").GetInt32() > 1);
    }

    [Fact]
    public void Without_a_port_the_echo_connection_is_found_framed_on_its_own()
    {
        Recorded rec = captures.LoopbackTcp;
        AssertTcpFramesMatch(Frames(rec.Pcap), rec.Tcp!);
    }

    [Fact]
    public void Framed_udp_datagrams_are_messages_followed_by_their_frames()
    {
        foreach (Recorded rec in new[] { captures.NetnsUdpFramed, captures.LoopbackUdpFramed })
        {
            var lines = Frames(rec.Pcap, "--port", $"{rec.Port}");
            foreach (string dir in new[] { "orig", "resp" })
            {
                var datagrams = lines.Where(l => S(l, "dir") == dir && S(l, "kind") == "datagram").ToList();
                Assert.Equal(rec.Datagrams!.Select(Convert.ToBase64String), datagrams.Select(d => S(d, "payload_b64")));
                Assert.All(datagrams, d => Assert.False(d.TryGetProperty("error", out _)));
                // The frames each datagram holds, in order, cut by the test's own reading of what it sent.
                var expected = rec.Datagrams!.SelectMany(SplitFrames).Select(Convert.ToBase64String);
                var frames = lines.Where(l => S(l, "dir") == dir && S(l, "kind") == "frame").Select(f => S(f, "payload_b64"));
                Assert.Equal(expected, frames);
            }
        }
    }

    [Fact]
    public void Raw_udp_datagrams_come_through_whole_with_framing_off()
    {
        Recorded rec = captures.NetnsUdpRaw;
        var lines = Frames(rec.Pcap, "--port", $"{rec.Port}", "--framing", "none");
        Assert.All(lines, l => Assert.Equal("datagram", S(l, "kind")));
        foreach (string dir in new[] { "orig", "resp" })
            Assert.Equal(rec.Datagrams!.Select(Convert.ToBase64String), lines.Where(l => S(l, "dir") == dir).Select(d => S(d, "payload_b64")));
    }

    /// <summary>The frames the test wrote into a datagram: 4-byte little-endian length, then that many bytes.</summary>
    private static IEnumerable<byte[]> SplitFrames(byte[] datagram)
    {
        var frames = new List<byte[]>();
        int at = 0;
        while (at + 4 <= datagram.Length)
        {
            int n = BitConverter.ToInt32(datagram, at);
            frames.Add(datagram[(at + 4)..(at + 4 + n)]);
            at += 4 + n;
        }
        return frames;
    }
}
