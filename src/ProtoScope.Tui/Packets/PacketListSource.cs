using System.Globalization;
using ProtoScope.Core.Session;
using Terminal.Gui.Views;

namespace ProtoScope.Tui.Packets;

/// <summary>
/// The packet list as a virtual table: TableView asks only for the cells on screen, so a million packets cost
/// a few hundred cell reads per draw. Shows every row of the <see cref="PacketTable"/>, or the rows a display
/// filter kept. <see cref="Rows"/> changes only in <see cref="Refresh"/>, called on the UI thread's tick, so the
/// view sees a stable count between ticks.
/// </summary>
public sealed class PacketListSource : ITableSource
{
    public const int MarkerColumn = 0;
    public const int NumberColumn = 1, TimeColumn = 2, SourceColumn = 3, DestinationColumn = 4, DirectionColumn = 5,
        ProtocolColumn = 6, LengthColumn = 7, FlagsColumn = 8, InfoColumn = 9;
    private static readonly string[] Names = ["", "No.", "Time", "Source", "Destination", "⇄", "Proto", "Length", "Flags", "Info"];
    private readonly PacketTable _table;
    private readonly Dictionary<int, string[]> _cells = new();
    private int _rows;

    public PacketListSource(PacketTable table)
    {
        _table = table;
    }

    /// <summary>The display filter in force; null shows every packet.</summary>
    public FilterRun? Filter { get; private set; }

    public string[] ColumnNames => Names;
    public int Columns => Names.Length;
    public int Rows => _rows;

    /// <summary>Picks up rows added since the last call; returns true when the count changed.</summary>
    public bool Refresh()
    {
        int rows = Filter is { } f ? f.Rows.Count : _table.Count;
        if (rows == _rows) return false;
        _rows = rows;
        return true;
    }

    public void SetFilter(FilterRun? filter)
    {
        Filter = filter;
        _rows = 0;
        _cells.Clear();
        Refresh();
    }

    /// <summary>The packet table row shown at list position <paramref name="position"/>.</summary>
    public int TableRow(int position) => Filter is { } f ? f.Rows[position] : position;

    /// <summary>The list position of table row <paramref name="row"/>, or of the nearest shown row after it.</summary>
    public int PositionOf(int row) => Filter is { } f ? Math.Min(f.Rows.IndexOf(row), Math.Max(0, _rows - 1)) : Math.Min(row, Math.Max(0, _rows - 1));

    public PacketRow RowAt(int position) => _table[TableRow(position)];

    public object this[int row, int col] => CellsOf(row)[col];

    private string[] CellsOf(int position)
    {
        if (_cells.TryGetValue(position, out var cells)) return cells;
        if (_cells.Count > 4096) _cells.Clear();
        var r = _table[TableRow(position)];
        cells =
        [
            PacketText.Marker(r),
            r.Frame.ToString(CultureInfo.InvariantCulture),
            PacketText.RelativeTime(r.Timestamp, _table.FirstTimestamp),
            PacketText.Address(r, source: true),
            PacketText.Address(r, source: false),
            PacketText.Direction(r),
            PacketText.Protocol(r),
            r.WireLength.ToString(CultureInfo.InvariantCulture),
            PacketText.Flags(r),
            PacketText.Info(_table, r),
        ];
        _cells[position] = cells;
        return cells;
    }
}
