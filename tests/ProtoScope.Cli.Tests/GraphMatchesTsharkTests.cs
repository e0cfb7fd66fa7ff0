using System.Globalization;
using System.Net;
using System.Text.Json;

namespace ProtoScope.Cli.Tests;

/// <summary>
/// `graph --format jsonl` point by point against tshark's fields of the same packets: the time-sequence graphs
/// (tseq, tcptrace), the RTT and window graphs, for both directions of every TCP connection; the throughput graph
/// against its rule computed from tshark's fields; the I/O graph against <c>tshark -q -z io,stat</c>. The captures
/// are those the analysis and display-filter tests use (the sample captures with lossy-transfer.pcap, and corpus
/// captures with TCP trouble) and lossy captures recorded here as <see cref="Live.AnalysisOfRealTroubleTests"/>
/// records them (that test deletes its files, so this class records its own, once, in <see cref="Recordings"/>).
/// </summary>
public sealed class GraphMatchesTsharkTests(GraphMatchesTsharkTests.Recordings recordings) : IClassFixture<GraphMatchesTsharkTests.Recordings>
{
    /// <summary>
    /// scripts/record-trouble.sh, once for the class: loss seen from the client (retransmissions, duplicate ACKs),
    /// loss seen from the server (segments never captured, out of order) and a stalled receiver (zero windows).
    /// And captures/handshake.pcap altered for the I/O graph: one packet alone (no duration), its packets a
    /// millisecond apart (a duration of a whole number of intervals), and the same with the sixth packet put back
    /// to half a millisecond (a timestamp that steps back four intervals).
    /// </summary>
    public sealed class Recordings : IDisposable
    {
        private readonly string _dir = Directory.CreateTempSubdirectory("protoscope-graph-").FullName;
        private readonly Dictionary<string, Lazy<string>> _files = new(StringComparer.Ordinal);

        public Recordings()
        {
            foreach (var (name, mode, side) in Recorded)
                _files[name] = new Lazy<string>(() => Record(name, mode, side), LazyThreadSafetyMode.ExecutionAndPublication);
            _files[OnePacket] = new Lazy<string>(() => Alter(OnePacket, (_, records) => records.Take(1)));
            _files[MillisecondApart] = new Lazy<string>(() => Alter(MillisecondApart,
                (header, records) => records.Select((r, i) => r with { Seconds = records[0].Seconds, Fraction = (uint)i * Millisecond(header) })));
            _files[StepBack] = new Lazy<string>(() => Alter(StepBack,
                (header, records) => records.Select((r, i) => r with { Seconds = records[0].Seconds, Fraction = (i == 5 ? 1u : 2u * (uint)i) * Millisecond(header) / 2 })));
        }

        public const string OnePacket = "altered:one-packet", MillisecondApart = "altered:a-millisecond-apart", StepBack = "altered:a-step-back";

        /// <summary>A millisecond in the record's fraction field: the nanosecond pcap's magic says nanoseconds, else microseconds.</summary>
        private static uint Millisecond(byte[] header) => System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(header) == 0xa1b23c4d ? 1_000_000u : 1000u;

        private string Alter(string name, Func<byte[], List<PcapRecord>, IEnumerable<PcapRecord>> change)
        {
            var (header, records) = PcapRecords.Read(System.IO.Path.Combine(Repo.Captures, "handshake.pcap"));
            string file = System.IO.Path.Combine(_dir, name.Replace(':', '-') + ".pcap");
            PcapRecords.Write(file, header, change(header, records));
            return file;
        }

        public static readonly (string Name, string Mode, string Side)[] Recorded =
        [
            ("recorded:loss-client", "loss", "client"),
            ("recorded:loss-server", "loss", "server"),
            ("recorded:stall-client", "stall", "client"),
        ];

        /// <summary>A capture's path: a recorded one by its name, else the path itself.</summary>
        public string Path(string capture) => _files.TryGetValue(capture, out var file) ? file.Value : capture;

        private string Record(string name, string mode, string side)
        {
            string file = System.IO.Path.Combine(_dir, name.Replace(':', '-') + ".pcap");
            var run = ProgramRun.Run("bash", [System.IO.Path.Combine(Repo.Root, "scripts", "record-trouble.sh"), file, mode, "30", side]);
            Assert.True(run.ExitCode == 0, $"record-trouble.sh {mode} {side}: {run.Stderr}");
            return file;
        }

