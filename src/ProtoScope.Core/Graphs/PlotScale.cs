using System.Globalization;

namespace ProtoScope.Core.Graphs;

/// <summary>
/// The ranges a picture of a <see cref="Plot"/> maps to its width and height, with the axes' tick values and
/// labels: one source for the terminal picture (<see cref="TextPlot"/>) and the SVG (<see cref="SvgPlot"/>).
/// </summary>
public sealed record PlotScale(double XFrom, double XTo, double YFrom, double YTo, double Y2From, double Y2To)
{
    /// <summary>The plot's own ranges, or the y range given (a zoom); an empty range is widened so that it has a middle.</summary>
    public static PlotScale Of(Plot plot, double? yFrom = null, double? yTo = null)
    {
        var (x0, x1) = Widened(plot.XFrom, plot.XTo);
        var (lo, hi) = plot.YRange();
        if (plot.YFromZero) lo = Math.Min(0, lo);
        var (y0, y1) = yFrom is double f && yTo is double t && t > f ? (f, t) : Widened(lo, hi);
        var (r0, r1) = plot.YRange(rightAxis: true);
        var (y20, y21) = Widened(Math.Min(0, r0), r1);
        return new PlotScale(x0, x1, y0, y1, y20, y21);
    }

    private static (double, double) Widened(double lo, double hi) =>
        hi > lo ? (lo, hi) : (lo - Math.Max(1, Math.Abs(lo) * 0.05), hi + Math.Max(1, Math.Abs(hi) * 0.05));

    /// <summary>Where <paramref name="x"/> falls from 0 (the left edge) to 1 (the right).</summary>
    public double XFraction(double x) => (x - XFrom) / (XTo - XFrom);

    /// <summary>Where <paramref name="y"/> falls from 0 (the top) to 1 (the bottom), on the left or right axis.</summary>
    public double YFraction(double y, bool right = false) =>
        right ? (Y2To - y) / (Y2To - Y2From) : (YTo - y) / (YTo - YFrom);

    /// <summary>At most <paramref name="most"/> round values (1, 2 or 5 times a power of ten apart) within [from, to], and their step.</summary>
    public static (IReadOnlyList<double> Values, double Step) Ticks(double from, double to, int most)
    {
        most = Math.Max(1, most);
        double raw = (to - from) / most;
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double step = magnitude * (raw / magnitude <= 1 ? 1 : raw / magnitude <= 2 ? 2 : raw / magnitude <= 5 ? 5 : 10);
        var values = new List<double>();
        for (double v = Math.Ceiling(from / step) * step; v <= to + step * 1e-9; v += step)
            values.Add(Math.Abs(v) < step * 1e-9 ? 0 : v);
        return (values, step);
    }

    /// <summary>
    /// A tick label: as many decimals as the step needs, with k, M or G for large values (sequence numbers, bits per
    /// second) so that a label stays a few characters wide.
    /// </summary>
    public static string Label(double value, double step)
    {
        double largest = Math.Max(Math.Abs(value), step);
        (double unit, string suffix) = largest >= 1e9 ? (1e9, "G") : largest >= 1e6 ? (1e6, "M") : largest >= 1e4 ? (1e3, "k") : (1, "");
        int decimals = Math.Clamp((int)-Math.Floor(Math.Log10(step / unit) + 1e-9), 0, 6);
        // Zero is zero in any unit: "0", not "0k".
        return (value / unit).ToString("F" + decimals, CultureInfo.InvariantCulture) + (value == 0 ? "" : suffix);
    }
}
