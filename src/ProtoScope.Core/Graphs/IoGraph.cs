using System.Globalization;

namespace ProtoScope.Core.Graphs;

/// <summary>
/// Wireshark's I/O graph, as <c>tshark -q -z io,stat,INTERVAL,FILTER...</c> counts it: packets and bytes
/// (frame.len, the length on the wire) per interval since the capture's first packet, one line per filter.
/// </summary>
/// <remarks>
/// The rules are tshark's (ui/cli/tap-iostat.c): a packet's time since the first is rounded to the microsecond,
/// and it counts in interval ⌊time / interval⌋; a packet earlier than the first counts at the time of the
/// packet before it. Memory is two numbers per interval and line: at most <see cref="MaxIntervals"/> intervals.
/// One difference on purpose: tshark prints ⌈duration / interval⌉ rows, so when the last packet lies exactly at the
/// end of its last row (the duration a whole number of intervals, or zero) the packets at that instant are counted
/// but never printed; here the interval they fall in is part of the graph, so that every packet is shown. And a
/// packet whose time steps back to an earlier interval counts in that interval, as in Wireshark's I/O graph window
/// (ui/io_graph_item.c), where tshark's table counts it in the latest interval its line has reached.
/// </remarks>
public sealed class IoGraph
{
    /// <summary>The name of a line without a filter, which counts every packet.</summary>
    public const string AllPackets = "all packets";

    /// <summary>The most intervals a graph holds (1 ms over 2¾ hours): 16 bytes each per line.</summary>
    public const int MaxIntervals = 10_000_000;

    private readonly long _origin;
    private readonly IoLine[] _lines;
    private long _lastMicroseconds;

    /// <param name="interval">The interval in microseconds (tshark's resolution), at least 1.</param>
    /// <param name="origin">The capture's first timestamp (ns).</param>
    /// <param name="lines">The names of the lines (their filters), in order.</param>
    public IoGraph(long interval, long origin, IReadOnlyList<string> lines)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(interval, 1);
        Interval = interval;
        _origin = origin;
        _lines = lines.Select(name => new IoLine(name)).ToArray();
    }

    /// <summary>Microseconds.</summary>
    public long Interval { get; }

    public IReadOnlyList<IoLine> Lines => _lines;

    /// <summary>Intervals from the first packet's to the last's (0 before any packet).</summary>
    public int Intervals { get; private set; }

    /// <summary>
    /// The interval a packet of <paramref name="timestamp"/> (ns) counts in, or -1 when it is beyond
    /// <see cref="MaxIntervals"/>. Call once per packet, in capture order, before <see cref="Count"/>.
    /// </summary>
    public int IntervalOf(long timestamp)
    {
        long relative = timestamp - _origin;
        long microseconds = relative >= 0 ? (relative + 500) / 1000 : _lastMicroseconds;
        _lastMicroseconds = microseconds;
        long index = microseconds / Interval;
        if (index >= MaxIntervals) return -1;
        Intervals = Math.Max(Intervals, (int)index + 1);
        return (int)index;
    }

    /// <summary>Counts a packet of <paramref name="wireLength"/> bytes in line <paramref name="line"/>'s interval <paramref name="index"/>.</summary>
    public void Count(int line, int index, int wireLength) => _lines[line].Count(index, wireLength);

    /// <summary>The start of interval <paramref name="index"/> in seconds since the first packet.</summary>
    public double Start(int index) => index * (double)Interval / 1e6;

    /// <summary>The interval in seconds as tshark writes it: "0.001", "1", "600".</summary>
    public static string Seconds(long microseconds) =>
        (microseconds / 1_000_000m).ToString("0.######", CultureInfo.InvariantCulture);

    /// <summary>Parses an interval in seconds (1 ms to 10 min); the one-line reason when it is not one.</summary>
    public static bool TryParseInterval(string text, out long microseconds, out string? error)
    {
        microseconds = 0;
        error = null;
        if (!decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
            error = $"interval '{text}' is not a number of seconds (e.g. 0.01, 1, 60)";
        else if (seconds < 0.001m || seconds > 600m)
            error = $"interval {text} s is out of range: give 0.001 (1 ms) to 600 (10 min)";
        else if (decimal.Round(seconds * 1_000_000m) != seconds * 1_000_000m)
            error = $"interval {text} s is finer than a microsecond, the I/O graph's resolution";
        else microseconds = (long)(seconds * 1_000_000m);
        return error is null;
    }

    /// <summary>The graph as a <see cref="Plot"/> of packets or bytes per interval, one step line per filter.</summary>
    /// <remarks>
    /// Unzoomed, the time axis runs from 0 to the end of the last interval: the points sit at the intervals' starts,
    /// and an axis fitted to them alone would span nothing for a capture shorter than one interval.
    /// </remarks>
    public Plot ToPlot(string title, bool bytes, double? from = null, double? to = null)
    {
        if (from is null && to is null) (from, to) = (0, Start(Math.Max(Intervals, 1)));
        var plot = new Plot(title, "time (s)", (bytes ? "bytes" : "packets") + " per " + Seconds(Interval) + " s", from, to) { YFromZero = true };
        foreach (var line in _lines)
        {
            var series = plot.AddSeries(line.Name, MarkShape.Step);
            for (int i = 0; i < Intervals; i++)
                series.Add(Start(i), bytes ? line.Bytes(i) : line.Packets(i), 0);
        }
        return plot;
    }
}

/// <summary>One line of an <see cref="IoGraph"/>: the packets and bytes its filter kept in each interval.</summary>
public sealed class IoLine(string name)
{
    private long[] _packets = new long[64];
    private long[] _bytes = new long[64];

    /// <summary>The filter's text; <see cref="IoGraph.AllPackets"/> for the line without one.</summary>
    public string Name { get; } = name;

    public long Packets(int interval) => interval < _packets.Length ? _packets[interval] : 0;
    public long Bytes(int interval) => interval < _bytes.Length ? _bytes[interval] : 0;

    internal void Count(int interval, int wireLength)
    {
        if (interval >= _packets.Length)
        {
            int size = Math.Max(interval + 1, _packets.Length * 2);
            Array.Resize(ref _packets, size);
            Array.Resize(ref _bytes, size);
        }
        _packets[interval]++;
        _bytes[interval] += wireLength;
    }
}
