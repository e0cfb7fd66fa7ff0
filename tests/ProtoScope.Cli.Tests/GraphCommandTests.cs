using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;

namespace ProtoScope.Cli.Tests;

/// <summary>
/// `graph` as a user meets it: the picture in the terminal, the SVG file (checked against the JSON Lines points and
/// Plot's bucket rule), and one line on stderr with exit code 2 for bad input.
/// </summary>
public sealed class GraphCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("protoscope-graph-cmd-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly string Lossy = Path.Combine(Repo.Captures, "lossy-transfer.pcap");

    public static TheoryData<string, string> TcpTitles() => new()
    {
        { "tseq", "Sequence numbers (Stevens): connection 0, orig data" },
        { "tcptrace", "Sequence numbers (tcptrace): connection 0, orig data" },
        { "throughput", "Throughput: connection 0, orig data" },
        { "rtt", "Round-trip time: connection 0, orig data" },
        { "window", "Window: connection 0, orig data" },
    };

    [Theory]
    [MemberData(nameof(TcpTitles))]
    public void A_tcp_graph_is_drawn_with_its_title_and_time_axis(string type, string title)
    {
        var run = CliRunner.Run("graph", Lossy, "--type", type, "--conn", "0", "--width", "100", "--height", "30");
        AssertPicture(run, title, 100, 30);
    }

    [Theory]
    [InlineData("packets")]
    [InlineData("bytes")]
    public void The_io_graph_is_drawn_with_its_title_and_time_axis(string unit)
    {
        var run = CliRunner.Run("graph", Lossy, "--type", "io", "--interval", "0.001", "-Y", "tcp", "-Y", "tcp.analysis.retransmission", "--unit", unit, "--width", "80", "--height", "20");
        AssertPicture(run, $"I/O graph: lossy-transfer.pcap, {unit} per 0.001 s", 80, 20);
        Assert.Contains("tcp.analysis.retransmission", run.Stdout, StringComparison.Ordinal);
    }

    private static void AssertPicture(CliResult run, string title, int width, int height)
    {
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal("", run.Stderr);
        var lines = run.Stdout.TrimEnd('\n').Split('\n');
        Assert.Equal(height, lines.Length);
        Assert.Equal(title, lines[0]);
        Assert.Contains(lines, l => l.EndsWith("time (s)", StringComparison.Ordinal));
        Assert.Contains(run.Stdout, c => c is > '\u2800' and <= '\u28ff');
        Assert.All(lines, l => Assert.True(l.Length <= width, l));
    }

    [Theory]
    [InlineData("no TCP graph without a connection", "a tseq graph needs --conn N", "--type", "tseq")]
    [InlineData("a connection beyond the last", "no TCP connection 7 in", "--type", "tcptrace", "--conn", "7")]
    [InlineData("a negative connection", "no TCP connection -1 in", "--type", "rtt", "--conn", "-1")]
    [InlineData("an interval of zero", "interval 0 s is out of range", "--type", "io", "--interval", "0")]
    [InlineData("an interval that is not a number", "interval 'abc' is not a number of seconds", "--type", "io", "--interval", "abc")]
    [InlineData("an interval over ten minutes", "interval 1000 s is out of range", "--type", "io", "--interval", "1000")]
    [InlineData("an interval finer than a microsecond", "finer than a microsecond", "--type", "io", "--interval", "0.0010001")]
    [InlineData("a zoom with one end", "--from and --to go together", "--conn", "0", "--from", "0.001")]
    [InlineData("a zoom that ends before it starts", "--from and --to go together", "--type", "io", "--from", "0.002", "--to", "0.001")]
    [InlineData("a bad filter", "bad display filter 'tcp.prot == 80': unknown field 'tcp.prot'", "--type", "io", "-Y", "tcp.prot == 80")]
    public void Bad_input_is_one_line_and_exit_2(string what, string message, params string[] args)
    {
        var run = CliRunner.Run(["graph", Lossy, .. args]);
        Assert.True(run.ExitCode == 2, $"{what}: exit {run.ExitCode}");
        Assert.Equal("", run.Stdout);
        var lines = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("protoscope: ", lines[0], StringComparison.Ordinal);
        Assert.Contains(message, lines[0], StringComparison.Ordinal);
    }

    /// <summary>
    /// Which JSON Lines points feed which series of each TCP graph (the SVG group's data-name), as TcpGraphPlot
    /// draws them; the letters and SACK bars, which come from analysis flags and options, are left to the check
    /// that each of their marks is a point's frame.
    /// </summary>
    private static readonly Dictionary<string, (string Series, Func<JsonElement, bool> Feeds)[]> SeriesOf = new(StringComparer.Ordinal)
    {
        ["tseq"] = [("segment", _ => true)],
        ["tcptrace"] = [("segment", p => p.TryGetProperty("len", out var len) && len.GetInt64() > 0), ("ACK", p => p.TryGetProperty("ack", out _)),
            ("receive window (the upper line)", p => p.TryGetProperty("ack", out _))],
        ["throughput"] = [("throughput (1 s average)", p => p.TryGetProperty("bps", out _)), ("goodput (1 s average)", p => p.TryGetProperty("goodput_bps", out _)),
            ("segment length (bytes, right axis)", p => p.TryGetProperty("bps", out _) && p.GetProperty("len").GetInt64() > 0)],
        ["rtt"] = [("ACK RTT", _ => true)],
        ["window"] = [("bytes in flight", p => p.TryGetProperty("bytes_in_flight", out _)), ("receive window", p => p.TryGetProperty("win", out _))],
    };

    /// <summary>
    /// The SVG of each TCP graph, both directions, on a capture whose points fit the buckets and on the lossy one
    /// whose do not at first: it parses as XML, has a group per series, and in each group one marked element per
    /// bucket, whose data-frame is the frame of the bucket's first point. The buckets are computed here from the
    /// JSON Lines points by Plot's rule: the origin is the first point drawn, the width 2^m µs, the smallest that
    /// holds every point drawn in 2,048 buckets, the bucket ⌊(x − origin) / width⌋.
    /// </summary>
    [Theory]
    [InlineData("handshake.pcap")]
    [InlineData("lossy-transfer.pcap")]
    public void The_svg_has_one_mark_per_bucket_of_the_points(string name)
    {
        string capture = Path.Combine(Repo.Captures, name);
        foreach (var (type, series) in SeriesOf)
            foreach (string dir in new[] { "orig", "resp" })
            {
                string svg = Path.Combine(_dir, $"{type}-{dir}.svg");
                var run = CliRunner.Run("graph", capture, "--type", type, "--conn", "0", "--dir", dir, "--format", "jsonl", "--svg", svg);
                Assert.True(run.ExitCode == 0, run.Stderr);
                var points = run.JsonLines().ToList();
                var groups = Groups(svg);
                var frames = points.Select(p => p.GetProperty("frame").GetInt64()).ToHashSet();
                foreach (var (group, marks) in groups)
                    Assert.All(marks, f => Assert.True(frames.Contains(f), $"{type} {dir} {group}: frame {f} is no point's"));

                var drawn = points.Where(p => series.Any(s => s.Feeds(p))).ToList();
                if (drawn.Count == 0) continue;
                double X(JsonElement p) => (long)(p.GetProperty("time").GetDecimal() * 1_000_000_000m) / 1e9;
                var xs = drawn.Select(p => (X(p), p)).ToList();
                foreach (var (seriesName, feeds) in series)
                {
                    var firsts = FirstFrameOfEachBucket(xs, X(drawn[0]), feeds);
                    Assert.Equal(firsts.Select(f => f.Point.GetProperty("frame").GetInt64()).ToArray(), groups[seriesName].ToArray());
                }
            }
    }

    /// <summary>For the points a series draws (<paramref name="feeds"/>): each bucket's first point in x order, by Plot's rule over all drawn points.</summary>
    private static List<(int Bucket, JsonElement Point)> FirstFrameOfEachBucket(List<(double X, JsonElement Point)> drawn, double origin, Func<JsonElement, bool> feeds)
    {
        double width = 1e-6;
        while (drawn.Any(p => (p.X - origin) / width >= 2048)) width *= 2;
        var seen = new HashSet<int>();
        var firsts = new List<(int, JsonElement)>();
        foreach (var (x, p) in drawn)
        {
            if (!feeds(p)) continue;
            int bucket = Math.Max(0, (int)((x - origin) / width));
            if (seen.Add(bucket)) firsts.Add((bucket, p));
        }
        return firsts.OrderBy(f => f.Item1).ToList();
    }

    /// <summary>The SVG's series groups by data-name, each with its marks' data-frame in document order.</summary>
    private static Dictionary<string, List<long>> Groups(string svg)
    {
        XNamespace ns = "http://www.w3.org/2000/svg";
        return XDocument.Load(svg).Descendants(ns + "g").Where(g => (string?)g.Attribute("class") == "series")
            .ToDictionary(g => (string)g.Attribute("data-name")!,
                g => g.Elements().Where(e => e.Attribute("data-frame") is not null).Select(e => long.Parse((string)e.Attribute("data-frame")!, CultureInfo.InvariantCulture)).ToList());
    }

    /// <summary>
    /// The I/O graph's SVG: a group per filter, one mark per interval (2,048 buckets hold them all: 0.001 s over
    /// lossy-transfer.pcap's 2.3 ms is three), none tied to a packet.
    /// </summary>
    [Fact]
    public void The_io_svg_has_a_group_per_filter_and_a_mark_per_interval()
    {
        string svg = Path.Combine(_dir, "io.svg");
        var run = CliRunner.Run("graph", Lossy, "--type", "io", "--interval", "0.001", "-Y", "tcp", "-Y", "udp", "--format", "jsonl", "--svg", svg);
        Assert.True(run.ExitCode == 0, run.Stderr);
        int intervals = run.JsonLines().Count();
        var groups = Groups(svg);
        Assert.Equal(["tcp", "udp"], groups.Keys.ToArray());
        Assert.All(groups.Values, marks => Assert.Equal(Enumerable.Repeat(0L, intervals), marks));
    }
}
