using ProtoScope.Core.Graphs;

namespace ProtoScope.Core.Tests.Graphs;

/// <summary><see cref="IoGraph"/> by tshark's rules (ui/cli/tap-iostat.c): microseconds rounded half up, earlier packets at the time before.</summary>
public class IoGraphTests
{
    private const long Origin = 1_700_000_000_000_000_000;

    [Theory]
    [InlineData(0, 0)]
    [InlineData(999_499, 0)]
    [InlineData(999_500, 1)]
    [InlineData(1_999_499, 1)]
    [InlineData(2_000_000, 2)]
    public void Time_since_the_first_packet_is_rounded_to_the_microsecond(long nanoseconds, int interval)
    {
        var graph = new IoGraph(1000, Origin, ["all packets"]);
        Assert.Equal(interval, graph.IntervalOf(Origin + nanoseconds));
        Assert.Equal(interval + 1, graph.Intervals);
    }

    [Fact]
    public void A_packet_before_the_first_counts_at_the_time_of_the_packet_before_it()
    {
        var graph = new IoGraph(1000, Origin, ["all packets"]);
        Assert.Equal(2, graph.IntervalOf(Origin + 2_500_000));
        Assert.Equal(2, graph.IntervalOf(Origin - 5));
        Assert.Equal(0, graph.IntervalOf(Origin + 400_000));
    }

    [Fact]
    public void Packets_and_bytes_add_up_per_line_and_interval()
    {
        var graph = new IoGraph(1_000_000, Origin, ["tcp", "udp"]);
        int a = graph.IntervalOf(Origin), b = graph.IntervalOf(Origin + 3_200_000_000);
        graph.Count(0, a, 60);
        graph.Count(0, a, 1514);
        graph.Count(1, b, 90);
        Assert.Equal(4, graph.Intervals);
        Assert.Equal((2L, 1574L), (graph.Lines[0].Packets(0), graph.Lines[0].Bytes(0)));
        Assert.Equal((0L, 0L), (graph.Lines[0].Packets(3), graph.Lines[1].Packets(0)));
        Assert.Equal((1L, 90L), (graph.Lines[1].Packets(3), graph.Lines[1].Bytes(3)));
        Assert.Equal(3.0, graph.Start(3));
        Assert.Equal(0, graph.Lines[1].Packets(1_000_000));
    }

    [Fact]
    public void A_packet_beyond_the_most_intervals_is_refused()
    {
        var graph = new IoGraph(1, Origin, ["all packets"]);
        Assert.Equal(IoGraph.MaxIntervals - 1, graph.IntervalOf(Origin + (IoGraph.MaxIntervals - 1) * 1000L));
        Assert.Equal(-1, graph.IntervalOf(Origin + IoGraph.MaxIntervals * 1000L));
        Assert.Equal(IoGraph.MaxIntervals, graph.Intervals);
    }

    [Theory]
    [InlineData("0.001", 1000)]
    [InlineData("1", 1_000_000)]
    [InlineData("0.25", 250_000)]
    [InlineData("600", 600_000_000)]
    [InlineData("1e-2", 10_000)]
    public void An_interval_is_a_whole_number_of_microseconds_from_1_ms_to_10_min(string text, long microseconds)
    {
        Assert.True(IoGraph.TryParseInterval(text, out long parsed, out string? error), error);
        Assert.Equal(microseconds, parsed);
        Assert.Equal(decimal.Parse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture).ToString("0.######", System.Globalization.CultureInfo.InvariantCulture), IoGraph.Seconds(parsed));
    }

    [Theory]
    [InlineData("0", "out of range")]
    [InlineData("0.0005", "out of range")]
    [InlineData("1000", "out of range")]
    [InlineData("-1", "out of range")]
    [InlineData("abc", "not a number")]
    [InlineData("0.0010005", "finer than a microsecond")]
    public void A_bad_interval_says_why(string text, string reason)
    {
        Assert.False(IoGraph.TryParseInterval(text, out _, out string? error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_plot_has_one_step_line_per_filter_and_a_mark_per_interval()
    {
        var graph = new IoGraph(1_000_000, Origin, ["tcp", "udp"]);
        for (int i = 0; i < 3; i++) graph.Count(0, graph.IntervalOf(Origin + i * 1_000_000_000L), 100);
        var plot = graph.ToPlot("io", bytes: true);
        Assert.Equal(["tcp", "udp"], plot.Series.Select(s => s.Name).ToArray());
        Assert.All(plot.Series, s => Assert.Equal(MarkShape.Step, s.Shape));
        Assert.Equal([100d, 100, 100], plot.Series[0].EachMark().Select(m => m.High).ToArray());
        Assert.Equal(3, plot.Series[1].Marks);
    }

    /// <summary>
    /// The picture's time axis covers whole intervals: a 2 ms capture graphed per second spans 0 to 1 s, not the
    /// microsecond around its one point; a zoom keeps the range it asks for.
    /// </summary>
    [Fact]
    public void The_plots_time_axis_runs_to_the_end_of_the_last_interval()
    {
        var graph = new IoGraph(1_000_000, Origin, ["all packets"]);
        foreach (long ns in new[] { 0L, 1_000_000, 2_000_000 }) graph.Count(0, graph.IntervalOf(Origin + ns), 60);
        var plot = graph.ToPlot("t", bytes: false);
        Assert.Equal((0.0, 1.0), (plot.XFrom, plot.XTo));
        Assert.Equal(3, plot.Series[0].EachMark().Single().High);

        var zoomed = graph.ToPlot("t", bytes: false, 0.25, 0.5);
        Assert.Equal((0.25, 0.5), (zoomed.XFrom, zoomed.XTo));
    }
}
