using System.Text;

namespace ProtoScope.Core.Graphs;

/// <summary>
/// A <see cref="Plot"/> drawn in character cells: Unicode braille for the marks (two dots across and four down a
/// cell, so a 100-column terminal shows 200 points across), letters for the event series, box-drawing axes with
/// tick labels, a title and a legend. The CLI prints it; the UI draws the same cells in colour, one colour a series.
/// </summary>
/// <remarks>
/// Layout, top to bottom: the title, the axis labels, the plot area, the x axis, its tick labels, the legend.
/// The left margin holds the y tick labels; a plot with a right-hand axis gets a right margin for its labels.
/// A legend wider than the picture wraps between entries and takes its rows from the plot area, which keeps at
/// least four, so that every letter's meaning is on screen.
/// </remarks>
public sealed class TextPlot
{
    private const char Blank = ' ';
    private const int Overhead = 5;

    private readonly char[] _cells;
    private readonly byte[] _series;
    private readonly byte[] _dots;

    private TextPlot(int width, int height, PlotScale scale, int left, int plotWidth, int plotHeight)
    {
        Width = width;
        Height = height;
        Scale = scale;
        Left = left;
        PlotWidth = plotWidth;
        PlotHeight = plotHeight;
        _cells = new char[width * height];
        Array.Fill(_cells, Blank);
        _series = new byte[width * height];
        _dots = new byte[width * height];
    }

    /// <summary>The smallest picture worth drawing.</summary>
    public const int MinWidth = 30, MinHeight = Overhead + 4;

    public int Width { get; }
    public int Height { get; }
    public PlotScale Scale { get; }
    /// <summary>The first column of the plot area.</summary>
    public int Left { get; }
    /// <summary>The first row of the plot area.</summary>
    public int Top => 2;
    public int PlotWidth { get; }
    public int PlotHeight { get; }

    public char this[int column, int row] => _cells[row * Width + column];

    /// <summary>Which series drew the cell: its index in <see cref="Plot.Series"/> plus one; 0 for text, axes and blanks.</summary>
    public int SeriesAt(int column, int row) => _series[row * Width + column];

    /// <summary>The time (x) at the middle of a plot-area column.</summary>
    public double XAt(int column) => Scale.XFrom + (column - Left + 0.5) / PlotWidth * (Scale.XTo - Scale.XFrom);

    /// <summary>
    /// Draws <paramref name="plot"/> in <paramref name="width"/> × <paramref name="height"/> cells (at least
    /// <see cref="MinWidth"/> × <see cref="MinHeight"/>), over <paramref name="scale"/> or the plot's own ranges.
    /// </summary>
    public static TextPlot Render(Plot plot, int width, int height, PlotScale? scale = null)
    {
        width = Math.Max(width, MinWidth);
        height = Math.Max(height, MinHeight);
        scale ??= PlotScale.Of(plot);
        var legend = Legend(plot, width);
        // One legend row is in the overhead; the others come out of the plot area while it keeps four.
        int legendRows = Math.Min(legend.Count, height - MinHeight + 1);
        int plotHeight = height - Overhead - legendRows + 1;
        var (yTicks, yStep) = PlotScale.Ticks(scale.YFrom, scale.YTo, Math.Max(2, plotHeight / 3));
        var yLabels = yTicks.Select(v => PlotScale.Label(v, yStep)).ToList();
        var (y2Ticks, y2Step) = PlotScale.Ticks(scale.Y2From, scale.Y2To, Math.Max(2, plotHeight / 3));
        var y2Labels = plot.HasRightAxis ? y2Ticks.Select(v => PlotScale.Label(v, y2Step)).ToList() : [];
        int left = yLabels.Max(l => l.Length) + 1;
        int right = plot.HasRightAxis ? y2Labels.Max(l => l.Length) + 1 : 1;
        var picture = new TextPlot(width, height, scale, left, Math.Max(1, width - left - right), plotHeight);
        picture.Frame(plot, yTicks, yLabels, plot.HasRightAxis ? y2Ticks : [], y2Labels);
        for (int i = 0; i < legendRows; i++) picture.Write(0, picture.Top + plotHeight + 2 + i, legend[i]);
        for (int s = 0; s < plot.Series.Count; s++) picture.Draw(plot.Series[s], (byte)(s + 1));
        return picture;
    }

