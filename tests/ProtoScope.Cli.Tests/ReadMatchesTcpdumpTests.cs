using System.Text.RegularExpressions;

namespace ProtoScope.Cli.Tests;

/// <summary>
/// `read` text against the upstream tcpdump test suite's expected outputs (the ones Debian's tcpdump
/// reproduces, marked MATCH in corpus/INDEX.md, run without options): frame number, timestamp, IP version,
/// addresses, ports and the flag notation agree line by line. What follows the flags differs on purpose:
/// ProtoScope prints Wireshark's relative sequence numbers on every packet and decodes no application protocol.
/// </summary>
public partial class ReadMatchesTcpdumpTests
{
    [GeneratedRegex(@"^\|\s*`(?<out>[^`]+\.out)`\s*\|[^|]*\|[^|]*\|\s*`(?<cap>[^`]+)`\s*\|[^|]*\|\s*``\s*\|\s*MATCH\s*\|")]
    private static partial Regex IndexRow();

    [GeneratedRegex(@"^\s*(?<n>\d+)\s+(?<time>\S+ \S+) (?<ip>IP6?) (?<src>\S+) > (?<dst>[^:]+):(?: Flags \[(?<flags>[^\]]*)\])?")]
    private static partial Regex Line();

    public static TheoryData<string, string> MatchingTests()
    {
        var data = new TheoryData<string, string>();
        foreach (var row in File.ReadLines(Path.Combine(Repo.Corpus, "INDEX.md")))
        {
            var m = IndexRow().Match(row);
            if (m.Success) data.Add(m.Groups["cap"].Value, m.Groups["out"].Value);
        }
        return data;
    }

    [Fact]
    public void The_index_names_the_tests_we_compare_with()
    {
        Assert.True(MatchingTests().Count >= 10);
    }

    [Theory]
    [MemberData(nameof(MatchingTests))]
    public void Text_lines_agree_with_tcpdump(string capture, string expectedOutput)
    {
        var expected = File.ReadAllLines(Path.Combine(Repo.Corpus, "tcpdump", "expected", expectedOutput))
            .Where(l => l.Length > 0 && char.IsDigit(l.TrimStart().FirstOrDefault())).ToList();
        var result = CliRunner.Run("read", Path.Combine(Repo.Corpus, "tcpdump", "captures", capture));
        Assert.Equal(0, result.ExitCode);
        var ours = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(expected.Count, ours.Length);

        int compared = 0;
        for (int i = 0; i < expected.Count; i++)
        {
            var theirs = Line().Match(expected[i]);
            if (!theirs.Success) continue; // not IP (VSOCK, ARP): ProtoScope shows the link type only
            var mine = Line().Match(ours[i]);
            Assert.True(mine.Success, $"line {i + 1}: '{ours[i]}' is not an IP line; tcpdump: '{expected[i]}'");
            foreach (var group in new[] { "n", "time", "ip", "src", "dst", "flags" })
                Assert.True(theirs.Groups[group].Value == mine.Groups[group].Value,
                    $"line {i + 1} {group}: tcpdump '{theirs.Groups[group].Value}', protoscope '{mine.Groups[group].Value}'\n  {expected[i]}\n  {ours[i]}");
            compared++;
        }
        Assert.True(compared > 0 || expected.Count == 0 || expected.All(l => !Line().IsMatch(l)));
    }

    /// <summary>
    /// ARP and Reverse ARP lines against Debian's tcpdump on the corpus captures that carry them
    /// (corpus/generated/SUITE/CAPTURE.tcpdump.txt): everything from "ARP, " on is the same.
    /// </summary>
    [Fact]
    public void Arp_and_reverse_arp_lines_agree_with_tcpdump()
    {
        int compared = 0;
        foreach (var suite in Directory.GetDirectories(Path.Combine(Repo.Corpus, "generated")))
        {
            foreach (var generated in Directory.GetFiles(suite, "*.tcpdump.txt"))
            {
                var arp = File.ReadAllLines(generated).Where(l => l.Contains("ARP, ", StringComparison.Ordinal)).ToList();
                string capture = Path.Combine(Repo.Corpus, Path.GetFileName(suite), "captures", Path.GetFileName(generated)[..^".tcpdump.txt".Length]);
                if (arp.Count == 0 || !File.Exists(capture)) continue;
                var ours = CliRunner.Run("read", capture).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
                foreach (var line in arp)
                {
                    int frame = int.Parse(line.TrimStart().Split(' ')[0]);
                    string mine = ours[frame - 1];
                    Assert.Equal(line[line.IndexOf("ARP, ", StringComparison.Ordinal)..], mine[mine.IndexOf("ARP, ", StringComparison.Ordinal)..]);
                    compared++;
                }
            }
        }
        Assert.True(compared >= 2, $"{compared} ARP lines compared");
    }
}
