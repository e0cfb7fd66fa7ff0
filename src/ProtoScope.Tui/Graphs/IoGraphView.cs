using System.Text;
using ProtoScope.Core.Filtering;
using ProtoScope.Core.Graphs;
using ProtoScope.Core.Session;

namespace ProtoScope.Tui.Graphs;

/// <summary>
/// Wireshark's I/O graph of the whole capture, as <c>protoscope graph --type io</c> and tshark's io,stat count it:
/// packets or bytes per interval, one line per display filter. The interval and the lines change in the view (an
/// input row under the graph takes a filter or an interval); its keys are <see cref="KeyMap.IoGraph"/>.
/// </summary>
/// <remarks>
/// The counting runs on a worker over the stored rows (<see cref="PacketTable"/>) and posts its plot to the UI
/// thread. It keeps two numbers per interval and line (<see cref="IoGraph"/>), nothing per packet; a capture that
/// grows (live, or still loading) is counted on from the last row counted, at most once a second. A change of
/// interval, unit or lines counts again from the first packet, and a count still running for the old settings stops.
/// </remarks>
public sealed class IoGraphView : IScopeView
{
    /// <summary>The intervals &lt; and &gt; step through (microseconds): 1 ms to 10 min, as Wireshark offers them.</summary>
    public static readonly IReadOnlyList<long> Intervals = [1_000, 10_000, 100_000, 1_000_000, 10_000_000, 60_000_000, 600_000_000];

    /// <summary>What the input row asks for.</summary>
    public enum Prompt { None, AddLine, EditLine, Interval }

    private readonly IApplication _app;
    private readonly CaptureModel _model;
    private readonly List<DisplayFilter?> _lines = [null];
    private readonly Label _promptLabel;
    private readonly TextField _input;
    private long _interval = 1_000_000;
    private bool _bytes;
    private int _selected;
    private Prompt _prompt;
    private string? _error;
    private Counted? _counted;
    private Task<Plot?>? _building;
    private int _generation;
    private long _lastCount;

    public IoGraphView(IApplication app, CaptureModel model)
    {
        _app = app;
        _model = model;
        Canvas = new PlotCanvas("I/O graph");
        _promptLabel = new Label { X = 0, Y = Pos.AnchorEnd(1), Visible = false };
        _input = new TextField { X = Pos.Right(_promptLabel) + 1, Y = Pos.AnchorEnd(1), Width = Dim.Fill(), Visible = false };
        View = new View { Width = Dim.Fill(), Height = Dim.Fill(), CanFocus = true };
        View.Add(Canvas, _promptLabel, _input);
        Canvas.Show(null, "No packets yet.");
    }

    public string Title => "I/O graph";
    public View View { get; }
    public PlotCanvas Canvas { get; }

    /// <summary>The plot shown; null before the first count has finished.</summary>
    public Plot? Plot { get; private set; }

    /// <summary>The count in progress, if any (tests wait for it, then <see cref="Tick"/> shows its plot).</summary>
    public Task? Building => _building;

    /// <summary>The interval in microseconds.</summary>
    public long Interval => _interval;

    /// <summary>The lines' filters as shown in the legend.</summary>
    public IEnumerable<string> LineNames => _lines.Select(f => f?.Text ?? IoGraph.AllPackets);

    public void Shown()
    {
        Refresh(force: true);
        (_prompt == Prompt.None ? (View)Canvas : _input).SetFocus();
    }

    public void Tick() => Refresh(force: false);

    public bool HandleKey(Key key)
    {
        if (_prompt == Prompt.None) return KeyMap.Run(KeyMap.IoGraph, this, key);
        if (key == Key.Enter) Accept(_input.Text);
        else if (key == Key.Esc) ClosePrompt();
        else return false;
        return true;
    }

    /// <summary>Steps the interval to the next shorter or longer of <see cref="Intervals"/>.</summary>
    public void StepInterval(int step)
    {
        int at = Intervals.Count(i => i < _interval);
        if (step > 0 && at < Intervals.Count && Intervals[at] == _interval) at++;
        else if (step < 0) at--;
        SetInterval(Intervals[Math.Clamp(at, 0, Intervals.Count - 1)]);
    }

    public void SetInterval(long microseconds)
    {
        if (microseconds == _interval) return;
        _interval = microseconds;
        CountAgain();
    }

    public void ToggleUnit()
    {
        _bytes = !_bytes;
        CountAgain();
    }

    /// <summary>Moves the line selection (the line e edits and x removes).</summary>
    public void SelectLine(int step)
    {
        _selected = Math.Clamp(_selected + step, 0, _lines.Count - 1);
        ShowStatus();
    }

    /// <summary>Opens the input row for a new line's filter, the selected line's filter, or an interval.</summary>
    public void Ask(Prompt prompt)
    {
        _prompt = prompt;
        _error = null;
        _promptLabel.Text = prompt switch
        {
            Prompt.AddLine => "New line's display filter:",
            Prompt.EditLine => $"Line {_selected + 1}'s display filter (empty: all packets):",
            _ => "Interval in seconds (0.001 to 600):",
        };
        _input.Text = prompt switch
        {
            Prompt.EditLine => _lines[_selected]?.Text ?? "",
            Prompt.Interval => IoGraph.Seconds(_interval),
            _ => "",
        };
        _promptLabel.Visible = _input.Visible = true;
        Canvas.Height = Dim.Fill(1);
        _input.SetFocus();
        ShowStatus();
    }

