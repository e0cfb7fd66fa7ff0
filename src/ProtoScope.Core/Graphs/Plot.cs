namespace ProtoScope.Core.Graphs;

/// <summary>How a series marks its points.</summary>
public enum MarkShape : byte
{
    /// <summary>A dot per point (a vertical run where a bucket holds several values).</summary>
    Dot,
    /// <summary>A vertical bar from each point's low to its high value (a segment from seq to seq + len).</summary>
    Bar,
    /// <summary>A step line: level until the next point, then up or down to it (the ACK and window lines).</summary>
    Step,
    /// <summary>The series' letter in the cell of each point, so that it reads without colour (R, D, Z, ...).</summary>
    Letter,
}

/// <summary>
/// One series of a <see cref="Plot"/>: its name for the legend, its mark, and its points downsampled into the
/// plot's buckets (see <see cref="Plot"/>). Add points with <see cref="Add"/>.
/// </summary>
public sealed class PlotSeries
{
    private readonly Plot _plot;
    internal double[] Low = new double[Plot.Buckets];
    internal double[] High = new double[Plot.Buckets];
    internal double[] First = new double[Plot.Buckets];
    internal double[] Last = new double[Plot.Buckets];
    internal long[] Frame = new long[Plot.Buckets];
    internal int[] Count = new int[Plot.Buckets];

    internal PlotSeries(Plot plot, string name, MarkShape shape, char letter, bool rightAxis)
    {
        _plot = plot;
        Name = name;
        Shape = shape;
        Letter = letter;
        RightAxis = rightAxis;
    }

    public string Name { get; }
    public MarkShape Shape { get; }
    /// <summary>The character a <see cref="MarkShape.Letter"/> series draws; 0 for the others.</summary>
    public char Letter { get; }
    /// <summary>Whether the series is read against the right-hand axis (a second unit, as Wireshark's throughput graph has).</summary>
    public bool RightAxis { get; }

    /// <summary>Points added, whether or not they fell inside the plot's fixed range.</summary>
    public long Points { get; private set; }

    /// <summary>Buckets holding at least one point: the marks a picture of the series draws.</summary>
    public int Marks
    {
        get
        {
            int n = 0;
            for (int b = 0; b < Plot.Buckets; b++) if (Count[b] > 0) n++;
            return n;
        }
    }

    /// <summary>A point with one value.</summary>
    public void Add(double x, double y, long frame) => Add(x, y, y, frame);

    /// <summary>A point spanning <paramref name="low"/> to <paramref name="high"/> (a bar); <paramref name="frame"/> is the packet it came from.</summary>
    public void Add(double x, double low, double high, long frame)
    {
        Points++;
        int b = _plot.BucketOf(x);
        if (b < 0) return;
        if (Count[b]++ == 0)
        {
            Low[b] = low;
            High[b] = high;
            First[b] = low;
            Frame[b] = frame;
        }
        else
        {
            Low[b] = Math.Min(Low[b], low);
            High[b] = Math.Max(High[b], high);
        }
        Last[b] = high;
    }

    /// <summary>The non-empty buckets, in x order: each one mark.</summary>
    public IEnumerable<PlotMark> EachMark()
    {
        for (int b = 0; b < Plot.Buckets; b++)
            if (Count[b] > 0) yield return new PlotMark(_plot.BucketCentre(b), Low[b], High[b], First[b], Last[b], Frame[b], Count[b]);
    }

    /// <summary>A copy of the series' buckets and count, for <paramref name="plot"/> (see <see cref="Plot.Snapshot"/>).</summary>
    internal PlotSeries CopyFor(Plot plot) => new(plot, Name, Shape, Letter, RightAxis)
    {
        Low = (double[])Low.Clone(),
        High = (double[])High.Clone(),
        First = (double[])First.Clone(),
        Last = (double[])Last.Clone(),
        Frame = (long[])Frame.Clone(),
        Count = (int[])Count.Clone(),
        Points = Points,
    };

    /// <summary>Folds bucket pairs into one (the plot's bucket width doubled).</summary>
    internal void Halve()
    {
        for (int b = 0; b < Plot.Buckets / 2; b++)
        {
            int l = 2 * b, r = 2 * b + 1;
            if (Count[l] == 0 && Count[r] == 0) { Count[b] = 0; continue; }
            if (Count[l] == 0) Move(r, b);
            else
            {
                Move(l, b);
                if (Count[r] > 0)
                {
                    Low[b] = Math.Min(Low[b], Low[r]);
                    High[b] = Math.Max(High[b], High[r]);
                    Last[b] = Last[r];
                    Count[b] += Count[r];
                }
            }
        }
        Array.Clear(Count, Plot.Buckets / 2, Plot.Buckets / 2);
    }

    private void Move(int from, int to)
    {
        Low[to] = Low[from];
        High[to] = High[from];
        First[to] = First[from];
        Last[to] = Last[from];
        Frame[to] = Frame[from];
        Count[to] = Count[from];
    }
}

/// <summary>One drawn mark: a bucket's x centre, the range of its values, its first and last value and its first packet.</summary>
public readonly record struct PlotMark(double X, double Low, double High, double First, double Last, long Frame, int Points);

