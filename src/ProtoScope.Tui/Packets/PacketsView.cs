using ProtoScope.Core.Decoding;
using ProtoScope.Core.Session;
using ProtoScope.Core.Tcp;

namespace ProtoScope.Tui.Packets;

/// <summary>
/// The main view, three panes as in Wireshark and termshark: the packet list, the detail tree of the selected
/// packet, and its bytes with the selected field highlighted.
/// </summary>
public sealed class PacketsView : IScopeView
{
    private readonly CaptureModel _model;
    private readonly Dictionary<PacketText.Kind, Scheme> _kindSchemes;
    private int _shownRow = -1;
    private bool _moving;

    public PacketsView(CaptureModel model)
    {
        _model = model;
        Source = new PacketListSource(model.Table);
        View = new View { Width = Dim.Fill(), Height = Dim.Fill(), CanFocus = true };
        List = ScopeTable.Create("Packets");
        List.Height = Dim.Percent(50);
        List.Style.ShowHorizontalHeaderUnderline = true;
        List.Style.ExpandLastColumn = true;
        // A short list (80×24 with the lesson pane) would otherwise scroll its header away with the first rows.
        List.Style.AlwaysShowHeaders = true;
        // Fixed widths: computing them from the visible rows would make the columns jump while scrolling. Which
        // columns show depends on the width (FitColumns).
        for (int c = 0; c < Source.Columns; c++)
        {
            var style = List.Style.GetOrCreateColumnStyle(c);
            style.MinWidth = style.MaxWidth = Wide[c];
        }
        var info = List.Style.GetOrCreateColumnStyle(PacketListSource.InfoColumn);
        info.MaxWidth = TableView.DEFAULT_MAX_CELL_WIDTH;
        info.MinAcceptableWidth = 20;
        List.Style.GetOrCreateColumnStyle(PacketListSource.NumberColumn).Alignment = Alignment.End;
        List.Style.GetOrCreateColumnStyle(PacketListSource.LengthColumn).Alignment = Alignment.End;
        List.FrameChanged += (_, _) => FitColumns(List.Viewport.Width);
        List.Table = Source;

        _kindSchemes = new()
        {
            [PacketText.Kind.Handshake] = RowScheme(Color.BrightGreen),
            [PacketText.Kind.Teardown] = RowScheme(Color.BrightYellow),
            [PacketText.Kind.Reset] = RowScheme(Color.BrightRed),
            [PacketText.Kind.Udp] = RowScheme(Color.BrightCyan),
            [PacketText.Kind.Data] = RowScheme(Color.White),
            [PacketText.Kind.Ack] = RowScheme(Color.Gray),
            // Wireshark's "Bad TCP" rows (black with red text) as a grey bar with red text: plain red is a reset here.
            [PacketText.Kind.Trouble] = new Scheme(new Attribute(Color.BrightRed, Color.DarkGray)) { Focus = new Attribute(Color.DarkGray, Color.BrightRed), Active = new Attribute(Color.DarkGray, Color.BrightRed) },
            [PacketText.Kind.Error] = new Scheme(new Attribute(Color.White, Color.Red)) { Focus = new Attribute(Color.Red, Color.White), Active = new Attribute(Color.Red, Color.White) },
        };
        List.Style.RowColorGetter = args => SchemeOf(args.RowIndex);
        List.ValueChanged += (_, _) => SelectionMoved();

        Details = new TreeView
        {
            Title = "Details",
            Y = Pos.Bottom(List),
            Width = Dim.Percent(55),
            Height = Dim.Fill(),
            AllowLetterBasedNavigation = false,
            MultiSelect = false,
            BorderStyle = LineStyle.Single,
        };

        Hex = new HexDumpView
        {
            Title = "Bytes",
            X = Pos.Right(Details),
            Y = Pos.Bottom(List),
            Width = Dim.Fill(),
            Height = Dim.Fill(),
            BorderStyle = LineStyle.Single,
        };
        Details.SelectionChanged += (_, e) =>
        {
            if (e?.NewValue is FieldNode f && f.Length > 0) Hex.Highlight(f.Offset, f.Length);
            else Hex.Highlight(0, 0);
        };
        View.Add(List, Details, Hex);
    }

    /// <summary>Column widths when there is room for all: marker, No., Time, Source, Destination, ⇄, Protocol, Length, Flags, (Info).</summary>
    private static readonly int[] Wide = [1, 7, 10, 21, 21, 1, 6, 6, 5, 60];

    /// <summary>
    /// What gives way when the list is narrow, first to last, so that the Info column, which carries the role
    /// ("handshake 2/3 (SYN-ACK)") and the numbers, keeps <see cref="InfoWanted"/> cells: Length, Time, Protocol and
    /// Flags hide (the row's marker and colour still say what it is), then the frame numbers and the endpoints
    /// narrow to what a loopback capture needs (127.0.0.1:51234).
    /// </summary>
    private static readonly (int Column, int Width)[] GiveWay =
    [
        (PacketListSource.LengthColumn, 0), (PacketListSource.TimeColumn, 0), (PacketListSource.ProtocolColumn, 0),
        (PacketListSource.FlagsColumn, 0), (PacketListSource.NumberColumn, 5), (PacketListSource.SourceColumn, 15),
        (PacketListSource.DestinationColumn, 15),
    ];

    /// <summary>Cells the Info column gets before other columns give way: the longest role and its numbers.</summary>
    public const int InfoWanted = 42;

