using ProtoScope.Core.Graphs;

namespace ProtoScope.Core.Tests.Graphs;

/// <summary>The braille picture: a point lands in the cell its scale says, event letters stay visible, and the frame is labelled.</summary>
public class TextPlotTests
{
    private static bool IsBraille(char c) => c is >= '\u2800' and <= '\u28ff';

    /// <summary>
    /// Over a given scale (x 0 to 10, y 0 to 100), the mark's x maps to dot column ⌊fraction × 2 × width⌋ and its y to
    /// dot row round((top − y) / range × (4 × height − 1)), two dots across and four down a cell.
    /// </summary>
    [Theory]
    [InlineData(5.0, 50.0)]
    [InlineData(1.0, 90.0)]
    [InlineData(9.9, 3.0)]
    public void A_point_lands_in_the_cell_of_its_scaled_position(double x, double y)
    {
        var plot = new Plot("title", "time (s)", "bytes");
        var s = plot.AddSeries("s", MarkShape.Dot);
        s.Add(0, 0, 1);
        s.Add(x, y, 2);
        var scale = new PlotScale(0, 10, 0, 100, 0, 1);
        var picture = TextPlot.Render(plot, 80, 24, scale);

        var mark = s.EachMark().Last();
        int dotX = (int)(mark.X / 10 * picture.PlotWidth * 2);
        int dotY = (int)Math.Round((100 - y) / 100 * (picture.PlotHeight * 4 - 1));
        int column = picture.Left + dotX / 2, row = picture.Top + dotY / 4;
        Assert.True(IsBraille(picture[column, row]), $"'{picture[column, row]}' at ({column}, {row})\n{picture}");
        int dot = (dotX % 2 == 0 ? new[] { 0x01, 0x02, 0x04, 0x40 } : new[] { 0x08, 0x10, 0x20, 0x80 })[dotY % 4];
        Assert.NotEqual(0, (picture[column, row] - 0x2800) & dot);
        Assert.Equal(1, picture.SeriesAt(column, row));
        Assert.InRange(picture.XAt(column), mark.X - 10.0 / picture.PlotWidth, mark.X + 10.0 / picture.PlotWidth);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void An_event_letter_is_not_hidden_by_a_line_through_its_cell(bool letterFirst)
    {
        var plot = new Plot("title", "time (s)", "seq");
        PlotSeries line, letter;
        if (letterFirst)
        {
            letter = plot.AddSeries("retransmission", MarkShape.Letter, 'R');
            line = plot.AddSeries("ACK", MarkShape.Step);
        }
        else
        {
            line = plot.AddSeries("ACK", MarkShape.Step);
            letter = plot.AddSeries("retransmission", MarkShape.Letter, 'R');
        }
        for (int i = 0; i <= 10; i++) line.Add(i, 50, i + 1);
        letter.Add(5, 50, 6);
        var picture = TextPlot.Render(plot, 60, 20, new PlotScale(0, 10, 0, 100, 0, 1));

        var cells = Enumerable.Range(picture.Top, picture.PlotHeight)
            .SelectMany(row => Enumerable.Range(picture.Left, picture.PlotWidth).Select(col => (col, row))).ToList();
        var r = Assert.Single(cells, c => picture[c.col, c.row] == 'R');
        Assert.Equal(plot.Series.ToList().IndexOf(letter) + 1, picture.SeriesAt(r.col, r.row));
        Assert.Contains(cells, c => IsBraille(picture[c.col, c.row]) && c.row == r.row);
    }

    [Fact]
    public void The_title_axis_labels_and_legend_are_written()
    {
        var plot = new Plot("Sequence numbers (tcptrace): connection 0", "time (s)", "relative sequence number");
        var s = plot.AddSeries("segment", MarkShape.Bar);
        plot.AddSeries("duplicate ACK", MarkShape.Letter, 'D').Add(0.001, 10, 3);
        plot.AddSeries("never drawn", MarkShape.Dot);
        for (int i = 0; i < 100; i++) s.Add(i * 0.000021, i * 1448, (i + 1) * 1448, i + 1);
        foreach (int width in new[] { 60, 80, 100, 200 })
        {
            var text = TextPlot.Render(plot, width, 20).ToString();
            var lines = text.Split('\n');
            Assert.StartsWith("Sequence numbers (tcptrace)", lines[0], StringComparison.Ordinal);
            Assert.Equal("relative sequence number", lines[1]);
            Assert.Contains("time (s)", lines[^3], StringComparison.Ordinal);
            Assert.Contains("⡇ segment", lines[^2], StringComparison.Ordinal);
            Assert.Contains("D duplicate ACK", lines[^2], StringComparison.Ordinal);
            // A series with no point has no place in the legend.
            Assert.DoesNotContain("never drawn", text, StringComparison.Ordinal);
            Assert.All(lines, l => Assert.True(l.Length <= width, $"{l.Length} > {width}: {l}"));
        }
    }

    /// <summary>Every series is named, however narrow the picture: the legend wraps between entries, the plot area gives up the rows.</summary>
    [Theory]
    [InlineData(40, 20)]
    [InlineData(100, 24)]
    public void A_long_legend_wraps_and_every_entry_shows(int width, int height)
    {
        var plot = new Plot("tcptrace", "time (s)", "seq");
        string[] names = ["segment", "ACK", "receive window (the upper line)", "SACK", "retransmission", "out of order", "previous segment not captured", "duplicate ACK", "zero window"];
        for (int i = 0; i < names.Length; i++) plot.AddSeries(names[i], i < 4 ? MarkShape.Step : MarkShape.Letter, (char)('A' + i)).Add(i, i, i + 1);
        var picture = TextPlot.Render(plot, width, height);
        var text = picture.ToString();

        Assert.Equal(height, text.TrimEnd('\n').Split('\n').Length);
        Assert.True(picture.PlotHeight >= 4);
        Assert.All(names, n => Assert.Contains(n, text, StringComparison.Ordinal));
        Assert.All(text.Split('\n'), l => Assert.True(l.Length <= width, l));
        Assert.Contains("time (s)", picture.Line(picture.Top + picture.PlotHeight + 1), StringComparison.Ordinal);
    }

    [Fact]
    public void At_the_smallest_height_the_plot_area_keeps_four_rows_and_the_legend_one()
    {
        var plot = new Plot("t", "time (s)", "y");
        for (int i = 0; i < 9; i++) plot.AddSeries("series " + i, MarkShape.Dot).Add(i, i, i + 1);
        var picture = TextPlot.Render(plot, TextPlot.MinWidth, 1);
        Assert.Equal(TextPlot.MinHeight, picture.Height);
        Assert.Equal(4, picture.PlotHeight);
        Assert.StartsWith("⠂ series 0", picture.Line(picture.Height - 1), StringComparison.Ordinal);
    }
}
