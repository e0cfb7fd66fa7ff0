using System.Globalization;
using System.Text.Json;

namespace ProtoScope.Cli.Tests;

/// <summary>
/// `read --format jsonl` against tshark, field by field, on every capture of the shared corpus. Where the two
/// legitimately differ the comparison says why next to the rule that skips it.
/// </summary>
public class ReadMatchesTsharkTests
{
    private static readonly string[] Fields =
    [
        "frame.number", "frame.time_epoch", "frame.len", "frame.cap_len", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst",
        "tcp.srcport", "tcp.dstport", "tcp.flags", "tcp.seq", "tcp.ack", "tcp.seq_raw", "tcp.ack_raw", "tcp.len",
        "tcp.stream", "tcp.window_size_value", "udp.srcport", "udp.dstport", "udp.length", "udp.stream", "icmp.type", "icmpv6.type",
        "ip.flags.mf", "ip.frag_offset",
    ];

    public static TheoryData<string> CorpusCaptures() => new(Repo.CorpusCaptures());

    [Theory]
    [MemberData(nameof(CorpusCaptures))]
    public void Every_packet_agrees_with_tshark(string capture) => AssertAgrees(Repo.CorpusFile(capture));

    public static TheoryData<string> SampleCaptures() =>
        new(Directory.EnumerateFiles(Repo.Captures, "*.pcap").Select(Path.GetFileName).Order(StringComparer.Ordinal)!);

    [Theory]
    [MemberData(nameof(SampleCaptures))]
    public void The_sample_captures_agree_with_tshark(string name) => AssertAgrees(Path.Combine(Repo.Captures, name));