    /// <summary>Shows or hides columns for a list <paramref name="width"/> cells wide (see <see cref="GiveWay"/>).</summary>
    public void FitColumns(int width)
    {
        var widths = (int[])Wide.Clone();
        // Each shown column but the last is followed by one cell of padding.
        int Used() => widths.Take(PacketListSource.InfoColumn).Where(w => w > 0).Sum(w => w + 1);
        foreach (var (column, narrow) in GiveWay)
        {
            if (width - Used() >= InfoWanted) break;
            widths[column] = narrow;
        }
        bool changed = false;
        for (int c = 0; c < PacketListSource.InfoColumn; c++)
        {
            var style = List.Style.GetOrCreateColumnStyle(c);
            if (style.MaxWidth == widths[c] && style.Visible == widths[c] > 0) continue;
            style.Visible = widths[c] > 0;
            if (widths[c] > 0) style.MinWidth = style.MaxWidth = widths[c];
            changed = true;
        }
        // Update, not only a redraw: the table keeps the columns it last laid out until told (its render cache), and
        // this runs during the first layout, so without it the first screen kept every column and lost Info.
        if (changed) List.Update();
    }

    /// <summary>The columns shown now, by their names.</summary>
    public IEnumerable<string> ShownColumns() =>
        Enumerable.Range(0, Source.Columns).Where(c => List.Style.GetColumnStyleIfAny(c)?.Visible != false).Select(c => Source.ColumnNames[c]);

    /// <summary>
    /// Whether the detail tree and the bytes share the view with the list; the main window hides them while the
    /// lesson pane is shown, which takes their place.
    /// </summary>
    public bool ShowsDetails
    {
        get => Details.Visible;
        set
        {
            Details.Visible = Hex.Visible = value;
            List.Height = value ? Dim.Percent(50) : Dim.Fill();
        }
    }

    /// <summary>Raised with the table row of the packet selected (-1 for none) whenever the selection moves.</summary>
    public event Action<int>? PacketSelected;

    public string Title => "Packets";
    public View View { get; }
    public TableView List { get; }
    public TreeView Details { get; }
    public HexDumpView Hex { get; }
    public PacketListSource Source { get; }

    /// <summary>Keeps the newest packet selected as packets arrive, until the user moves the selection.</summary>
    public bool Follow { get; set; }

    /// <summary>Stops the list from growing (the capture goes on); unfreezing shows everything that arrived.</summary>
    public bool Frozen { get; set; }

    /// <summary>The table row of the selected packet, or -1.</summary>
    public int SelectedRow => _shownRow;

    public void Shown() => List.SetFocus();

    public bool HandleKey(Key key)
    {
        if (key == Key.End || key == Key.G.WithShift)
        {
            Follow = true;
            if (Source.Rows > 0) MoveTo(Source.Rows - 1);
            return true;
        }
        return false;
    }

    public void Tick()
    {
        if (Frozen) return;
        if (Source.Filter is { } f) f.Continue();
        if (!Source.Refresh()) return;
        List.Update();
        if (Follow && Source.Rows > 0) MoveTo(Source.Rows - 1);
        else if (_shownRow < 0 && Source.Rows > 0) MoveTo(0);
    }

    public void SetFilter(FilterRun? filter)
    {
        int keep = _shownRow;
        Source.SetFilter(filter);
        filter?.Continue();
        List.Update();
        _shownRow = -1;
        if (Source.Rows > 0) MoveTo(keep >= 0 ? Source.PositionOf(keep) : 0);
        else ShowPacket(-1);
    }

    /// <summary>Selects list position <paramref name="position"/> without ending follow mode.</summary>
    public void MoveTo(int position)
    {
        _moving = true;
        try
        {
            List.SetSelection(0, position, false);
            List.EnsureCursorIsVisible();
        }
        finally
        {
            _moving = false;
        }
        SelectionMoved(fromUser: false);
    }

    /// <summary>Selects the packet of table row <paramref name="row"/> (the other views call this).</summary>
    public void SelectTableRow(int row)
    {
        if (Source.Rows == 0) return;
        Follow = false;
        MoveTo(Source.PositionOf(row));
    }

    private void SelectionMoved(bool fromUser = true)
    {
        if (_moving) return;
        int position = List.Value?.SelectedCell.Y ?? -1;
        // Moving away from the newest packet stops following; moving back to it (End) follows again, as in `less +F`.
        if (fromUser && _model.Kind != CaptureKind.File) Follow = position == Source.Rows - 1;
        int row = position >= 0 && position < Source.Rows ? Source.TableRow(position) : -1;
        if (row != _shownRow) ShowPacket(row);
    }

    private void ShowPacket(int row)
    {
        _shownRow = row;
        PacketSelected?.Invoke(row);
        Details.ClearObjects();
        if (row < 0)
        {
            Hex.SetBytes([]);
            return;
        }
        var nodes = PacketDetails.Build(_model.Table, row, _model.Session.Conversations);
        foreach (var node in nodes) Details.AddObject(node);
        foreach (var node in nodes.Where(n => n.Open)) Details.Expand(node);
        Hex.SetBytes(_model.Table.Bytes(row));
        Details.SetNeedsDraw();
    }

    private Scheme? SchemeOf(int position)
    {
        if (position < 0 || position >= Source.Rows) return null;
        var c = _model.Table.ChunkOf(Source.TableRow(position), out int i);
        return _kindSchemes.GetValueOrDefault(PacketText.KindOf(c.Role(i), (Transport)c.Transport[i], c.Fault(i), (TcpAnalysisFlags)c.Analysis[i]));
    }

    private static Scheme RowScheme(Color foreground) => new(new Attribute(foreground, Color.Black))
    {
        Focus = new Attribute(Color.Black, foreground),
        Active = new Attribute(Color.Black, foreground),
    };
}