    /// <summary>
    /// Takes what was typed in the input row. A filter or interval that does not parse leaves everything as it was
    /// and shows the one-line reason in the status line; the row stays open to correct it.
    /// </summary>
    public bool Accept(string text)
    {
        if (_prompt == Prompt.Interval)
        {
            if (!IoGraph.TryParseInterval(text.Trim(), out long microseconds, out string? error)) return Refuse(error!);
            ClosePrompt();
            SetInterval(microseconds);
            return true;
        }
        DisplayFilter? filter = null;
        if (!string.IsNullOrWhiteSpace(text) && !DisplayFilter.TryParse(text, out filter, out var filterError))
            return Refuse($"bad filter: {filterError}");
        if (_prompt == Prompt.AddLine)
        {
            if (filter is not null)
            {
                _lines.Add(filter);
                _selected = _lines.Count - 1;
            }
        }
        else _lines[_selected] = filter;
        ClosePrompt();
        CountAgain();
        return true;
    }

    /// <summary>Removes the selected line; the last one left becomes the line of all packets.</summary>
    public void RemoveLine()
    {
        if (_lines.Count == 1) _lines[0] = null;
        else _lines.RemoveAt(_selected);
        _selected = Math.Min(_selected, _lines.Count - 1);
        CountAgain();
    }

    private bool Refuse(string error)
    {
        _error = error;
        ShowStatus();
        return false;
    }

    private void ClosePrompt()
    {
        _prompt = Prompt.None;
        _error = null;
        _promptLabel.Visible = _input.Visible = false;
        Canvas.Height = Dim.Fill();
        Canvas.SetFocus();
        ShowStatus();
    }

    private void CountAgain()
    {
        _counted = null;
        Refresh(force: true);
    }

    private void Refresh(bool force)
    {
        if (_building is { IsCompleted: true } done) Take(done);
        var table = _model.Table;
        int count = table.Count;
        if (count == 0) return;
        long now = Environment.TickCount64;
        // A count running for these settings goes on; a finished one is extended when rows arrived, at most once a second.
        if (_counted is { } c && (_building is not null || c.Rows == count || c.TooLong || !force && now - _lastCount < 1000)) return;
        _lastCount = now;
        _counted ??= new Counted(new IoGraph(_interval, table.FirstTimestamp, LineNames.ToList()));
        Start(_counted, count);
    }

    /// <summary>Counts rows from where <paramref name="counted"/> stopped up to <paramref name="rows"/> on a worker, then makes the plot.</summary>
    private void Start(Counted counted, int rows)
    {
        var table = _model.Table;
        var filters = _lines.ToArray();
        bool bytes = _bytes;
        string title = $"I/O graph: {Path.GetFileName(_model.Name)}, {(bytes ? "bytes" : "packets")} per {IoGraph.Seconds(_interval)} s";
        int generation = ++_generation;
        var building = Task.Run(() =>
        {
            bool Stale() => Volatile.Read(ref _generation) != generation;
            // Filters on ack_rtt, bytes in flight or the window read numbers made on first use, for all rows at once.
            if (filters.Any(f => f is { NeedsTcpNumbers: true })) table.TcpNumbers.ExtendTo(rows);
            var graph = counted.Graph;
            for (int row = counted.Rows; row < rows; row++)
            {
                if ((row & 0xFFF) == 0 && Stale()) return null;
                var chunk = table.ChunkOf(row, out int i);
                int index = graph.IntervalOf(chunk.Timestamp[i]);
                if (index < 0)
                {
                    counted.TooLong = true;
                    break;
                }
                for (int line = 0; line < filters.Length; line++)
                    if (filters[line] is not { } f || f.Matches(table, row)) graph.Count(line, index, chunk.WireLength(i));
                counted.Rows = row + 1;
            }
            return Stale() ? null : graph.ToPlot(title, bytes);
        });
        _building = building;
        building.ContinueWith(_ => _app.Invoke(() => Take(building)), TaskScheduler.Default);
        Canvas.Status = "counting…";
    }

    /// <summary>Shows a finished count's plot, unless a newer count has been started since.</summary>
    private void Take(Task<Plot?> building)
    {
        if (!ReferenceEquals(building, _building)) return;
        _building = null;
        if (building is not { IsCompletedSuccessfully: true, Result: { } plot }) return;
        Plot = plot;
        Canvas.Show(plot);
        Canvas.Title = $"I/O graph  {KeyMap.Labels(KeyMap.IoGraph)}";
        ShowStatus();
    }

    private void ShowStatus()
    {
        if (_building is not null) return;
        var text = new StringBuilder();
        if (_error is not null) text.Append(_error);
        else
        {
            text.Append("lines:");
            for (int i = 0; i < _lines.Count; i++)
            {
                string name = _lines[i]?.Text ?? IoGraph.AllPackets;
                text.Append(' ').Append(i == _selected ? $"[{i + 1} {name}]" : $"{i + 1} {name}");
            }
            if (_counted is { TooLong: true })
                text.Append($"  (the capture is longer than {IoGraph.MaxIntervals:N0} intervals: the rest is left out)");
        }
        Canvas.Status = text.ToString();
    }

    /// <summary>The count so far for one choice of interval and lines: the graph and how many rows it has counted.</summary>
    private sealed class Counted(IoGraph graph)
    {
        public IoGraph Graph { get; } = graph;
        public int Rows { get; set; }
        public bool TooLong { get; set; }
    }
}