        public void Dispose() => Directory.Delete(_dir, recursive: true);
    }

    public static TheoryData<string> TcpCaptures() =>
        new(AnalysisFilters.Captures().Where(c => !c.EndsWith("udp.pcap", StringComparison.Ordinal) && !c.EndsWith("udp-truncate.pcap", StringComparison.Ordinal))
            .Concat(Recordings.Recorded.Select(r => r.Name)));

    public static TheoryData<string> IoCaptures() =>
        new(AnalysisFilters.Captures().Concat(Recordings.Recorded.Select(r => r.Name)).Append(Recordings.OnePacket).Append(Recordings.MillisecondApart).Append(Recordings.StepBack));

    /// <summary>One packet as tshark dissects it: the fields the graphs are made of.</summary>
    private sealed record Packet(long Frame, decimal Time, int Stream, IPAddress? Src, int SrcPort, long Seq, long Len, bool HasAck, long Ack,
        long Win, bool Syn, bool Rst, decimal? AckRtt, long? AcksFrame, long? BytesInFlight, long WireLen, string Sack = "");

    private static readonly string[] Fields =
    [
        "frame.number", "frame.time_relative", "tcp.stream", "ip.src", "ipv6.src", "tcp.srcport", "tcp.seq", "tcp.len",
        "tcp.flags.ack", "tcp.ack", "tcp.window_size", "tcp.flags.syn", "tcp.flags.reset", "tcp.analysis.ack_rtt",
        "tcp.analysis.acks_frame", "tcp.analysis.bytes_in_flight", "frame.len",
    ];

