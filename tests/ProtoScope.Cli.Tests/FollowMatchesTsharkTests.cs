using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ProtoScope.Cli.Tests;

/// <summary>
/// `follow --hex` against `tshark -q -z follow,tcp,raw,N`: the bytes of each direction, concatenated, must be the
/// same, and the gaps are where tshark writes "[N bytes missing in capture file]" into its output. Checked on the
/// first TCP streams of every corpus capture that has any, except captures with tunnels: tshark numbers the inner
/// connections too, ProtoScope decodes the outer packet only.
/// </summary>
public partial class FollowMatchesTsharkTests
{
    // tshark writes the marker's terminating NUL too.
    [GeneratedRegex(@"\[(?<n>\d+) bytes missing in capture file\]\x00?")]
    private static partial Regex TsharkGap();

    // Only gaps of lost packets: tshark shows a payload cut by the snaplen without a marker.
    [GeneratedRegex(@"^\[gap in \w+ at offset \d+, packet \d+: (?<n>\d+) bytes missing \(lost in capture\)")]
    private static partial Regex OurGap();

    [GeneratedRegex(@"^(?<offset>[0-9a-f]{8})  (?<hex>(?:[0-9a-f]{2} {1,2}| {3,4})+) \|")]
    private static partial Regex HexRow();

    public static TheoryData<string, int> Streams()
    {
        var data = new TheoryData<string, int>();
        foreach (string capture in Repo.CorpusCaptures())
        {
            var rows = Tshark.Occurrences(Repo.CorpusFile(capture), "tcp.stream", "ip.src", "ipv6.src");
            if (rows.Any(r => r["ip.src"].Length + r["ipv6.src"].Length > 1)) continue;
            var streams = rows.SelectMany(r => r["tcp.stream"]).Distinct().Take(3);
            foreach (string s in streams) data.Add(capture, int.Parse(s, CultureInfo.InvariantCulture));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Streams))]
    public void Both_directions_carry_the_bytes_tshark_follows(string capture, int stream)
    {
        string path = Repo.CorpusFile(capture);
        var (theirs, node0) = TsharkFollow(path, stream);
        var r = CliRunner.Run("follow", path, "--conn", $"{stream}", "--hex");
        Assert.True(r.ExitCode == 0 || theirs.All(t => t.Length == 0), r.Stderr);
        if (r.ExitCode != 0) return;
        var ours = Parse(r.Stdout, out string origEndpoint);
        // tshark's node 0 is the sender of the stream's first packet, as our originator, unless that was a
        // SYN-ACK or data from the responder; then compare crosswise.
        bool same = node0 == origEndpoint;
        var gaps = new List<string>();
        for (int d = 0; d < 2; d++)
        {
            string text = Encoding.Latin1.GetString(theirs[same ? d : 1 - d]);
            gaps.AddRange(TsharkGap().Matches(text).Select(m => m.Groups["n"].Value));
            Assert.Equal(Convert.ToHexString(Encoding.Latin1.GetBytes(TsharkGap().Replace(text, ""))), Convert.ToHexString(ours[d]));
        }
        var ourGaps = r.Stdout.Split('\n').Select(l => OurGap().Match(l)).Where(m => m.Success).Select(m => m.Groups["n"].Value);
        Assert.Equal(gaps.Order(), ourGaps.Order());
    }

    /// <summary>Each node's bytes as tshark follows stream <paramref name="stream"/>, and node 0's address:port (the sender of its first packet).</summary>
    internal static (byte[][] Bytes, string Node0) TsharkFollow(string path, int stream)
    {
        string output = Tshark.Run(["-n", "-r", path, "-q", "-z", $"follow,tcp,raw,{stream}"]).Stdout;
        var bytes = new[] { new MemoryStream(), new MemoryStream() };
        string node0 = "";
        bool inBody = false;
        foreach (string line in output.Split('\n'))
        {
            if (line.StartsWith("Node 0: ", StringComparison.Ordinal)) node0 = line[8..].Trim();
            if (line.StartsWith("Node 1: ", StringComparison.Ordinal)) { inBody = true; continue; }
            if (!inBody || line.StartsWith("====", StringComparison.Ordinal) || line.Trim().Length == 0) continue;
            int node = line.StartsWith('\t') ? 1 : 0;
            bytes[node].Write(Convert.FromHexString(line.Trim()));
        }
        return ([bytes[0].ToArray(), bytes[1].ToArray()], node0);
    }

    /// <summary>The bytes of each direction from `follow --hex`, and the originator's address:port.</summary>
    private static byte[][] Parse(string output, out string origEndpoint)
    {
        var bytes = new[] { new MemoryStream(), new MemoryStream() };
        int dir = -1;
        origEndpoint = "";
        foreach (string line in output.Split('\n'))
        {
            if (line.StartsWith("Follow TCP stream", StringComparison.Ordinal))
                origEndpoint = line[(line.IndexOf(": ", StringComparison.Ordinal) + 2)..line.IndexOf(" (orig)", StringComparison.Ordinal)];
            else if (line.StartsWith("=== orig -> resp (", StringComparison.Ordinal)) dir = 0;
            else if (line.StartsWith("=== resp -> orig (", StringComparison.Ordinal)) dir = 1;
            else if (line.StartsWith("[gap", StringComparison.Ordinal)) dir = -1;
            else if (HexRow().Match(line) is { Success: true } m && dir >= 0)
                bytes[dir].Write(Convert.FromHexString(m.Groups["hex"].Value.Replace(" ", "")));
        }
        return [bytes[0].ToArray(), bytes[1].ToArray()];
    }
}
