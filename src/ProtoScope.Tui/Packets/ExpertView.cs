using System.Globalization;
using ProtoScope.Core.Session;
using ProtoScope.Core.Tcp;

namespace ProtoScope.Tui.Packets;

/// <summary>
/// Wireshark's Expert Information for TCP: every analysis event of the capture grouped by kind, warnings first,
/// each group with its count. Enter on a group opens or closes it; Enter on one of its packets goes to that packet
/// in the packet list.
/// </summary>
public sealed class ExpertView : IScopeView
{
    private static readonly string[] Columns = ["Severity", "Summary", "Count / frame", "Conn", "Packet"];

    /// <summary>The groups in the order shown: by severity, worst first, then in Wireshark's order.</summary>
    private static readonly TcpAnalysisFlagInfo[] Groups =
        [.. TcpAnalysisNames.All.OrderByDescending(g => g.Severity).ThenBy(g => Array.IndexOf(TcpAnalysisNames.All, g))];

    private readonly CaptureModel _model;
    private readonly Action<long> _selectPacket;
    private readonly List<int>[] _events = Groups.Select(_ => new List<int>()).ToArray();
    private readonly HashSet<TcpAnalysisFlags> _open = [];
    private readonly EventSource _source;
    private int _scanned;
    private long _lastScan;

    public ExpertView(CaptureModel model, Action<long> selectPacket)
    {
        _model = model;
        _selectPacket = selectPacket;
        _source = new EventSource(this);
        Table = ScopeTable.Create("Expert");
        Table.Table = _source;
        Table.Style.GetOrCreateColumnStyle(2).Alignment = Alignment.End;
        Table.Style.GetOrCreateColumnStyle(3).Alignment = Alignment.End;
        View = new View { Width = Dim.Fill(), Height = Dim.Fill(), CanFocus = true };
        View.Add(Table);
    }

    public string Title => "Expert";
    public View View { get; }
    public TableView Table { get; }

    /// <summary>The packets (row indexes) that carry <paramref name="flag"/>, as tshark's field counts them.</summary>
    public IReadOnlyList<int> Events(TcpAnalysisFlags flag) => _events[Array.FindIndex(Groups, g => g.Flag == flag)];

    public void Shown()
    {
        Refresh(force: true);
        Table.SetFocus();
    }

    public void Tick() => Refresh(force: false);

    public bool HandleKey(Key key)
    {
        if (key != Key.Enter) return false;
        Activate();
        return true;
    }

    /// <summary>Opens or closes the group under the cursor, or goes to the packet under it.</summary>
    public void Activate()
    {
        if (Table.Value?.SelectedCell.Y is not int y || y < 0 || y >= _source.Rows) return;
        var (group, row) = _source.At(y);
        if (row >= 0)
        {
            _selectPacket(row + 1L);
            return;
        }
        var flag = Groups[group].Flag;
        if (!_open.Remove(flag)) _open.Add(flag);
        Rebuild();
    }

    private void Refresh(bool force)
    {
        var table = _model.Table;
        int count = table.Count;
        long now = Environment.TickCount64;
        if (!force && (count == _scanned || now - _lastScan < 1000)) return;
        _lastScan = now;
        for (int row = _scanned; row < count; row++)
        {
            var flags = TcpAnalysisNames.Fields((TcpAnalysisFlags)table.ChunkOf(row, out int i).Analysis[i]);
            if (flags == TcpAnalysisFlags.None) continue;
            for (int g = 0; g < Groups.Length; g++)
                if ((flags & Groups[g].Flag) != 0) _events[g].Add(row);
        }
        _scanned = count;
        Rebuild();
    }

    private void Rebuild()
    {
        var selected = Table.Value?.SelectedCell.Y is int y && y < _source.Rows ? _source.At(y) : (-1, -1);
        var rows = new List<(int Group, int Row)>();
        for (int g = 0; g < Groups.Length; g++)
        {
            if (_events[g].Count == 0) continue;
            rows.Add((g, -1));
            if (_open.Contains(Groups[g].Flag))
                foreach (int row in _events[g]) rows.Add((g, row));
        }
        _source.Set(rows);
        int Of(ExpertSeverity s) => Enumerable.Range(0, Groups.Length).Where(g => Groups[g].Severity == s).Sum(g => _events[g].Count);
        Table.Title = $"Expert: {Of(ExpertSeverity.Warning)} warnings, {Of(ExpertSeverity.Note)} notes, {Of(ExpertSeverity.Chat)} chats  Enter opens a group, goes to a packet";
        Table.Update();
        int at = Math.Max(0, rows.IndexOf(selected));
        if (rows.Count > 0) Table.SetSelection(0, at, false);
    }

    private sealed class EventSource(ExpertView view) : ITableSource
    {
        private List<(int Group, int Row)> _rows = [];

        public void Set(List<(int Group, int Row)> rows) => _rows = rows;

        public (int Group, int Row) At(int row) => _rows[row];

        public string[] ColumnNames => Columns;
        int ITableSource.Columns => Columns.Length;
        public int Rows => _rows.Count;

        public object this[int row, int col]
        {
            get
            {
                var (g, r) = _rows[row];
                var info = Groups[g];
                if (r < 0)
                {
                    bool open = view._open.Contains(info.Flag);
                    return col switch
                    {
                        0 => PacketDetails.SeverityWord(info.Severity),
                        1 => $"{(open ? "▼" : "▶")} {info.Summary}",
                        2 => view._events[g].Count.ToString(CultureInfo.InvariantCulture),
                        3 => "",
                        _ => $"tcp.analysis.{info.Name}",
                    };
                }
                var table = view._model.Table;
                var packet = table[r];
                return col switch
                {
                    0 or 1 => "",
                    2 => packet.Frame.ToString(CultureInfo.InvariantCulture),
                    3 => packet.Conversation.ToString(CultureInfo.InvariantCulture),
                    _ => PacketText.Info(table, packet),
                };
            }
        }
    }
}
