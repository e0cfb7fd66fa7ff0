using System.Buffers;
using ProtoScope.Core.Decoding;
using ProtoScope.Core.Session;

namespace ProtoScope.Core.Filtering;

/// <summary>A mistake in a display filter: what is wrong, and the 1-based column where it is.</summary>
public readonly record struct FilterError(string Message, int Column)
{
    public override string ToString() => $"{Message} at column {Column}";
}

/// <summary>
/// A display filter (the language of the TUI's <c>/</c> bar and the CLI's <c>-Y</c>, a subset of Wireshark's
/// display filters plus ProtoScope's connection roles), parsed once and compiled to one test that runs over
/// <see cref="PacketTable"/> rows (the UI) or over the packet a <see cref="CaptureSession"/> has just added (the CLI).
/// </summary>
public sealed class DisplayFilter
{
    private readonly RowTest<TableRow> _rowTest;
    private readonly RowTest<SessionRow> _packetTest;

    private DisplayFilter(string text, FilterExpr expression)
    {
        Text = text;
        Expression = expression;
        _rowTest = RowTest<TableRow>.Compile(expression);
        _packetTest = RowTest<SessionRow>.Compile(expression);
        NeedsTcpNumbers = RowTest.NeedsTcpNumbers(expression);
    }

    public string Text { get; }
    public FilterExpr Expression { get; }

    /// <summary>
    /// Whether the filter reads numbers a <see cref="PacketTable"/> makes only when asked
    /// (<see cref="PacketTable.TcpNumbers"/>): its first scan of a table replays the stored packets.
    /// </summary>
    public bool NeedsTcpNumbers { get; }

    /// <summary>Parses <paramref name="text"/>; on a mistake returns false with the message and its column.</summary>
    public static bool TryParse(string text, out DisplayFilter? filter, out FilterError error)
    {
        try
        {
            filter = new DisplayFilter(text, FilterParser.Parse(text));
            error = default;
            return true;
        }
        catch (FilterSyntaxException e)
        {
            filter = null;
            error = new FilterError(e.Message, e.Column);
            return false;
        }
    }

    /// <summary>Whether row <paramref name="row"/> (below <see cref="PacketTable.Count"/>) passes the filter.</summary>
    public bool Matches(PacketTable table, int row)
    {
        var numbers = NeedsTcpNumbers ? table.TcpNumbers : null;
        numbers?.ExtendTo(row + 1);
        var c = table.ChunkOf(row, out int i);
        return _rowTest.Match(new TableRow(table, c, i, row, numbers));
    }

    /// <summary>Whether the packet a session has just added (its <see cref="CaptureSession.Current"/> and <see cref="CaptureSession.CurrentAnalysis"/>) passes.</summary>
    public bool Matches(in DecodedPacket packet, in PacketAnalysis analysis) => _packetTest.Match(new SessionRow(in packet, in analysis));

    /// <summary>
    /// Appends to <paramref name="into"/>, in order, every row in [<paramref name="from"/>, <paramref name="to"/>)
    /// that passes. Blocks of one table chunk are tested in parallel and appended in row order; after each
    /// batch <paramref name="progress"/> gets the row scanned up to. Stops early (returning the row reached)
    /// when <paramref name="cancel"/> fires. A filter that <see cref="NeedsTcpNumbers"/> first has them made up to
    /// <paramref name="to"/>, on this thread.
    /// </summary>
    public int Scan(PacketTable table, int from, int to, RowSet into, CancellationToken cancel = default, Action<int>? progress = null)
    {
        var numbers = NeedsTcpNumbers ? table.TcpNumbers : null;
        if (numbers is not null && !numbers.ExtendTo(to, cancel)) return from;
        int blockRows = PacketTable.ChunkRows;
        int batch = Math.Max(1, Environment.ProcessorCount) * 2;
        int row = from;
        var found = new int[batch][];
        var counts = new int[batch];
        try
        {
            while (row < to)
            {
                if (cancel.IsCancellationRequested) return row;
                int start = row;
                int blocks = (int)Math.Min(batch, ((long)to - start + blockRows - 1) / blockRows);
                Parallel.For(0, blocks, b =>
                {
                    int lo = start + b * blockRows;
                    int hi = (int)Math.Min(to, (long)lo + blockRows);
                    var rows = found[b] ??= ArrayPool<int>.Shared.Rent(blockRows);
                    counts[b] = ScanBlock(table, numbers, lo, hi, rows);
                });
                for (int b = 0; b < blocks; b++)
                    into.AddRange(found[b].AsSpan(0, counts[b]));
                row = (int)Math.Min(to, (long)start + (long)blocks * blockRows);
                progress?.Invoke(row);
            }
            return row;
        }
        finally
        {
            foreach (var rows in found)
                if (rows is not null) ArrayPool<int>.Shared.Return(rows);
        }
    }

    /// <summary>Tests rows [lo, hi) (which may cross a chunk boundary) into <paramref name="rows"/>; returns how many passed.</summary>
    private int ScanBlock(PacketTable table, TcpAnalysisNumbers? numbers, int lo, int hi, int[] rows)
    {
        int n = 0;
        int row = lo;
        while (row < hi)
        {
            var c = table.ChunkOf(row, out int i);
            int end = Math.Min(hi, row - i + PacketTable.ChunkRows);
            for (; row < end; row++, i++)
                if (_rowTest.Match(new TableRow(table, c, i, row, numbers))) rows[n++] = row;
        }
        return n;
    }

    public override string ToString() => Text;
}