    /// <summary>Every packet of the capture, TCP or not (stream -1 for those tshark does not give a tcp.stream).</summary>
    private static List<Packet> TsharkPackets(string capture)
    {
        static long Long(string s) => long.Parse(s, CultureInfo.InvariantCulture);
        static decimal Dec(string s) => decimal.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);
        // SACK edges repeat within a packet: read with every occurrence, relative as tshark shows them by default.
        var sacks = Tshark.Occurrences(capture, "frame.number", "tcp.options.sack_le", "tcp.options.sack_re").ToDictionary(
            r => Long(r["frame.number"][0]), r => string.Join(",", r["tcp.options.sack_le"].Zip(r["tcp.options.sack_re"], (l, e) => $"{l}-{e}")));
        return Tshark.Fields(capture, null, Fields).Select(r => new Packet(
            Long(r[0]), Dec(r[1]), r[2].Length > 0 ? int.Parse(r[2], CultureInfo.InvariantCulture) : -1,
            r[3].Length > 0 ? IPAddress.Parse(r[3]) : r[4].Length > 0 ? IPAddress.Parse(r[4]) : null,
            r[5].Length > 0 ? int.Parse(r[5], CultureInfo.InvariantCulture) : 0,
            r[6].Length > 0 ? Long(r[6]) : 0, r[7].Length > 0 ? Long(r[7]) : 0,
            r[8] is "1" or "True", r[9].Length > 0 ? Long(r[9]) : 0, r[10].Length > 0 ? Long(r[10]) : 0,
            r[11] is "1" or "True", r[12] is "1" or "True",
            r[13].Length > 0 ? Dec(r[13]) : null, r[14].Length > 0 ? Long(r[14]) : null, r[15].Length > 0 ? Long(r[15]) : null,
            Long(r[16]), sacks.GetValueOrDefault(Long(r[0]), ""))).ToList();
    }

    /// <summary>A decimal written with no trailing zeros, so that tshark's 0.000046000 and our 0.000046 compare equal.</summary>
    private static string D(decimal d) => d.ToString("0.#########", CultureInfo.InvariantCulture);

    private static string D(JsonElement e) => D(e.GetDecimal());

    private static readonly string[] TcpTypes = ["tseq", "tcptrace", "rtt", "window", "throughput"];

    /// <summary>
    /// For each TCP connection (tshark's tcp.stream, which is our conn id), each direction and each TCP graph: the
    /// frames of the points are exactly the packets that qualify by tshark's fields, and every value is tshark's.
    /// The originator is the endpoint `conns` names (its roles are checked against Zeek elsewhere); both
    /// directions are graphed, so each packet of the connection is checked once as a segment and once as an ACK.
    /// </summary>
    [Theory]
    [MemberData(nameof(TcpCaptures))]
    public void Every_point_of_the_tcp_graphs_is_tsharks(string capture)
    {
        string path = recordings.Path(capture);
        var packets = TsharkPackets(path);
        var conns = CliRunner.Run("conns", path, "--format", "jsonl").JsonLines().Where(c => c.GetProperty("proto").GetString() == "tcp").ToList();
        Assert.NotEmpty(conns);
        var bad = new List<string>();
        int compared = 0;
        foreach (var conn in conns)
        {
            int id = conn.GetProperty("id").GetInt32();
            var origin = (IPAddress.Parse(conn.GetProperty("orig_h").GetString()!), conn.GetProperty("orig_p").GetInt32());
            var stream = packets.Where(p => p.Stream == id).ToList();
            Assert.True(stream.Count > 0, $"{capture}: tshark has no tcp.stream {id}");
            foreach (string dir in new[] { "orig", "resp" })
            {
                bool FromGraphed(Packet p) => (p.Src!.Equals(origin.Item1) && p.SrcPort == origin.Item2) == (dir == "orig");
                string other = dir == "orig" ? "resp" : "orig";
                foreach (string type in TcpTypes)
                {
                    var expected = Expected(type, stream, FromGraphed, dir, other);
                    var run = CliRunner.Run("graph", path, "--type", type, "--conn", id.ToString(CultureInfo.InvariantCulture), "--dir", dir, "--format", "jsonl");
                    Assert.True(run.ExitCode == 0, $"{capture} conn {id} {type} {dir}: {run.Stderr}");
                    var ours = run.JsonLines().ToList();
                    var frames = ours.Select(o => o.GetProperty("frame").GetInt64()).ToList();
                    if (!frames.SequenceEqual(frames.Order()))
                        bad.Add($"conn {id} {type} --dir {dir}: points not in frame order");
                    var actual = ours.ToDictionary(o => o.GetProperty("frame").GetInt64(), o => Describe(type, o));
                    foreach (var (frame, want) in expected)
                    {
                        compared++;
                        if (!actual.TryGetValue(frame, out var got)) bad.Add($"conn {id} {type} --dir {dir} frame {frame}: tshark {want}, protoscope no point");
                        else if (got != want) bad.Add($"conn {id} {type} --dir {dir} frame {frame}: tshark {want}, protoscope {got}");
                    }
                    foreach (var frame in actual.Keys.Where(f => !expected.ContainsKey(f)))
                        bad.Add($"conn {id} {type} --dir {dir} frame {frame}: protoscope {actual[frame]}, not a point by tshark's fields");
                }
            }
        }
        Assert.True(bad.Count == 0, $"{capture}: {bad.Count} differences in {compared} points\n" + string.Join("\n", bad.Take(40)));
        Assert.True(compared > 0);
    }

    /// <summary>
    /// The points a graph must have, by frame, written as <see cref="Describe"/> writes ours: segments are the packets
    /// of the graphed direction, ACKs the packets of the other with ACK set; the RTT graph is the other direction's
    /// packets with tcp.analysis.ack_rtt; the window graph the graphed direction's packets with
    /// tcp.analysis.bytes_in_flight and the other's packets but SYNs and RSTs, as Wireshark's window graph.
    /// </summary>
    private static Dictionary<long, string> Expected(string type, List<Packet> stream, Func<Packet, bool> fromGraphed, string dir, string other)
    {
        var points = new Dictionary<long, string>();
        var segmentWindow = new List<Packet>();
        var ackWindow = new List<(decimal Time, long Acked)>();
        long? highestAck = null;
        foreach (var p in stream)
        {
            string at = $"{D(p.Time)} {(fromGraphed(p) ? dir : other)}";
            if (fromGraphed(p))
            {
                switch (type)
                {
                    case "tseq" or "tcptrace":
                        points[p.Frame] = $"{at} seq={p.Seq} len={p.Len}";
                        break;
                    case "window" when p.BytesInFlight is long inFlight:
                        points[p.Frame] = $"{at} bytes_in_flight={inFlight}";
                        break;
                    case "throughput":
                        // The rule: bits in the segments of the last second up to this one, the one a second before included.
                        segmentWindow.Add(p);
                        long bits = segmentWindow.Where(s => s.Time >= p.Time - 1).Sum(s => s.Len) * 8;
                        points[p.Frame] = $"{at} len={p.Len} bps={bits}";
                        break;
                }
                continue;
            }
            switch (type)
            {
                case "tcptrace" when p.HasAck:
                    points[p.Frame] = $"{at} ack={p.Ack} win={p.Win} sack={p.Sack}";
                    break;
                case "rtt" when p.AckRtt is decimal rtt:
                    points[p.Frame] = $"{at} rtt={D(rtt)} acks_frame={p.AcksFrame}";
                    break;
                case "window" when !p.Syn && !p.Rst:
                    points[p.Frame] = $"{at} win={p.Win}";
                    break;
                case "throughput" when p.HasAck:
                    // Goodput: what the ACK newly acknowledges beyond the highest ACK before it, over the last second.
                    long acked = highestAck is long h && p.Ack > h ? p.Ack - h : 0;
                    highestAck = highestAck is long high ? Math.Max(high, p.Ack) : p.Ack;
                    ackWindow.Add((p.Time, acked));
                    long goodput = ackWindow.Where(a => a.Time >= p.Time - 1).Sum(a => a.Acked) * 8;
                    points[p.Frame] = $"{at} ack={p.Ack} goodput_bps={goodput}";
                    break;
            }
        }
        return points;
    }

    /// <summary>The SACK blocks of an ACK point as "left-right,...", tshark's order; "" for none.</summary>
    private static string Sack(JsonElement o) => o.TryGetProperty("sack", out var blocks)
        ? string.Join(",", blocks.EnumerateArray().Select(b => $"{b[0].GetInt64()}-{b[1].GetInt64()}"))
        : "";

    private static string Describe(string type, JsonElement o)
    {
        string at = $"{D(o.GetProperty("time"))} {o.GetProperty("dir").GetString()}";
        long N(string name) => o.GetProperty(name).GetInt64();
        return type switch
        {
            "tseq" => $"{at} seq={N("seq")} len={N("len")}",
            "tcptrace" when o.TryGetProperty("seq", out _) => $"{at} seq={N("seq")} len={N("len")}",
            "tcptrace" => $"{at} ack={N("ack")} win={N("win")} sack={Sack(o)}",
            "rtt" => $"{at} rtt={D(o.GetProperty("rtt"))} acks_frame={N("acks_frame")}",
            "window" when o.TryGetProperty("bytes_in_flight", out _) => $"{at} bytes_in_flight={N("bytes_in_flight")}",
            "window" => $"{at} win={N("win")}",
            "throughput" when o.TryGetProperty("bps", out _) => $"{at} len={N("len")} bps={D(o.GetProperty("bps"))}",
            _ => $"{at} ack={N("ack")} goodput_bps={D(o.GetProperty("goodput_bps"))}",
        };
    }

    /// <summary>Filters tshark's io,stat and our -Y both understand, none with a comma (io,stat's separator).</summary>
    private static readonly string[] IoFilters =
    [
        "tcp", "udp", "tcp.analysis.retransmission", "tcp.analysis.duplicate_ack", "tcp.port == 9999", "tcp.len > 0",
        "tcp.analysis.lost_segment or tcp.analysis.out_of_order",
    ];

    private static readonly string[] IoIntervals = ["0.001", "0.01", "0.1", "1"];

    /// <summary>
    /// The intervals of <see cref="IoIntervals"/> that make at most 20,000 rows of the capture (tshark keeps a list
    /// item per row and column, and the test's time is the rows'); the longest interval, 600 s, for a capture too long for all of them (one of the
    /// corpus captures spans 19 years).
    /// </summary>
    private static IEnumerable<string> IntervalsFor(List<Packet> packets)
    {
        decimal duration = packets.Max(p => p.Time);
        var fit = IoIntervals.Where(i => duration / decimal.Parse(i, CultureInfo.InvariantCulture) <= 20_000).ToList();
        return fit.Count > 0 ? fit : ["600"];
    }

    /// <summary>
    /// The I/O graph against <c>tshark -q -z io,stat,INTERVAL,FILTER...</c>, every row and column (frames and bytes)
    /// exactly, for each interval, with all the filters in one run and with none (all packets).
    /// </summary>
    /// <remarks>
    /// Where ProtoScope and tshark part on purpose: tshark prints ⌈duration / interval⌉ rows (duration: the last
    /// packet's time since the first, rounded to the microsecond, ui/cli/tap-iostat.c), so when the duration is a
    /// whole number of intervals (or zero, one packet or all at one instant) the packets at exactly that time fall in
    /// a row tshark counts but never prints. ProtoScope prints that row: the graph shows every packet. So our rows
    /// must be tshark's, plus at most one more, which holds exactly the packets tshark leaves out, counted here from
    /// tshark's own frame times.
    /// </remarks>
    [Theory]
    [MemberData(nameof(IoCaptures))]
    public void Every_interval_of_the_io_graph_is_tsharks(string capture)
    {
        string path = recordings.Path(capture);
        var packets = TsharkPackets(path);
        var intervals = IntervalsFor(packets).ToList();
        // Each interval with all the filters and with none; the fallback interval of a very long capture without
        // filters only, its rows being many.
        var runs = intervals.SelectMany(i => intervals.Count == 1 && i == "600" ? [(i, Array.Empty<string>())] : new[] { (i, IoFilters), (i, Array.Empty<string>()) }).ToList();
        var args = new List<string> { "-n", "-q", "-r", path };
        foreach (var (interval, filters) in runs) args.AddRange(["-z", string.Join(',', new[] { "io,stat", interval }.Concat(filters))]);
        var tshark = Tshark.Run(args);
        Tshark.AssertReadWhole(path, tshark);
        // One run, one table per -z, printed in the reverse order of the options.
        var tables = IoTables(tshark.Stdout);
        tables.Reverse();
        Assert.Equal(runs.Count, tables.Count);
        var kept = IoFilters.ToDictionary(f => f, f => new Lazy<HashSet<long>>(() => Tshark.Frames(path, f).ToHashSet()));
        var bad = new List<string>();
        int rows = 0, leftOut = 0, steppedBack = 0;
        for (int r = 0; r < runs.Count; r++)
        {
            var (interval, filters) = runs[r];
            var theirs = tables[r];
            Assert.All(theirs, row => Assert.Equal(2 * Math.Max(1, filters.Length), row.Length));
            var cli = new List<string> { "graph", path, "--type", "io", "--interval", interval, "--format", "jsonl" };
            foreach (var f in filters) cli.AddRange(["-Y", f]);
            var run = CliRunner.Run([.. cli]);
            Assert.True(run.ExitCode == 0, $"{capture} {interval}: {run.Stderr}");
            var lines = run.JsonLines().ToList();
            var ours = lines.Select(o => o.GetProperty("packets").EnumerateArray().Zip(o.GetProperty("bytes").EnumerateArray())
                .SelectMany(c => new[] { c.First.GetInt64(), c.Second.GetInt64() }).ToArray()).ToList();
            var starts = lines.Select(o => o.GetProperty("start").GetDecimal()).ToList();
            string what = $"io,stat,{interval}{(filters.Length > 0 ? ",filters" : "")}";

            var expected = theirs.Select(row => (long[])row.Clone()).ToList();
            long us = (long)(decimal.Parse(interval, CultureInfo.InvariantCulture) * 1_000_000m);
            var columns = filters.Select(f => kept[f].Value).ToArray();
            steppedBack += PutBackInTheirOwnInterval(expected, packets, columns, us, theirs.Count);
            var last = LeftOutByTshark(packets, columns, us, theirs.Count);
            if (last is not null)
            {
                leftOut++;
                expected.Add(last);
            }
            if (ours.Count != expected.Count)
                bad.Add($"{what}: tshark {theirs.Count} rows{(last is null ? "" : " and one left out")}, protoscope {ours.Count}");
            for (int i = 0; i < Math.Min(ours.Count, expected.Count); i++)
            {
                rows++;
                if (!ours[i].SequenceEqual(expected[i]))
                    bad.Add($"{what} row {i}: tshark [{string.Join(' ', expected[i])}], protoscope [{string.Join(' ', ours[i])}]");
                if (starts[i] != i * us / 1_000_000m) bad.Add($"{what} row {i}: start {starts[i]}");
            }
        }
        Assert.True(bad.Count == 0, $"{capture}: {bad.Count} differences in {rows} rows\n" + string.Join("\n", bad.Take(40)));
        // The altered captures are there to put packets where tshark does not print them.
        if (capture is Recordings.OnePacket or Recordings.MillisecondApart or Recordings.StepBack) Assert.True(leftOut > 0, $"{capture}: no packet at the end of a last interval");
        if (capture is Recordings.StepBack) Assert.True(steppedBack > 0, $"{capture}: no packet stepped back");
    }

    /// <summary>
    /// tshark's rows made ours for packets whose time steps back to an earlier interval than a packet before them:
    /// tshark counts such a packet in the latest interval its column has reached (it appends to a list of rows and
    /// only ever moves forward, tap-iostat.c's iostat_packet), Wireshark's I/O graph window in the packet's own
    /// interval (io_graph_item.c's get_io_graph_index), and so does ProtoScope: each such packet is moved from the
    /// row tshark counted it in to its own, when both are rows tshark prints. Returns how many were moved.
    /// </summary>
    private static int PutBackInTheirOwnInterval(List<long[]> rows, List<Packet> packets, HashSet<long>[] columns, long intervalUs, int printed)
    {
        int moved = 0;
        for (int c = 0; c < Math.Max(1, columns.Length); c++)
        {
            long latest = 0;
            foreach (var p in packets.Where(p => columns.Length == 0 || columns[c].Contains(p.Frame)))
            {
                long own = Micro(p.Time) / intervalUs;
                if (own >= latest)
                {
                    latest = own;
                    continue;
                }
                if (own >= printed) continue;
                moved++;
                rows[(int)own][2 * c]++;
                rows[(int)own][2 * c + 1] += p.WireLen;
                if (latest >= printed) continue;
                rows[(int)latest][2 * c]--;
                rows[(int)latest][2 * c + 1] -= p.WireLen;
            }
        }
        return moved;
    }

    /// <summary>Time since the first packet in microseconds, rounded as tshark rounds it (half up).</summary>
    private static long Micro(decimal seconds) => (long)decimal.Round(seconds * 1_000_000m, MidpointRounding.AwayFromZero);

    /// <summary>
    /// The row after tshark's last, when a packet lies in it (at exactly ⌈duration / interval⌉ × interval): each
    /// column's frames and bytes there, from tshark's frame times and the frames its display filters keep
    /// (<paramref name="columns"/>; none: one column of all packets); null when it is empty.
    /// </summary>
    private static long[]? LeftOutByTshark(List<Packet> packets, HashSet<long>[] columns, long intervalUs, int rows)
    {
        var beyond = packets.Where(p => Micro(p.Time) >= rows * intervalUs).ToList();
        if (beyond.Count == 0) return null;
        var counted = columns.Length == 0 ? [beyond] : columns.Select(kept => beyond.Where(p => kept.Contains(p.Frame)).ToList()).ToArray();
        return counted.SelectMany(c => new[] { (long)c.Count, c.Sum(p => p.WireLen) }).ToArray();
    }

    /// <summary>The io,stat tables of tshark's output, in its order: each row's frames and bytes per column.</summary>
    private static List<List<long[]>> IoTables(string output)
    {
        var tables = new List<List<long[]>>();
        foreach (var line in output.Split('\n'))
        {
            if (line.StartsWith("| IO Statistics", StringComparison.Ordinal)) tables.Add([]);
            else if (line.StartsWith('|') && line.Contains("<>", StringComparison.Ordinal))
                tables[^1].Add(line.Split('|', StringSplitOptions.TrimEntries)[2..^1].Select(c => long.Parse(c, CultureInfo.InvariantCulture)).ToArray());
        }
        return tables;
    }
}
