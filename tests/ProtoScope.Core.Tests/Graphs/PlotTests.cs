using ProtoScope.Core.Graphs;

namespace ProtoScope.Core.Tests.Graphs;

/// <summary>
/// <see cref="Plot"/>'s buckets against the rule its remarks give, computed here from the points: the first point's x
/// is the origin, the width starts at a microsecond and doubles until every point falls in one of the 2,048 buckets,
/// and each bucket keeps the low, high, first and last value, the first point's frame and the count.
/// </summary>
public class PlotTests
{
    private sealed record Point(double X, double Low, double High, long Frame);

    /// <summary>Each bucket by the rule: ⌊(x − origin) / width⌋ with the smallest width of 2^m µs that holds them all.</summary>
    private static List<PlotMark> Expected(List<Point> points)
    {
        double origin = points[0].X, width = 1e-6;
        while (points.Any(p => (p.X - origin) / width >= Plot.Buckets)) width *= 2;
        return points.GroupBy(p => (int)((p.X - origin) / width)).OrderBy(g => g.Key).Select(g => new PlotMark(
            origin + (g.Key + 0.5) * width, g.Min(p => p.Low), g.Max(p => p.High), g.First().Low, g.Last().High, g.First().Frame, g.Count())).ToList();
    }

    /// <summary>
    /// 5,000 points a microsecond apart (x at the middle of each microsecond, so that no point sits on a bucket's edge
    /// at any width) fold twice; every bucket matches the rule, and none is lost.
    /// </summary>
    [Fact]
    public void Points_beyond_the_buckets_fold_in_pairs_and_keep_every_bucket_summary()
    {
        var points = Enumerable.Range(0, 5000).Select(k =>
        {
            double y = (k * 7919) % 1000;
            return new Point((k + 0.5) * 1e-6, y, k % 3 == 0 ? y + 50 : y, k + 1);
        }).ToList();
        var plot = new Plot("t", "x", "y");
        var series = plot.AddSeries("s", MarkShape.Bar);
        foreach (var p in points) series.Add(p.X, p.Low, p.High, p.Frame);

        var marks = series.EachMark().ToList();
        var expected = Expected(points);
        Assert.Equal(expected.Count, marks.Count);
        Assert.Equal(expected.Count, series.Marks);
        Assert.Equal(points.Count, series.Points);
        Assert.Equal(points.Count, marks.Sum(m => m.Points));
        for (int i = 0; i < marks.Count; i++)
        {
            Assert.Equal(expected[i] with { X = 0 }, marks[i] with { X = 0 });
            Assert.Equal(expected[i].X, marks[i].X, 1e-12);
        }
    }

    /// <summary>The plot's width is one for all series: a point of one series that folds the buckets folds the others'.</summary>
    [Fact]
    public void A_second_series_folds_with_the_first()
    {
        var plot = new Plot("t", "x", "y");
        var a = plot.AddSeries("a", MarkShape.Dot);
        var b = plot.AddSeries("b", MarkShape.Dot);
        a.Add(0.5e-6, 1, 1);
        b.Add(10.5e-6, 2, 2);
        // 3,000 µs from the origin: past 2,048 buckets of 1 µs, inside 2,048 of 2 µs.
        a.Add(3000.5e-6, 3, 3);

        Assert.Equal([0.5e-6 + 0.5 * 2e-6, 0.5e-6 + 1500.5 * 2e-6], a.EachMark().Select(m => m.X).ToArray(), (x, y) => Math.Abs(x - y) < 1e-12);
        // b's point, 10 µs from the origin, was in bucket 10 of 1 µs: now in bucket 5 of 2 µs.
        var mark = Assert.Single(b.EachMark());
        Assert.Equal(0.5e-6 + 5.5 * 2e-6, mark.X, 1e-12);
        Assert.Equal(2, mark.Frame);
        Assert.Equal(0.5e-6 + 1501 * 2e-6, plot.XTo, 1e-12);
    }

    [Fact]
    public void A_fixed_range_drops_the_points_outside_it_and_counts_them()
    {
        var plot = new Plot("t", "x", "y", from: 1, to: 2);
        var s = plot.AddSeries("s", MarkShape.Dot);
        double[] xs = [0.5, 0.999, 1.0, 1.5, 1.9999, 2.0, 2.5];
        for (int i = 0; i < xs.Length; i++) s.Add(xs[i], i, i + 1);

        Assert.Equal(xs.Length, s.Points);
        Assert.Equal([3L, 4, 5], s.EachMark().Select(m => m.Frame).ToArray());
        Assert.Equal(1, plot.XFrom);
        Assert.Equal(2, plot.XTo);
        // The bucket width is the range over 2,048: 1.5 is the start of bucket 1,024.
        Assert.Equal(1 + 1024.5 / Plot.Buckets, s.EachMark().ElementAt(1).X, 1e-12);
    }

    [Fact]
    public void YRange_spans_the_kept_values_of_one_axis()
    {
        var plot = new Plot("t", "x", "y");
        plot.AddSeries("left", MarkShape.Bar).Add(0, -3, 7, 1);
        plot.AddSeries("right", MarkShape.Dot, right: true).Add(1, 1000, 2);
        Assert.Equal((-3d, 7d), plot.YRange());
        Assert.Equal((1000d, 1000d), plot.YRange(rightAxis: true));
        Assert.True(plot.HasRightAxis);
    }

    /// <summary>A snapshot (what a view draws while a replay goes on) keeps the buckets it was taken with, even when the original folds.</summary>
    [Fact]
    public void A_snapshot_is_left_alone_by_later_points()
    {
        var plot = new Plot("t", "x", "y") { YFromZero = true };
        var series = plot.AddSeries("s", MarkShape.Dot);
        for (int k = 0; k < 1000; k++) series.Add(k * 1e-6, k, k + 1);
        var snapshot = plot.Snapshot();
        var before = snapshot.Series[0].EachMark().ToList();
        Assert.Equal(series.EachMark(), before);
        Assert.Equal((plot.XFrom, plot.XTo, plot.YRange()), (snapshot.XFrom, snapshot.XTo, snapshot.YRange()));

        for (int k = 1000; k < 10_000; k++) series.Add(k * 1e-6, k, k + 1);

        Assert.NotEqual(series.EachMark(), snapshot.Series[0].EachMark());
        Assert.Equal(before, snapshot.Series[0].EachMark());
        Assert.Equal(1000, snapshot.Series[0].Points);
        Assert.True(snapshot.YFromZero);
    }
}