    /// <summary>Fresh loopback traffic recorded by tcpdump while this test runs.</summary>
    [Fact]
    public void A_capture_recorded_now_agrees_with_tshark()
    {
        var dir = Directory.CreateTempSubdirectory("protoscope-rec-").FullName;
        try
        {
            var path = Path.Combine(dir, "now.pcap");
            ProgramRun.Run("bash", [Path.Combine(Repo.Root, "scripts", "record-loopback.sh"), path]);
            Assert.True(File.Exists(path));
            AssertAgrees(path);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    internal static void AssertAgrees(string path)
    {
        string capture = Path.GetFileName(path);
        var expected = Tshark.Occurrences(path, Fields);
        var result = CliRunner.Run("read", path, "--format", "jsonl");
        var ours = result.JsonLines().ToList();

        Assert.Equal(expected.Count, ours.Count);
        // tshark numbers the conversations quoted in ICMP errors, which ProtoScope does not decode, so stream numbers are
        // comparable only in captures without them. The tunnels both decode: their outer layers are ProtoScope's encap.
        // tshark also reassembles IP fragments and numbers the reassembled datagram's conversation.
        bool nested = expected.Zip(ours).Any(x => IpLayers(x.First) > Encap(x.Second).Count + 1 || IsFragment(x.First));
        int snaplen = PcapSnaplen(path);
        var mismatches = new List<string>();
        for (int i = 0; i < ours.Count; i++)
            Compare(expected[i], ours[i], nested, snaplen, mismatches);
        Assert.True(mismatches.Count == 0, $"{capture}: {mismatches.Count} mismatches\n" + string.Join("\n", mismatches.Take(30)));
    }

    private static int IpLayers(Dictionary<string, string[]> r) => r["ip.src"].Length + r["ipv6.src"].Length;

    private static List<JsonElement> Encap(JsonElement o) => o.TryGetProperty("encap", out var e) ? e.EnumerateArray().ToList() : [];

    private static bool IsFragment(Dictionary<string, string[]> r) =>
        r["ip.flags.mf"].FirstOrDefault() is "1" or "True" || r["ip.frag_offset"].FirstOrDefault() is { } off && off != "0";

    /// <summary>The snaplen of a classic pcap file's header; int.MaxValue for pcapng.</summary>
    private static int PcapSnaplen(string path)
    {
        var head = new byte[24];
        using (var f = File.OpenRead(path)) f.ReadExactly(head);
        uint magic = BitConverter.ToUInt32(head, 0);
        if (magic is 0xa1b2c3d4 or 0xa1b23c4d) return BitConverter.ToInt32(head, 16);
        if (magic is 0xd4c3b2a1 or 0x4d3cb2a1) return System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(BitConverter.ToInt32(head, 16));
        return int.MaxValue;
    }

    private static void Compare(Dictionary<string, string[]> t, JsonElement o, bool nested, int snaplen, List<string> bad)
    {
        string frame = t["frame.number"][0];
        void Check(string what, string? theirs, string? mine)
        {
            if (theirs != mine) bad.Add($"frame {frame} {what}: tshark {theirs ?? "(none)"}, protoscope {mine ?? "(none)"}");
        }
        string? Mine(string name) => o.TryGetProperty(name, out var v) ? Text(v) : null;
        string? Sub(string obj, string name) => o.TryGetProperty(obj, out var s) && s.TryGetProperty(name, out var v) ? Text(v) : null;
        string? First(string field) => t[field].Length > 0 ? t[field][0] : null;

        Check("frame", frame, Mine("frame"));
        Check("wire length", First("frame.len"), Mine("wire_len"));
        // A sub-second field of 1,000,000 µs or more is invalid: tshark prints its digits after the point
        // as they are, ProtoScope counts the excess as seconds and flags the packet (see its error).
        if (Mine("error")?.StartsWith("invalid timestamp", StringComparison.Ordinal) != true)
            Check("time", decimal.Parse(First("frame.time_epoch")!, CultureInfo.InvariantCulture).ToString("0.#########", CultureInfo.InvariantCulture),
            decimal.Parse(Mine("time")!, CultureInfo.InvariantCulture).ToString("0.#########", CultureInfo.InvariantCulture));
        // libpcap (hence tcpdump and ProtoScope) cuts a record whose caplen exceeds the file's snaplen to
        // the snaplen; tshark's own reader keeps all the bytes.
        Check("captured length", Math.Min(int.Parse(First("frame.cap_len")!, CultureInfo.InvariantCulture), snaplen).ToString(CultureInfo.InvariantCulture), Mine("len"));

        int layers = IpLayers(t);
        // The outer layers of a tunnel, outermost first, are tshark's first IP occurrences of each version; the packet's
        // own addresses come next.
        var encap = Encap(o);
        int v4 = 0, v6 = 0, udpOuter = 0;
        foreach (var layer in encap)
        {
            string outerSrc = layer.GetProperty("src").GetString()!;
            bool outerV6 = outerSrc.Contains(':');
            int at = outerV6 ? v6++ : v4++;
            string[] srcs = t[outerV6 ? "ipv6.src" : "ip.src"], dsts = t[outerV6 ? "ipv6.dst" : "ip.dst"];
            Check("outer src", at < srcs.Length ? srcs[at] : null, outerSrc);
            Check("outer dst", at < dsts.Length ? dsts[at] : null, layer.GetProperty("dst").GetString());
            if (layer.TryGetProperty("sport", out var sport))
            {
                Check("outer sport", udpOuter < t["udp.srcport"].Length ? t["udp.srcport"][udpOuter] : null, sport.GetRawText());
                udpOuter++;
            }
        }
        string? At(string field, int i) => t[field].Length > i ? t[field][i] : null;
        if (layers > encap.Count && o.TryGetProperty("src", out _))
        {
            string? src = Mine("src");
            bool isV6 = src?.Contains(':') == true;
            Check("src", At(isV6 ? "ipv6.src" : "ip.src", isV6 ? v6 : v4), src);
            Check("dst", At(isV6 ? "ipv6.dst" : "ip.dst", isV6 ? v6 : v4), Mine("dst"));
        }

        string? proto = Mine("proto");
        bool theirTcp = t["tcp.srcport"].Length > 0, myTcp = o.TryGetProperty("tcp", out _);
        bool theirUdp = t["udp.srcport"].Length > udpOuter, myUdp = o.TryGetProperty("udp", out _);
        bool inner = layers > encap.Count + 1; // a header quoted in an ICMP error: tshark decodes it, ProtoScope does not
        // Both reassemble IP fragments and show the transport fields on the fragment that completes the datagram.
        var frag = o.TryGetProperty("frag", out var f) ? f : (JsonElement?)null;
        // The fragment fields belong to the IPv4 layer that was fragmented: the packet's own, or an outer one whose
        // datagram was put back together before its tunnel was decoded. tshark's ip.frag_offset counts 8-byte blocks,
        // as the header does; ProtoScope's offset is in bytes.
        if (frag is { } fr && !(Mine("src") ?? "").Contains(':') | encap.Count > 0)
        {
            string mf = fr.GetProperty("mf").GetBoolean() ? "1" : "0", blocks = (fr.GetProperty("offset").GetInt32() / 8).ToString(CultureInfo.InvariantCulture);
            bool found = t["ip.flags.mf"].Zip(t["ip.frag_offset"]).Any(x => x.First == mf && x.Second == blocks);
            if (t["ip.flags.mf"].Length > 0) Check("fragment (mf, offset)", found ? $"{mf}, {blocks}" : string.Join(" ", t["ip.flags.mf"].Zip(t["ip.frag_offset"])), $"{mf}, {blocks}");
        }
        else if (layers > encap.Count && Mine("src") is { } own && !own.Contains(':'))
        {
            Check("ip.flags.mf", At("ip.flags.mf", v4), At("ip.flags.mf", v4) is null ? null : "0");
            Check("ip.frag_offset", At("ip.frag_offset", v4), At("ip.frag_offset", v4) is null ? null : "0");
        }
        if ((IsFragment(t) || frag is not null) && !(frag is { } r && r.TryGetProperty("reassembled", out _))) return;
        // A transport header not decoded whole (cut short, or a bad length): tshark shows the fields it could read before
        // [Malformed Packet], ProtoScope every field whose bytes are there (TruncatedTransportHeaderTests compares which),
        // and neither's are in a conversation here. What tshark shows must be there and equal.
        string? error = Mine("error");
        var transport = myTcp ? o.GetProperty("tcp") : myUdp ? o.GetProperty("udp") : default;
        bool whole = transport.ValueKind == JsonValueKind.Object && transport.TryGetProperty("stream", out _);
        if (error is not null && (error.StartsWith("tcp", StringComparison.Ordinal) || error.StartsWith("udp", StringComparison.Ordinal)) && !whole)
        {
            void Shown(string what, string? theirs, string? mine)
            {
                if (theirs is not null) Check(what, theirs, mine);
            }
            bool tcp = proto == "tcp";
            Shown("sport", First(tcp ? "tcp.srcport" : "udp.srcport"), Mine("sport"));
            Shown("dport", First(tcp ? "tcp.dstport" : "udp.dstport"), Mine("dport"));
            if (tcp)
            {
                Shown("seq_raw", First("tcp.seq_raw"), Sub("tcp", "seq_raw"));
                Shown("ack_raw", First("tcp.ack_raw"), Sub("tcp", "ack_raw"));
                Shown("flags", ParseHex(First("tcp.flags")), myTcp && transport.TryGetProperty("flags", out var flags) ? FlagBits(flags) : null);
                Shown("win", First("tcp.window_size_value"), Sub("tcp", "win"));
            }
            else Shown("udp.length", First("udp.length"), Sub("udp", "len"));
            return;
        }

        if (myTcp || (theirTcp && !inner))
        {
            Check("tcp present", theirTcp ? "yes" : "no", myTcp ? "yes" : "no");
            if (theirTcp && myTcp)
            {
                Check("sport", First("tcp.srcport"), Mine("sport"));
                Check("dport", First("tcp.dstport"), Mine("dport"));
                Check("flags", ParseHex(First("tcp.flags")), FlagBits(o.GetProperty("tcp").GetProperty("flags")));
                Check("seq", First("tcp.seq"), Sub("tcp", "seq"));
                // Without the ACK flag tshark shows the raw acknowledgment field as tcp.ack; ProtoScope leaves
                // "ack" out, since the field means nothing then.
                Check("ack", First("tcp.ack"), Sub("tcp", "ack") ?? Sub("tcp", "ack_raw"));
                Check("seq_raw", First("tcp.seq_raw"), Sub("tcp", "seq_raw"));
                Check("ack_raw", First("tcp.ack_raw"), Sub("tcp", "ack_raw"));
                Check("tcp.len", First("tcp.len"), Sub("tcp", "len"));
                Check("win", First("tcp.window_size_value"), Sub("tcp", "win"));
                if (!nested) Check("tcp.stream", First("tcp.stream"), Sub("tcp", "stream"));
            }
        }
        if (myUdp || (theirUdp && !inner && proto != "icmp" && proto != "icmpv6"))
        {
            Check("udp present", theirUdp ? "yes" : "no", myUdp ? "yes" : "no");
            if (theirUdp && myUdp)
            {
                Check("sport", At("udp.srcport", udpOuter), Mine("sport"));
                Check("dport", At("udp.dstport", udpOuter), Mine("dport"));
                Check("udp.length", At("udp.length", udpOuter), Sub("udp", "len"));
                if (!nested) Check("udp.stream", At("udp.stream", udpOuter), Sub("udp", "stream"));
            }
        }
        if (t["icmp.type"].Length > 0 && !inner) Check("proto", "icmp", proto);
        if (t["icmpv6.type"].Length > 0 && !inner) Check("proto", "icmpv6", proto);
    }

    private static string? Text(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString(),
        JsonValueKind.Number => v.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => v.GetRawText(),
    };

    private static string? ParseHex(string? hex) => hex is null ? null : Convert.ToInt32(hex, 16).ToString(CultureInfo.InvariantCulture);

    private static string FlagBits(JsonElement names)
    {
        int bits = 0;
        foreach (var n in names.EnumerateArray())
            bits |= n.GetString() switch
            {
                "FIN" => 0x1, "SYN" => 0x2, "RST" => 0x4, "PSH" => 0x8, "ACK" => 0x10,
                "URG" => 0x20, "ECE" => 0x40, "CWR" => 0x80, "AE" => 0x100, _ => 0,
            };
        return bits.ToString(CultureInfo.InvariantCulture);
    }
}

