using ProtoScope.Core.Filtering;
using ProtoScope.Core.Session;

namespace ProtoScope.Tui.Packets;

/// <summary>
/// A display filter applied to a growing <see cref="PacketTable"/> off the UI thread: the matching rows collect
/// in <see cref="Rows"/> while the scan runs, and <see cref="Continue"/> (called from the UI tick) scans the
/// rows the reader has added since. The scan is the RowSet's only writer.
/// </summary>
public sealed class FilterRun : IDisposable
{
    private readonly PacketTable _table;
    private readonly CancellationTokenSource _cancel = new();
    private Task? _scan;
    private int _scanned;

    public FilterRun(PacketTable table, DisplayFilter filter)
    {
        _table = table;
        Filter = filter;
    }

    public DisplayFilter Filter { get; }
    public RowSet Rows { get; } = new();

    /// <summary>Rows tested so far (all rows below it are decided).</summary>
    public int Scanned => Volatile.Read(ref _scanned);

    public bool IsScanning => _scan is { IsCompleted: false };

    /// <summary>Starts scanning the rows not yet tested, unless a scan is already running.</summary>
    public void Continue()
    {
        if (IsScanning || _cancel.IsCancellationRequested) return;
        int from = Scanned, to = _table.Count;
        if (from >= to) return;
        _scan = Task.Run(() =>
        {
            int reached = Filter.Scan(_table, from, to, Rows, _cancel.Token, row => Volatile.Write(ref _scanned, row));
            Volatile.Write(ref _scanned, reached);
        });
    }

    /// <summary>Waits for the running scan (tests and the benchmark).</summary>
    public void Wait()
    {
        while (true)
        {
            _scan?.Wait();
            if (Scanned >= _table.Count) return;
            Continue();
        }
    }

    public void Dispose()
    {
        _cancel.Cancel();
        try { _scan?.Wait(TimeSpan.FromSeconds(1)); }
        catch (AggregateException) { }
        _cancel.Dispose();
    }
}
