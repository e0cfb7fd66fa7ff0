using System.Globalization;

namespace ProtoScope.Cli.Tests;

/// <summary>
/// Wireshark's TCP analysis per packet, `read --format jsonl` against tshark: every tcp.analysis flag (as tshark's
/// fields report them, so a fast retransmission is a retransmission too), acks_frame, ack_rtt, initial_rtt,
/// bytes_in_flight, duplicate_ack_num and duplicate_ack_frame, and the scaled window (tcp.window_size), on every
/// TCP packet both decode.
/// </summary>
public static class AnalysisMatchesTshark
{
    public static readonly string[] FlagNames =
    [
        "retransmission", "fast_retransmission", "spurious_retransmission", "out_of_order", "lost_segment", "ack_lost_segment",
        "duplicate_ack", "zero_window", "zero_window_probe", "zero_window_probe_ack", "window_full", "window_update",
        "keep_alive", "keep_alive_ack", "reused_ports",
    ];

    /// <summary>tshark's field → the name in our JSON's tcp object.</summary>
    private static readonly (string Tshark, string Ours, bool Time)[] Numbers =
    [
        ("tcp.analysis.acks_frame", "acks_frame", false),
        ("tcp.analysis.ack_rtt", "ack_rtt", true),
        ("tcp.analysis.initial_rtt", "initial_rtt", true),
        ("tcp.analysis.bytes_in_flight", "bytes_in_flight", false),
        ("tcp.analysis.duplicate_ack_num", "dup_ack_num", false),
        ("tcp.analysis.duplicate_ack_frame", "dup_ack_frame", false),
        ("tcp.window_size", "window_size", false),
    ];

    /// <summary>One TCP packet as tshark analysed it: the flags it carries and the numbers shown.</summary>
    public sealed record Row(long Frame, SortedSet<string> Flags, Dictionary<string, string> Numbers);

    /// <summary>tshark's analysis of every packet it decodes as TCP, by frame.</summary>
    public static Dictionary<long, Row> Tshark(string capture)
    {
        var fields = new List<string> { "frame.number", "tcp.stream" };
        fields.AddRange(FlagNames.Select(n => "tcp.analysis." + n));
        fields.AddRange(Numbers.Select(n => n.Tshark));
        var rows = new Dictionary<long, Row>();
        foreach (var r in ProtoScope.Tests.Tshark.Fields(capture, null, [.. fields]))
        {
            if (r.Length < 2 || r[1].Length == 0) continue;
            var flags = new SortedSet<string>(FlagNames.Where((_, i) => r[2 + i].Length > 0), StringComparer.Ordinal);
            var numbers = new Dictionary<string, string>();
            for (int i = 0; i < Numbers.Length; i++)
            {
                string v = r[2 + FlagNames.Length + i];
                if (v.Length > 0) numbers[Numbers[i].Ours] = Numbers[i].Time ? Nanoseconds(v) : v;
            }
            long frame = long.Parse(r[0], CultureInfo.InvariantCulture);
            rows[frame] = new Row(frame, flags, numbers);
        }
        return rows;
    }

    /// <summary>Our analysis of every packet we decode as a tracked TCP segment, by frame.</summary>
    public static Dictionary<long, Row> Ours(string capture)
    {
        var rows = new Dictionary<long, Row>();
        foreach (var o in CliRunner.Run("read", capture, "--format", "jsonl").JsonLines())
        {
            // A cut header's tcp object has no stream: like an untracked packet's (-1), it is never analysed.
            if (!o.TryGetProperty("tcp", out var t) || !t.TryGetProperty("stream", out var stream) || stream.GetInt32() < 0) continue;
            var flags = new SortedSet<string>(StringComparer.Ordinal);
            if (t.TryGetProperty("analysis", out var list))
                foreach (var f in list.EnumerateArray()) flags.Add(f.GetString()!);
            var numbers = new Dictionary<string, string>();
            foreach (var (_, ours, time) in Numbers)
                if (t.TryGetProperty(ours, out var v))
                    numbers[ours] = time ? Nanoseconds(v.GetRawText()) : v.GetRawText();
            long frame = o.GetProperty("frame").GetInt64();
            rows[frame] = new Row(frame, flags, numbers);
        }
        return rows;
    }

    private static string Nanoseconds(string seconds) =>
        decimal.ToInt64(decimal.Parse(seconds, NumberStyles.Float, CultureInfo.InvariantCulture) * 1_000_000_000m).ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Every difference between tshark and us on the TCP packets both decode, one line each; and the frames tshark
    /// decodes as TCP that we do not (<paramref name="unseen"/>).
    /// </summary>
    public static List<string> Differences(string capture, out int unseen, out Dictionary<long, Row> tshark)
    {
        var theirRows = Tshark(capture);
        tshark = theirRows;
        var ours = Ours(capture);
        var bad = new List<string>();
        foreach (var frame in ours.Keys.Where(f => !theirRows.ContainsKey(f)))
            bad.Add($"frame {frame}: ProtoScope analyses a TCP segment tshark does not");
        unseen = theirRows.Keys.Count(f => !ours.ContainsKey(f));
        foreach (var (frame, theirs) in theirRows.OrderBy(kv => kv.Key))
        {
            if (!ours.TryGetValue(frame, out var mine)) continue;
            if (!theirs.Flags.SetEquals(mine.Flags))
                bad.Add($"frame {frame} flags: tshark [{string.Join(' ', theirs.Flags)}], protoscope [{string.Join(' ', mine.Flags)}]");
            foreach (var (_, name, _) in Numbers)
            {
                theirs.Numbers.TryGetValue(name, out var a);
                mine.Numbers.TryGetValue(name, out var b);
                if (a != b) bad.Add($"frame {frame} {name}: tshark {a ?? "(none)"}, protoscope {b ?? "(none)"}");
            }
        }
        return bad;
    }

    /// <summary>Fails unless every TCP packet of <paramref name="capture"/> is analysed as tshark analyses it.</summary>
    public static void AssertAgrees(string capture)
    {
        var bad = Differences(capture, out int unseen, out _);
        Assert.True(bad.Count == 0, $"{Path.GetFileName(capture)}: {bad.Count} differences\n" + string.Join("\n", bad.Take(30)));
        Assert.True(unseen == 0, $"{Path.GetFileName(capture)}: {unseen} TCP packets tshark analyses and ProtoScope does not decode");
    }

    /// <summary>The flags tshark reports anywhere in <paramref name="rows"/>, with how many packets carry each.</summary>
    public static Dictionary<string, int> FlagCounts(IEnumerable<Row> rows) =>
        rows.SelectMany(r => r.Flags).GroupBy(f => f).ToDictionary(g => g.Key, g => g.Count());
}
