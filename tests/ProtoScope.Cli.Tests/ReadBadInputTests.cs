using System.Buffers.Binary;

namespace ProtoScope.Cli.Tests;

/// <summary>Bad input gets one line on stderr that names the file and the problem, exit code 2, and nothing is lost.</summary>
public sealed partial class ReadBadInputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("protoscope-bad-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Corpus(string name) => Path.Combine(Repo.Corpus, "tcpdump", "captures", name);

    private static void AssertOneLineError(CliResult r, params string[] mentions)
    {
        Assert.Equal(2, r.ExitCode);
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("protoscope: ", lines[0]);
        foreach (var m in mentions) Assert.Contains(m, lines[0]);
        Assert.DoesNotContain("   at ", r.Stderr);
    }

    [Fact]
    public void Missing_file()
    {
        var path = Path.Combine(_dir, "nope.pcap");
        AssertOneLineError(CliRunner.Run("read", path), path, "no such file");
    }

    [Fact]
    public void A_directory()
    {
        AssertOneLineError(CliRunner.Run("read", _dir), _dir, "directory");
    }

    [Fact]
    public void A_file_that_is_not_a_capture()
    {
        var path = Path.Combine(_dir, "notes.txt");
        File.WriteAllText(path, "these are not packets, just some words in a text file\n");
        AssertOneLineError(CliRunner.Run("read", path), path, "not a capture file", "pcap or pcapng");
    }

    [Fact]
    public void An_empty_file()
    {
        var path = Path.Combine(_dir, "empty.pcap");
        File.WriteAllBytes(path, []);
        AssertOneLineError(CliRunner.Run("read", path), path, "empty");
    }

    [Theory]
    [InlineData("empty.pcap")]
    [InlineData("empty.pcapng")]
    public void A_header_only_capture_is_an_empty_capture_not_an_error(string name)
    {
        var r = CliRunner.Run("read", Corpus(name), "--format", "jsonl");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("", r.Stdout);
        Assert.Equal("", r.Stderr);
    }

    [Fact]
    public void Unknown_format_is_a_usage_error()
    {
        var r = CliRunner.Run("read", Corpus("dns_tcp.pcap"), "--format", "xml");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("xml", r.Stderr);
    }

    /// <summary>
    /// The capture cut at every byte offset: the packets whose records are complete are all printed (counted
    /// here by walking the pcap record headers), then one warning; a cut on a record boundary is a clean end.
    /// </summary>
    [Fact]
    public void A_capture_cut_at_any_byte_still_shows_every_complete_packet()
    {
        var whole = File.ReadAllBytes(Corpus("dns_tcp.pcap"));
        var boundaries = RecordBoundaries(whole);
        var path = Path.Combine(_dir, "cut.pcap");
        for (int cut = 1; cut < whole.Length; cut++)
        {
            File.WriteAllBytes(path, whole[..cut]);
            if (cut < 24)
            {
                // Not even the file header: nothing to show.
                var header = CliRunner.Run("read", path, "--format", "jsonl");
                AssertOneLineError(header, path);
                Assert.Equal("", header.Stdout);
                continue;
            }
            var r = CliRunner.Run("read", path, "--format", "jsonl");
            int complete = boundaries.Count(b => b <= cut) - 1;
            Assert.Equal(complete, r.JsonLines().Count());
            if (boundaries.Contains(cut))
            {
                Assert.Equal(0, r.ExitCode);
            }
            else
            {
                AssertOneLineError(r, path, "truncated", $"the {complete} packets before it are shown");
            }
        }
    }

    /// <summary>Offsets where a record starts (and the end of the file), read from the classic pcap layout.</summary>
    private static List<int> RecordBoundaries(byte[] pcap)
    {
        var result = new List<int>();
        int offset = 24;
        while (offset <= pcap.Length)
        {
            result.Add(offset);
            if (offset + 16 > pcap.Length) break;
            offset += 16 + BinaryPrimitives.ReadInt32LittleEndian(pcap.AsSpan(offset + 8));
        }
        return result;
    }

    [Fact]
    public void Malformed_packets_decode_with_an_error_and_the_next_packet_is_fine()
    {
        foreach (var name in new[] { "tcp_header_heapoverflow.pcap", "udp-length-heapoverflow.pcap", "bad-ipv4-version-pgm-heapoverflow.pcap", "ipv4_invalid_hdr_length.pcap", "ipv6_invalid_length.pcap", "ipv6-bad-version.pcap" })
        {
            var r = CliRunner.Run("read", Corpus(name), "--format", "jsonl");
            Assert.Equal(0, r.ExitCode);
            Assert.Contains(r.JsonLines(), p => p.TryGetProperty("error", out _));
        }
    }
}

/// <summary>
/// A TCP or UDP header cut short still shows its ports, as tcpdump and tshark print them
/// (<c>48.48.48.48.12336 > 48.48.48.48.12336: [|tcp]</c>), every other field its captured bytes hold, and the error
/// still says what is missing.
/// </summary>
public sealed class TruncatedTransportHeaderTests
{
    private static IEnumerable<string> CorpusCaptures() =>
        Directory.EnumerateFiles(Repo.Corpus, "*.pcap*", SearchOption.AllDirectories).Order(StringComparer.Ordinal);