/// <summary>
/// A graph's data at the resolution any screen or picture can show: every series is kept as
/// <see cref="Buckets"/> buckets along x, each with the low, high, first and last value of its points and the
/// frame of its first point. Memory stays the same for ten packets or a billion; no point is kept.
/// </summary>
/// <remarks>
/// With no fixed range, the first point sets the origin and the bucket width starts at a microsecond; a point
/// beyond the last bucket doubles the width (pairs of buckets fold into one) until it fits, so the points need not
/// be known in advance and one pass suffices. A fixed range (a zoomed view) drops the points outside it.
/// 2,048 buckets are more columns than a terminal (two braille dots a cell) or a slide picture has, so the
/// folding is never seen: the marks a picture draws are the non-empty buckets.
/// </remarks>
public sealed class Plot
{
    public const int Buckets = 2048;
    private readonly List<PlotSeries> _series = [];
    private double _origin = double.NaN;
    private double _width;
    private bool _fixed;

    /// <param name="from">With <paramref name="to"/>, the fixed x range to keep (a zoom); null for all points.</param>
    public Plot(string title, string xLabel, string yLabel, double? from = null, double? to = null)
    {
        Title = title;
        XLabel = xLabel;
        YLabel = yLabel;
        if (from is double f && to is double t && t > f)
        {
            _fixed = true;
            _origin = f;
            _width = (t - f) / Buckets;
        }
        else _width = 1e-6;
    }

    /// <summary>
    /// A copy of the plot as it is now, which later points leave alone: a view draws it while the points of a long
    /// replay are still being added to the original (on another thread: call this on the thread that adds them).
    /// Costs the buckets, about 90 KB a series.
    /// </summary>
    public Plot Snapshot()
    {
        var copy = new Plot(Title, XLabel, YLabel) { YFromZero = YFromZero, _origin = _origin, _width = _width, _fixed = _fixed };
        foreach (var s in _series) copy._series.Add(s.CopyFor(copy));
        return copy;
    }

    public string Title { get; }
    public string XLabel { get; }
    public string YLabel { get; }
    public IReadOnlyList<PlotSeries> Series => _series;

    /// <summary>Whether the y axis starts at zero however high the values (rates, sizes, times), rather than at the lowest value.</summary>
    public bool YFromZero { get; init; }

    /// <summary>Where the x axis starts: the fixed range's start, else the first point's x (0 before any).</summary>
    public double XFrom => double.IsNaN(_origin) ? 0 : _origin;

    /// <summary>Where the x axis ends: the fixed range's end, else the end of the last bucket with a point.</summary>
    public double XTo
    {
        get
        {
            if (_fixed) return _origin + _width * Buckets;
            int last = -1;
            foreach (var s in _series)
                for (int b = Buckets - 1; b > last; b--)
                    if (s.Count[b] > 0) { last = b; break; }
            return XFrom + _width * (last + 1);
        }
    }

    /// <summary>Whether some series is read against the right-hand axis.</summary>
    public bool HasRightAxis => _series.Any(s => s.RightAxis);

    /// <summary>The lowest and highest value of any point kept by the series of one axis; (0, 0) for none.</summary>
    public (double Low, double High) YRange(bool rightAxis = false)
    {
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        foreach (var s in _series.Where(s => s.RightAxis == rightAxis))
            for (int b = 0; b < Buckets; b++)
                if (s.Count[b] > 0)
                {
                    lo = Math.Min(lo, s.Low[b]);
                    hi = Math.Max(hi, s.High[b]);
                }
        return double.IsInfinity(lo) ? (0, 0) : (lo, hi);
    }

    public PlotSeries AddSeries(string name, MarkShape shape, char letter = '\0', bool right = false)
    {
        var s = new PlotSeries(this, name, shape, letter, right);
        _series.Add(s);
        return s;
    }

    /// <summary>
    /// The packet of the mark nearest to <paramref name="x"/> in any series (the first series wins a tie), for a
    /// cursor to go to; 0 when the plot has no point.
    /// </summary>
    public long FrameNear(double x)
    {
        long frame = 0;
        double best = double.PositiveInfinity;
        foreach (var s in _series)
            for (int b = 0; b < Buckets; b++)
            {
                if (s.Count[b] == 0 || s.Frame[b] == 0) continue;
                double d = Math.Abs(BucketCentre(b) - x);
                if (d < best) (best, frame) = (d, s.Frame[b]);
            }
        return frame;
    }

    internal double BucketCentre(int b) => _origin + (b + 0.5) * _width;

    /// <summary>The bucket of <paramref name="x"/>, widening the buckets when needed; -1 when a fixed range excludes it.</summary>
    internal int BucketOf(double x)
    {
        if (double.IsNaN(_origin)) _origin = x;
        double offset = (x - _origin) / _width;
        if (_fixed) return offset < 0 || offset >= Buckets ? -1 : (int)offset;
        // Timestamps may step back a little (a capture's packets are not always in time order): the first bucket takes them.
        if (offset < 0) return 0;
        while (offset >= Buckets)
        {
            foreach (var s in _series) s.Halve();
            _width *= 2;
            offset /= 2;
        }
        return (int)offset;
    }
}
