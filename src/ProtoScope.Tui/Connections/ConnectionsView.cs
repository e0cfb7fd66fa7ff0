using System.Globalization;
using ProtoScope.Core.Formatting;
using ProtoScope.Core.Session;
using ProtoScope.Core.Tcp;
using ProtoScope.Tui.Packets;

namespace ProtoScope.Tui.Connections;

/// <summary>
/// Every TCP connection and UDP conversation of the capture, one row each, sortable by any column. Its keys
/// (<see cref="KeyMap.Connections"/>) pick the sort column, reverse it, open the connection's ladder (a UDP
/// conversation's frames) and show its packets.
/// </summary>
public sealed class ConnectionsView : IScopeView
{
    // Open, Close, State and History are the `conns` verb's (ConnectionTableFormat): how the connection opened and
    // closed, Zeek's conn_state and history; so are Health, the RTTs and the analysis counts.
    private static readonly string[] Columns = ["Conn", "Proto", "Originator", "Responder", "Open", "Close", "State", "History", "Pkts →", "Pkts ←", "Bytes →", "Bytes ←", "Start", "Duration",
        "Health", "iRTT ms", "RTT ms", "Retr", "Dup ACK"];
    private readonly CaptureModel _model;
    private readonly Action<Conversation> _open;
    private readonly Action<Conversation> _showPackets;
    private readonly ConversationSource _source;
    private int _tcpSeen = -1, _udpSeen = -1;
    private long _lastSort;

    public ConnectionsView(CaptureModel model, Action<Conversation> open, Action<Conversation> showPackets)
    {
        _model = model;
        _open = open;
        _showPackets = showPackets;
        _source = new ConversationSource(model.Table);
        Table = ScopeTable.Create("Connections");
        Table.Table = _source;
        foreach (int c in new[] { 0, 8, 9, 10, 11, 12, 13, 15, 16, 17, 18 }) Table.Style.GetOrCreateColumnStyle(c).Alignment = Alignment.End;
        View = new View { Width = Dim.Fill(), Height = Dim.Fill(), CanFocus = true };
        View.Add(Table);
    }

    public string Title => "Connections";
    public View View { get; }
    public TableView Table { get; }

    /// <summary>The conversation under the cursor, or null.</summary>
    public Conversation? Selected => Table.Value?.SelectedCell.Y is int row && row >= 0 && row < _source.Rows ? _source.At(row) : null;

    /// <summary>The column the rows are sorted by, and whether descending.</summary>
    public int SortColumn { get; private set; }
    public bool Descending { get; private set; }

    public void Shown()
    {
        Resort(force: true);
        Table.SetFocus();
    }

    public void Tick() => Resort(force: false);

    public bool HandleKey(Key key) => KeyMap.Run(KeyMap.Connections, this, key);

    /// <summary>Sorts by the next column (<paramref name="step"/> 1) or the previous one (-1), wrapping around.</summary>
    public void MoveSortColumn(int step)
    {
        SortColumn = (SortColumn + step + Columns.Length) % Columns.Length;
        Resort(force: true);
    }

    public void Reverse()
    {
        Descending = !Descending;
        Resort(force: true);
    }

    /// <summary>Opens the selected conversation's ladder (a UDP conversation's frames).</summary>
    public void OpenSelected()
    {
        if (Selected is { } c) _open(c);
    }

    /// <summary>Shows the selected conversation's packets in the packet list.</summary>
    public void ShowPackets()
    {
        if (Selected is { } c) _showPackets(c);
    }

