using System.Xml.Linq;
using ProtoScope.Core.Graphs;

namespace ProtoScope.Core.Tests.Graphs;

/// <summary>The SVG parses as XML and has, in each series' group, one marked element per non-empty bucket.</summary>
public class SvgPlotTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    [Fact]
    public void Each_series_group_has_one_mark_per_bucket_with_the_bucket_first_frame()
    {
        var plot = new Plot("all shapes", "time (s)", "y");
        var dots = plot.AddSeries("dots", MarkShape.Dot);
        var bars = plot.AddSeries("bars", MarkShape.Bar);
        var steps = plot.AddSeries("steps", MarkShape.Step);
        var letters = plot.AddSeries("letters", MarkShape.Letter, 'R');
        var right = plot.AddSeries("right", MarkShape.Dot, right: true);
        plot.AddSeries("empty", MarkShape.Step);
        // 6,000 points over 3 ms: folded into buckets of 2 µs, several points to a bucket.
        for (int i = 0; i < 6000; i++)
        {
            double x = i * 0.5e-6;
            dots.Add(x, i % 17, i + 1);
            if (i % 3 == 0) bars.Add(x, i, i + 1448, i + 1);
            if (i % 5 == 0) steps.Add(x, i * 2, i + 1);
            if (i % 250 == 0) letters.Add(x, i, i + 1);
            if (i % 7 == 0) right.Add(x, 1e6 + i, i + 1);
        }
        using var output = new MemoryStream();
        SvgPlot.Write(plot, output);
        output.Position = 0;
        var doc = XDocument.Load(output);

        var groups = doc.Descendants(Svg + "g").Where(g => (string?)g.Attribute("class") == "series").ToDictionary(g => (string)g.Attribute("data-name")!);
        Assert.Equal(plot.Series.Select(s => s.Name).ToArray(), groups.Keys.ToArray());
        foreach (var series in plot.Series)
        {
            var marks = groups[series.Name].Elements().Where(e => e.Attribute("data-frame") is not null).ToList();
            Assert.Equal(series.Marks, marks.Count);
            Assert.Equal(series.EachMark().Select(m => m.Frame).ToArray(), marks.Select(e => (long)e.Attribute("data-frame")!).ToArray());
            Assert.Equal(series.EachMark().Select(m => m.Points).ToArray(), marks.Select(e => (int?)e.Attribute("data-points") ?? 1).ToArray());
        }
        Assert.Equal(0, plot.Series[^1].Marks);
    }
}