    /// <summary>Both sample captures are Ethernet and IPv4 without options: the transport header starts at byte 34.</summary>
    private const int TransportStart = 14 + 20;

    /// <summary>A capture and how many bytes of its transport headers a snaplen keeps, inside the header at several points.</summary>
    public static TheoryData<string, int> Cuts()
    {
        var cuts = new TheoryData<string, int>();
        foreach (int k in new[] { 0, 2, 3, 4, 6, 7, 8, 10, 12, 13, 14, 15, 16, 17, 18, 19 }) cuts.Add("handshake.pcap", k);
        foreach (int k in new[] { 0, 3, 4, 5, 6, 7 }) cuts.Add("udp.pcap", k);
        return cuts;
    }

    /// <summary>tshark's field, our JSON member (in "tcp"/"udp", or at the top for ports) and the header byte it ends at.</summary>
    private static readonly (string Tshark, string? Object, string Json, int End)[] TcpFields =
    [
        ("tcp.srcport", null, "sport", 4), ("tcp.dstport", null, "dport", 4), ("tcp.seq_raw", "tcp", "seq_raw", 8),
        ("tcp.ack_raw", "tcp", "ack_raw", 12), ("tcp.flags", "tcp", "flags", 14), ("tcp.window_size_value", "tcp", "win", 16),
    ];

    private static readonly (string Tshark, string? Object, string Json, int End)[] UdpFields =
    [
        ("udp.srcport", null, "sport", 4), ("udp.dstport", null, "dport", 4), ("udp.length", "udp", "len", 6),
    ];

