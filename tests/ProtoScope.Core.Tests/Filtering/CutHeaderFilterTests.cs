using ProtoScope.Capture;
using ProtoScope.Core.Filtering;
using ProtoScope.Core.Session;

namespace ProtoScope.Core.Tests.Filtering;

/// <summary>
/// Display filters on TCP and UDP headers cut short by a small snaplen select the frames tshark's <c>-Y</c> selects: a
/// field whose bytes were captured matches, one whose bytes were not does not. Both row kinds answer: the table's
/// (the UI) and the packet the session has just added (the CLI's <c>-Y</c>).
/// </summary>
public class CutHeaderFilterTests
{
    /// <summary>Ethernet and IPv4 without options in both captures: the transport header starts at byte 34.</summary>
    private const int TransportStart = 14 + 20;

    public static TheoryData<string, int> Cuts()
    {
        var cuts = new TheoryData<string, int>();
        foreach (int k in new[] { 0, 3, 4, 8, 12, 13, 14, 15, 16, 19 }) cuts.Add("handshake.pcap", k);
        foreach (int k in new[] { 3, 4, 6, 7 }) cuts.Add("udp.pcap", k);
        return cuts;
    }

    private static readonly string[] PortFilters =
    [
        "tcp", "udp", "tcp.port", "tcp.port == 9000", "tcp.srcport == 33730", "tcp.dstport == 9000", "tcp.port != 9000",
        "udp.port", "udp.port == 9000", "udp.srcport == 43043", "udp.dstport != 9000", "not tcp.port == 1",
    ];

    private static readonly string[] FlagFilters =
    [
        "tcp.flags.syn", "tcp.flags.syn == 1", "tcp.flags.ack == 0", "tcp.flags.push == 1 and tcp.flags.ack == 1", "not tcp.flags.fin == 0",
    ];

    [Theory]
    [MemberData(nameof(Cuts))]
    public void Fields_of_a_cut_header_match_where_tsharks_do(string capture, int captured)
    {
        string original = Path.Combine(Repo.Captures, capture);
        using var cut = new CutCapture(original, TransportStart + captured);
        var mismatches = new List<string>();
        foreach (var text in PortFilters.Concat(FlagFilters))
        {
            // Below the ports tshark does not show the layer at all, while ProtoScope's "tcp" and "udp" go by the IP
            // header's protocol: a difference in the keywords, not in the header's fields.
            if (text is "tcp" or "udp" && captured < 4) continue;
            // tshark 4.0 shows none of a cut header's sequence number, acknowledgment, flags and window until all 16 bytes
            // are there. Between 14 and 16 the flags are captured: they match as tshark matches them in the whole packet.
            bool flagsOnlyOurs = FlagFilters.Contains(text) && captured is >= 14 and < 16;
            var expected = Tshark.Frames(flagsOnlyOurs ? original : cut.Path, text);
            var (table, session) = Filter(cut.Path, text);
            if (!expected.SequenceEqual(table)) mismatches.Add($"{text} (table): tshark [{string.Join(',', expected)}], protoscope [{string.Join(',', table)}]");
            if (!expected.SequenceEqual(session)) mismatches.Add($"{text} (session): tshark [{string.Join(',', expected)}], protoscope [{string.Join(',', session)}]");
        }
        Assert.True(mismatches.Count == 0, $"{capture} cut to {captured} header bytes:\n" + string.Join("\n", mismatches));
    }

    /// <summary>The frames <paramref name="text"/> keeps, asked of the stored rows and of each packet as the session adds it.</summary>
    private static (List<long> Table, List<long> Session) Filter(string path, string text)
    {
        Assert.True(DisplayFilter.TryParse(text, out var filter, out var error), $"{text}: {error}");
        using var source = CaptureFile.Open(path);
        var table = new PacketTable(source.LinkType);
        var session = new CaptureSession(source.LinkType, source.TimestampUnit, table);
        var added = new List<long>();
        while (source.Read(out var header, out var data) == ReadStatus.Packet)
        {
            session.Add(header, data);
            if (filter!.Matches(in session.Current, in session.CurrentAnalysis)) added.Add(session.CurrentAnalysis.Frame);
        }
        var rows = new RowSet();
        filter!.Scan(table, 0, table.Count, rows, TestContext.Current.CancellationToken);
        return (Enumerable.Range(0, rows.Count).Select(i => rows[i] + 1L).ToList(), added);
    }
}
