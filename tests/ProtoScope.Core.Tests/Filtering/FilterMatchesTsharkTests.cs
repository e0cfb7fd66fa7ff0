using ProtoScope.Core.Filtering;

namespace ProtoScope.Core.Tests.Filtering;

/// <summary>
/// Display filters that ProtoScope and Wireshark share select the same frames as tshark's <c>-Y</c> on real
/// captures. Captures with tunnels, IP fragments or ICMP errors are left out: tshark also matches the headers
/// inside them, which ProtoScope does not decode.
/// </summary>
public class FilterMatchesTsharkTests
{
    public static readonly TheoryData<string> Captures = new(
        "tcpdump/captures/dns_tcp.pcap",
        "zeek/captures/communityid/ipv6.pcap",
        "zeek/captures/pcapng-multi-interface.pcapng",
        "zeek-conn/traces/ftp/cwd-navigation.pcap");

    /// <summary>Filters written the same in both languages; {A} and {P} are an address and a port taken from tshark.</summary>
    private static readonly string[] SharedFilters =
    [
        "tcp", "udp", "arp", "icmp", "ip", "ipv6", "not tcp",
        "ip.addr == {A}", "ip.src == {A}", "ip.dst == {A}", "ip.addr != {A}",
        "tcp.port == {P}", "udp.port == {P}", "tcp.port != {P}", "tcp.srcport == {P} || udp.dstport == {P}",
        "tcp.flags.syn == 1", "tcp.flags.fin == 1", "tcp.flags.reset == 1", "tcp.flags.ack == 0",
        "tcp.flags.push == 1 and tcp.flags.ack == 1", "tcp.flags.syn",
        "frame.len > 100", "frame.len <= 66", "frame.len != 60", "frame.len >= 1000 && tcp",
        "tcp.len > 0", "tcp.stream == 1", "udp.stream == 0", "frame.number < 5",
        "(tcp.flags.syn == 1 || tcp.flags.fin == 1) && !(frame.len > 80)",
        "not (tcp or udp) or tcp.port == {P}",
    ];

    [Theory]
    [MemberData(nameof(Captures))]
    public void Shared_filters_select_the_frames_tshark_selects(string capture)
    {
        string path = Repo.CorpusFile(capture);
        var table = Corpus.Load(capture);
        var first = Tshark.Fields(path, null, "ip.src", "ipv6.src", "tcp.dstport", "udp.dstport").FirstOrDefault(r => r[0] != "" || r[1] != "");
        string address = first is null ? "10.0.0.1" : first[0] != "" ? first[0] : first[1];
        string port = first is null ? "53" : first[2] != "" ? first[2] : first[3] != "" ? first[3] : "53";
        var texts = SharedFilters.Select(t => t.Replace("{A}", address).Replace("{P}", port)).ToArray();
        // tshark spells IPv6 fields ipv6.*; ProtoScope's ip.* take either version.
        var theirs = texts.Select(t => address.Contains(':') ? t.Replace("ip.addr", "ipv6.addr").Replace("ip.src", "ipv6.src").Replace("ip.dst", "ipv6.dst") : t).ToArray();
        var frames = new List<long>[texts.Length];
        Parallel.For(0, texts.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => frames[i] = Tshark.Frames(path, theirs[i]));
        var mismatches = new List<string>();
        for (int f = 0; f < texts.Length; f++)
        {
            string text = texts[f];
            var expected = frames[f];
            Assert.True(DisplayFilter.TryParse(text, out var filter, out var error), $"{text}: {error}");
            var rows = new RowSet();
            filter!.Scan(table, 0, table.Count, rows, TestContext.Current.CancellationToken);
            var ours = Enumerable.Range(0, rows.Count).Select(i => rows[i] + 1L).ToList();
            if (!expected.SequenceEqual(ours))
                mismatches.Add($"{text}: tshark [{string.Join(',', expected.Take(12))}] ({expected.Count}), protoscope [{string.Join(',', ours.Take(12))}] ({ours.Count})");
        }
        Assert.True(mismatches.Count == 0, $"{capture}:\n" + string.Join("\n", mismatches));
    }
}