    private static string? Value(System.Text.Json.JsonElement o, string? obj, string name)
    {
        if (obj is not null && !o.TryGetProperty(obj, out o)) return null;
        if (!o.TryGetProperty(name, out var v)) return null;
        if (v.ValueKind != System.Text.Json.JsonValueKind.Array) return v.GetRawText();
        int bits = 0;
        foreach (var flag in v.EnumerateArray())
            bits |= flag.GetString() switch
            {
                "FIN" => 0x1, "SYN" => 0x2, "RST" => 0x4, "PSH" => 0x8, "ACK" => 0x10,
                "URG" => 0x20, "ECE" => 0x40, "CWR" => 0x80, "AE" => 0x100, _ => throw new InvalidDataException($"flag {flag}"),
            };
        return bits.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>tshark prints tcp.flags in hex (0x0012); the others are decimal already.</summary>
    private static string Normalise(string field, string value) =>
        field == "tcp.flags" ? Convert.ToInt32(value, 16).ToString(System.Globalization.CultureInfo.InvariantCulture) : value;

    [Theory]
    [MemberData(nameof(Cuts))]
    public void Jsonl_has_each_field_exactly_when_its_bytes_were_captured_with_tsharks_value(string capture, int captured)
    {
        string original = Path.Combine(Repo.Captures, capture);
        using var cut = new CutCapture(original, TransportStart + captured);
        bool tcp = capture == "handshake.pcap";
        var fields = tcp ? TcpFields : UdpFields;
        string[] names = ["frame.cap_len", "ip.hdr_len", .. fields.Select(f => f.Tshark)];
        // The whole capture holds the same header bytes: tshark's values there are what every shown field must equal.
        var whole = Tshark.Occurrences(original, names);
        var tshark = Tshark.Occurrences(cut.Path, names);
        var ours = CliRunner.Run("read", cut.Path, "--format", "jsonl").JsonLines().ToList();
        Assert.Equal(whole.Count, tshark.Count);
        Assert.Equal(tshark.Count, ours.Count);
        Assert.NotEmpty(ours);
        for (int i = 0; i < ours.Count; i++)
        {
            var o = ours[i];
            string where = $"{capture} cut to {captured} header bytes, frame {i + 1}";
            Assert.Equal("20", tshark[i]["ip.hdr_len"].Single());
            Assert.Equal(TransportStart + captured, int.Parse(tshark[i]["frame.cap_len"].Single(), System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(tcp ? $"tcp header truncated: {captured} of 20 bytes" : $"udp header truncated: {captured} of 8 bytes", o.GetProperty("error").GetString());
            Assert.Equal(tcp ? "tcp" : "udp", o.GetProperty("proto").GetString());
            foreach (var (name, obj, json, end) in fields)
            {
                string? mine = Value(o, obj, json);
                string? theirs = tshark[i][name].Length > 0 ? Normalise(name, tshark[i][name][0]) : null;
                Assert.True((mine is not null) == captured >= end, $"{where}: {json} {(mine is null ? "missing" : "shown")} with {captured} bytes");
                if (mine is not null) Assert.True(Normalise(name, whole[i][name].Single()) == mine, $"{where}: {name} tshark {whole[i][name].Single()} on the whole packet, protoscope {mine}");
                if (theirs is not null) Assert.True(theirs == mine, $"{where}: {name} tshark {theirs}, protoscope {mine ?? "(none)"}");
                // tshark 4.0 reads the sequence number through the window in one go before it shows any of them, so a
                // header cut inside those 16 bytes shows only its ports there; the captured fields are no less there.
                else if (mine is not null) Assert.True(tcp && captured < 16, $"{where}: {name} protoscope {mine}, tshark none");
            }
            // A cut header joins no conversation: no stream, no payload length, no relative numbers.
            if (o.TryGetProperty(tcp ? "tcp" : "udp", out var layer))
                Assert.All(layer.EnumerateObject(), m => Assert.Contains(m.Name, fields.Select(f => f.Json)));
        }
    }

    [Theory]
    [MemberData(nameof(Cuts))]
    public void Text_keeps_tcpdumps_form_for_a_cut_header_and_the_session_tracks_nothing(string capture, int captured)
    {
        using var cut = new CutCapture(Path.Combine(Repo.Captures, capture), TransportStart + captured);
        string proto = capture == "handshake.pcap" ? "tcp" : "udp";
        var tcpdump = ProgramRun.Run("tcpdump", ["-n", "-r", cut.Path]).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var ours = CliRunner.Run("read", cut.Path).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(tcpdump.Length, ours.Length);
        for (int i = 0; i < ours.Length; i++)
        {
            // tcpdump: "20:02:56.648055 IP 127.0.0.1.33730 > 127.0.0.1.9000:  [|tcp]", without the ports below 4 bytes.
            string line = tcpdump[i];
            Assert.EndsWith($"[|{proto}]", line, StringComparison.Ordinal);
            string endpoints = line[(line.IndexOf(" IP ", StringComparison.Ordinal) + 4)..line.IndexOf(": ", StringComparison.Ordinal)];
            Assert.EndsWith($" IP {endpoints}: [|{proto}] ({proto} header truncated: {captured} of {(proto == "tcp" ? 20 : 8)} bytes)", ours[i], StringComparison.Ordinal);
        }
        var conns = CliRunner.Run("conns", cut.Path, "--format", "jsonl").JsonLines();
        Assert.Empty(conns);
    }

    [Fact]
    public void Ports_of_a_cut_header_equal_tsharks_in_every_corpus_capture()
    {
        int compared = 0;
        foreach (var capture in CorpusCaptures())
        {
            var cut = CliRunner.Run("read", capture, "--format", "jsonl").JsonLines()
                .Where(p => p.TryGetProperty("error", out var e) && e.GetString()!.StartsWith(p.GetProperty("proto").GetString() + " ", StringComparison.Ordinal)
                            && p.GetProperty("proto").GetString() is "tcp" or "udp")
                .ToList();
            if (cut.Count == 0) continue;
            // tshark stops at a cut record of the file; the packets before it are all it has.
            var tshark = Tshark.Run(["-r", capture, "-T", "fields", "-E", "occurrence=f", "-e", "frame.number", "-e", "tcp.srcport", "-e", "tcp.dstport", "-e", "udp.srcport", "-e", "udp.dstport"])
                .Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).ToDictionary(c => long.Parse(c[0], System.Globalization.CultureInfo.InvariantCulture));
            foreach (var p in cut)
            {
                long frame = p.GetProperty("frame").GetInt64();
                if (!tshark.TryGetValue(frame, out var fields)) continue;
                bool tcp = p.GetProperty("proto").GetString() == "tcp";
                string sport = fields[tcp ? 1 : 3], dport = fields[tcp ? 2 : 4];
                string where = $"{Path.GetFileName(capture)} frame {frame}";
                if (sport.Length == 0)
                {
                    Assert.False(p.TryGetProperty("sport", out _), $"{where}: tshark shows no ports");
                    continue;
                }
                Assert.True(p.TryGetProperty("sport", out var s), $"{where}: tshark shows ports {sport} > {dport}");
                Assert.Equal((sport, dport), (s.GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture), p.GetProperty("dport").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture)));
                compared++;
            }
        }
        Assert.True(compared > 0, "no corpus packet with a cut TCP or UDP header had ports to compare");
    }

    [Fact]
    public void Text_prints_the_ports_where_tcpdump_does_and_says_what_is_missing()
    {
        var capture = Path.Combine(Repo.Corpus, "tcpdump", "captures", "tcp_header_heapoverflow.pcap");
        string tcpdump = ProgramRun.Run("tcpdump", ["-n", "-r", capture]).Stdout.Split('\n')[0];
        string ours = CliRunner.Run("read", capture).Stdout.Split('\n')[0];
        // tcpdump: "05:27:12.999999 IP 48.48.48.48.12336 > 48.48.48.48.12336:  [|tcp]"
        string endpoints = tcpdump[(tcpdump.IndexOf(" IP ", StringComparison.Ordinal) + 4)..tcpdump.IndexOf(": ", StringComparison.Ordinal)];
        Assert.Contains($"IP {endpoints}: [|tcp] (tcp header truncated: 12 of 20 bytes)", ours);
    }
}
