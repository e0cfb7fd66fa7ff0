using System.Globalization;

namespace ProtoScope.Cli.Tests;

/// <summary>
/// `conns` against tshark's tcp.completeness (two-pass) on the TCP captures of tcpdump's test suite: whether the
/// connection showed a SYN (1), a SYN-ACK (2), data (8), a FIN (16), a RST (32). ProtoScope's history letters say
/// the same things (S, H, D or bytes counted, F, R in either case).
/// </summary>
public class ConnsMatchTsharkCompletenessTests
{
    public static TheoryData<string> TcpCaptures() => new(Repo.CorpusCaptures()
        .Where(c => c.StartsWith("tcpdump", StringComparison.Ordinal))
        .Where(c => Tshark.Occurrences(Repo.CorpusFile(c), "tcp.stream").Any(r => r["tcp.stream"].Length > 0)));

    [Theory]
    [MemberData(nameof(TcpCaptures))]
    public void Handshake_data_fin_and_rst_seen_agree_with_tshark(string capture)
    {
        string path = Repo.CorpusFile(capture);
        var output = Tshark.Run(["-2", "-n", "-r", path, "-T", "fields", "-e", "tcp.stream", "-e", "tcp.completeness"]).Stdout;
        var completeness = new Dictionary<int, int>();
        var packets = new Dictionary<int, int>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var cells = line.Split('\t');
            if (cells[0].Length == 0) continue;
            int stream = int.Parse(cells[0].Split(',')[0], CultureInfo.InvariantCulture);
            completeness[stream] = cells.Length > 1 && cells[1].Length > 0 ? int.Parse(cells[1].Split(',')[0], CultureInfo.InvariantCulture) : 0;
            packets[stream] = packets.GetValueOrDefault(stream) + 1;
        }
        var ours = CliRunner.Run("conns", path, "--format", "jsonl").JsonLines()
            .Where(o => o.GetProperty("proto").GetString() == "tcp")
            .ToDictionary(o => o.GetProperty("id").GetInt32());

        foreach (var (stream, bits) in completeness)
        {
            // tshark leaves tcp.completeness at 0 for a conversation of a single packet (every one-packet capture
            // here: a lone RST, a lone data segment, all flags set), so there is nothing to compare.
            if (packets[stream] == 1) continue;
            Assert.True(ours.TryGetValue(stream, out var o), $"{capture}: no connection {stream}");
            string history = o.GetProperty("history").GetString()!.ToUpperInvariant();
            bool data = history.Contains('D') || o.GetProperty("orig_bytes").GetInt64() + o.GetProperty("resp_bytes").GetInt64() > 0;
            // ACK (4) is left out: tshark's rule for it differs from any single letter (it sets it for a RST+ACK).
            var expected = (syn: (bits & 1) != 0, synAck: (bits & 2) != 0, data: (bits & 8) != 0, fin: (bits & 16) != 0, rst: (bits & 32) != 0);
            var mine = (syn: history.Contains('S'), synAck: history.Contains('H'), data, fin: history.Contains('F'), rst: history.Contains('R'));
            Assert.True(expected == mine, $"{capture} stream {stream}: tshark completeness {bits} {expected}, protoscope history {history} {mine}");
        }
    }
}