    private void Resort(bool force)
    {
        var conversations = _model.Session.Conversations;
        int tcp = conversations.Tcp.Count, udp = conversations.Udp.Count;
        long now = Environment.TickCount64;
        if (!force && (tcp == _tcpSeen && udp == _udpSeen || now - _lastSort < 1000)) return;
        _tcpSeen = tcp;
        _udpSeen = udp;
        _lastSort = now;
        var rows = new List<Conversation>(tcp + udp);
        for (int i = 0; i < tcp; i++) rows.Add(conversations.Tcp[i]);
        for (int i = 0; i < udp; i++) rows.Add(conversations.Udp[i]);
        var selected = Table.Value?.SelectedCell.Y is int y && y < _source.Rows ? _source.At(y) : null;
        Comparison<Conversation> order = SortColumn switch
        {
            1 => (a, b) => string.CompareOrdinal(a.Proto, b.Proto),
            2 => (a, b) => Compare(a.OrigAddress, a.OrigPort, b.OrigAddress, b.OrigPort),
            3 => (a, b) => Compare(a.RespAddress, a.RespPort, b.RespAddress, b.RespPort),
            4 or 5 or 6 or 7 => (a, b) => string.CompareOrdinal(Text(a, SortColumn), Text(b, SortColumn)),
            8 => (a, b) => a.Orig.Packets.CompareTo(b.Orig.Packets),
            9 => (a, b) => a.Resp.Packets.CompareTo(b.Resp.Packets),
            10 => (a, b) => a.Orig.PayloadBytes.CompareTo(b.Orig.PayloadBytes),
            11 => (a, b) => a.Resp.PayloadBytes.CompareTo(b.Resp.PayloadBytes),
            12 => (a, b) => a.StartTime.CompareTo(b.StartTime),
            13 => (a, b) => (a.EndTime - a.StartTime).CompareTo(b.EndTime - b.StartTime),
            14 => (a, b) => string.CompareOrdinal(Health(a), Health(b)),
            15 => (a, b) => InitialRtt(a).CompareTo(InitialRtt(b)),
            16 => (a, b) => MeanRtt(a).CompareTo(MeanRtt(b)),
            17 => (a, b) => Count(a, TcpAnalysisFlags.Retransmission).CompareTo(Count(b, TcpAnalysisFlags.Retransmission)),
            18 => (a, b) => Count(a, TcpAnalysisFlags.DuplicateAck).CompareTo(Count(b, TcpAnalysisFlags.DuplicateAck)),
            _ => (a, b) => a.FirstFrame.CompareTo(b.FirstFrame),
        };
        // A stable order: ties keep first appearance.
        rows.Sort((a, b) =>
        {
            int c = order(a, b);
            if (c == 0) c = a.FirstFrame.CompareTo(b.FirstFrame);
            return Descending ? -c : c;
        });
        _source.Set(rows);
        Table.Title = $"Connections ({tcp} TCP, {udp} UDP), sorted by {Columns[SortColumn]} {(Descending ? "↓" : "↑")}  {KeyMap.Labels(KeyMap.Connections)}";
        Table.Update();
        int at = selected is null ? 0 : Math.Max(0, rows.IndexOf(selected));
        if (rows.Count > 0) Table.SetSelection(0, at, false);
    }

    /// <summary>The Open, Close, State and History cells (columns 4 to 7); a UDP conversation has no open or close.</summary>
    private static string Text(Conversation c, int column) => (c, column) switch
    {
        (TcpConnection t, 4) => t.Open.Name(),
        (TcpConnection t, 5) => t.Close.Name(),
        (TcpConnection t, 6) => t.ConnState,
        (TcpConnection t, _) => t.History.ToString(),
        (UdpConversation u, 6) => u.ConnState,
        (UdpConversation u, 7) => u.History.ToString(),
        _ => "",
    };

    private static string Health(Conversation c) => c is TcpConnection t ? t.Expert.Health : "";

    private static long InitialRtt(Conversation c) => c is TcpConnection t ? t.InitialRtt : 0;

    private static long MeanRtt(Conversation c) => c is TcpConnection t ? t.Expert.RttMean : 0;

    private static int Count(Conversation c, TcpAnalysisFlags flag) => c is TcpConnection t ? t.Expert.Count(flag) : 0;

    private static string Milliseconds(long ns) => ns == 0 ? "" : (ns / 1e6).ToString("0.###", CultureInfo.InvariantCulture);

    private static int Compare(Core.Decoding.NetAddress a, ushort ap, Core.Decoding.NetAddress b, ushort bp)
    {
        int c = a.CompareTo(b);
        return c != 0 ? c : ap.CompareTo(bp);
    }

    private sealed class ConversationSource(PacketTable table) : ITableSource
    {
        private List<Conversation> _rows = [];

        public void Set(List<Conversation> rows) => _rows = rows;

        public Conversation At(int row) => _rows[row];

        public string[] ColumnNames => Columns;
        int ITableSource.Columns => Columns.Length;
        public int Rows => _rows.Count;

        public object this[int row, int col]
        {
            get
            {
                var c = _rows[row];
                return col switch
                {
                    0 => c.Id.ToString(CultureInfo.InvariantCulture),
                    1 => c.Proto.ToUpperInvariant(),
                    2 => EndpointText.Of(c.OrigAddress, c.OrigPort),
                    3 => EndpointText.Of(c.RespAddress, c.RespPort),
                    4 or 5 or 6 or 7 => Text(c, col),
                    8 => c.Orig.Packets.ToString(CultureInfo.InvariantCulture),
                    9 => c.Resp.Packets.ToString(CultureInfo.InvariantCulture),
                    10 => c.Orig.PayloadBytes.ToString(CultureInfo.InvariantCulture),
                    11 => c.Resp.PayloadBytes.ToString(CultureInfo.InvariantCulture),
                    12 => PacketText.RelativeTime(c.StartTime, table.FirstTimestamp),
                    13 => ((c.EndTime - c.StartTime) / 1e9).ToString("F6", CultureInfo.InvariantCulture),
                    14 => Health(c),
                    15 => Milliseconds(InitialRtt(c)),
                    16 => Milliseconds(MeanRtt(c)),
                    17 => c is TcpConnection ? Count(c, TcpAnalysisFlags.Retransmission).ToString(CultureInfo.InvariantCulture) : "",
                    _ => c is TcpConnection ? Count(c, TcpAnalysisFlags.DuplicateAck).ToString(CultureInfo.InvariantCulture) : "",
                };
            }
        }
    }
}