    /// <summary>The picture as lines of text, trailing blanks trimmed.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        for (int row = 0; row < Height; row++) text.Append(Line(row)).Append('\n');
        return text.ToString();
    }

    public string Line(int row) => new string(_cells, row * Width, Width).TrimEnd();

    private void Frame(Plot plot, IReadOnlyList<double> yTicks, List<string> yLabels, IReadOnlyList<double> y2Ticks, List<string> y2Labels)
    {
        Write(0, 0, plot.Title);
        Write(0, 1, plot.YLabel);
        var rightLabel = plot.Series.FirstOrDefault(s => s.RightAxis)?.Name;
        if (rightLabel is not null && plot.YLabel.Length + 2 + "right: ".Length + rightLabel.Length <= Width)
            Write(Width - rightLabel.Length - "right: ".Length, 1, "right: " + rightLabel);

        int axis = Left - 1, bottom = Top + PlotHeight;
        for (int row = Top; row < bottom; row++) Set(axis, row, '│');
        Set(axis, bottom, '└');
        for (int col = Left; col < Left + PlotWidth; col++) Set(col, bottom, '─');
        for (int i = 0; i < yTicks.Count; i++)
        {
            int row = Top + Math.Clamp((int)Math.Round(Scale.YFraction(yTicks[i]) * (PlotHeight - 1)), 0, PlotHeight - 1);
            Set(axis, row, '┤');
            Write(axis - yLabels[i].Length, row, yLabels[i]);
        }
        int rightAxis = Left + PlotWidth;
        if (y2Ticks.Count > 0)
        {
            for (int row = Top; row < bottom; row++) Set(rightAxis, row, '│');
            Set(rightAxis, bottom, '┘');
            for (int i = 0; i < y2Ticks.Count; i++)
            {
                int row = Top + Math.Clamp((int)Math.Round(Scale.YFraction(y2Ticks[i], right: true) * (PlotHeight - 1)), 0, PlotHeight - 1);
                Set(rightAxis, row, '├');
                Write(rightAxis + 1, row, y2Labels[i]);
            }
        }

        // The x axis' name ends the tick labels' row: a tick label that would run into it is left out, not the name.
        int xLabelAt = Math.Max(0, Width - plot.XLabel.Length - 1);
        var (xTicks, xStep) = PlotScale.Ticks(Scale.XFrom, Scale.XTo, Math.Max(2, PlotWidth / 12));
        int free = 0;
        foreach (double x in xTicks)
        {
            int col = Left + Math.Clamp((int)(Scale.XFraction(x) * PlotWidth), 0, PlotWidth - 1);
            string label = PlotScale.Label(x, xStep);
            int start = Math.Max(col - label.Length / 2, 0);
            if (start < free || start + label.Length >= xLabelAt) continue;
            Set(col, bottom, '┴');
            Write(start, bottom + 1, label);
            free = start + label.Length + 1;
        }
        Write(xLabelAt, bottom + 1, plot.XLabel);

    }

    /// <summary>The legend's entries (glyph and name of each series with points), wrapped into lines of <paramref name="width"/> between entries.</summary>
    private static List<string> Legend(Plot plot, int width)
    {
        var lines = new List<string>();
        var line = new StringBuilder();
        foreach (var s in plot.Series.Where(s => s.Points > 0))
        {
            string entry = $"{Glyph(s)} {s.Name}";
            if (line.Length > 0 && line.Length + 3 + entry.Length > width)
            {
                lines.Add(line.ToString());
                line.Clear();
            }
            line.Append(line.Length == 0 ? "" : "   ").Append(entry);
        }
        lines.Add(line.Length == 0 ? "(no points)" : line.ToString());
        return lines;
    }

    private static char Glyph(PlotSeries s) => s.Shape switch
    {
        MarkShape.Letter => s.Letter,
        MarkShape.Bar => '⡇',
        MarkShape.Step => '⠤',
        _ => '⠂',
    };

    private void Draw(PlotSeries series, byte index)
    {
        int dotsWide = PlotWidth * 2, dotsHigh = PlotHeight * 4;
        int previousX = -1, previousY = 0;
        foreach (var m in series.EachMark())
        {
            double fx = Scale.XFraction(m.X);
            if (fx < 0 || fx > 1) continue;
            int x = Math.Min((int)(fx * dotsWide), dotsWide - 1);
            int high = DotRow(m.High, series.RightAxis, dotsHigh), low = DotRow(m.Low, series.RightAxis, dotsHigh);
            if (series.Shape == MarkShape.Letter)
            {
                int row = Math.Clamp(high, 0, dotsHigh - 1) / 4;
                if (high < dotsHigh && low >= 0)
                {
                    int cell = (Top + row) * Width + Left + x / 2;
                    _cells[cell] = series.Letter;
                    _series[cell] = index;
                    _dots[cell] = 0;
                }
                continue;
            }
            if (series.Shape == MarkShape.Step && previousX >= 0)
            {
                for (int px = previousX; px <= x; px++) Dot(px, previousY, index);
                Run(x, previousY, DotRow(m.First, series.RightAxis, dotsHigh), index);
            }
            Run(x, high, low, index);
            previousX = x;
            previousY = DotRow(m.Last, series.RightAxis, dotsHigh);
        }
    }

    private int DotRow(double y, bool right, int dotsHigh) => (int)Math.Round(Scale.YFraction(y, right) * (dotsHigh - 1));

    private void Run(int x, int a, int b, byte index)
    {
        for (int y = Math.Min(a, b); y <= Math.Max(a, b); y++) Dot(x, y, index);
    }

    // Braille dot bits by (column, row) inside a cell: U+2800 plus the sum of the raised dots.
    private static readonly byte[,] Bits = { { 0x01, 0x02, 0x04, 0x40 }, { 0x08, 0x10, 0x20, 0x80 } };

    private void Dot(int x, int y, byte index)
    {
        if (x < 0 || y < 0 || x >= PlotWidth * 2 || y >= PlotHeight * 4) return;
        int cell = (Top + y / 4) * Width + Left + x / 2;
        // A letter marks an event: the line through the same cell does not hide it.
        if (_dots[cell] == 0 && _cells[cell] != Blank) return;
        _dots[cell] |= Bits[x & 1, y & 3];
        _cells[cell] = (char)(0x2800 + _dots[cell]);
        _series[cell] = index;
    }

    private void Set(int column, int row, char c)
    {
        if (column >= 0 && column < Width && row >= 0 && row < Height) _cells[row * Width + column] = c;
    }

    private void Write(int column, int row, string text)
    {
        for (int i = 0; i < text.Length; i++) Set(column + i, row, text[i]);
    }
}
