namespace ProtoScope.Tui.Streams;

/// <summary>What a line of a conversation view stands for; its colour repeats what the text already says.</summary>
public enum LineKind : byte { Plain, Heading, Handshake, Teardown, Reset, Data, Quiet, Orig, Resp, Error }

/// <summary>One line of the Ladder, Frames or Follow view: its text and the packet it stands for (0 for none).</summary>
public readonly record struct ScopeLine(string Text, long Frame = 0, LineKind Kind = LineKind.Plain);

/// <summary>
/// A scrollable list of text lines with a cursor: a one-column <see cref="TableView"/> over a virtual source, so
/// a long conversation draws only the lines on screen. The lines are replaced whole; the cursor stays on the
/// same line number, so a view that grows as packets arrive does not jump.
/// </summary>
public sealed class LineTable
{
    private readonly Source _source = new();
    private readonly Dictionary<LineKind, Scheme> _schemes = new()
    {
        [LineKind.Heading] = Colours(Color.BrightCyan),
        [LineKind.Handshake] = Colours(Color.BrightGreen),
        [LineKind.Teardown] = Colours(Color.BrightYellow),
        [LineKind.Reset] = Colours(Color.BrightRed),
        [LineKind.Data] = Colours(Color.White),
        [LineKind.Quiet] = Colours(Color.Gray),
        // Wireshark's Follow colours: the client red, the server blue.
        [LineKind.Orig] = Colours(Color.BrightRed),
        [LineKind.Resp] = Colours(Color.BrightBlue),
        [LineKind.Error] = new Scheme(new Attribute(Color.White, Color.Red)) { Focus = new Attribute(Color.Red, Color.White), Active = new Attribute(Color.Red, Color.White) },
    };

    public LineTable(string title)
    {
        Table = ScopeTable.Create(title);
        Table.MaxCellWidth = MaxWidth;
        Table.Table = _source;
        Table.Style.ShowHeaders = false;
        Table.Style.ShowHorizontalHeaderUnderline = false;
        Table.Style.GetOrCreateColumnStyle(0).MaxWidth = MaxWidth;
        Table.Style.RowColorGetter = args => args.RowIndex < _source.Lines.Count ? _schemes.GetValueOrDefault(_source.Lines[args.RowIndex].Kind) : null;
    }

    /// <summary>Wider lines are cut; the Follow view wraps its text well before this.</summary>
    public const int MaxWidth = 400;

    public TableView Table { get; }

    public IReadOnlyList<ScopeLine> Lines => _source.Lines;

    /// <summary>The line under the cursor, or -1.</summary>
    public int SelectedIndex => Table.Value?.SelectedCell.Y is int y && y < _source.Lines.Count ? y : -1;

    public ScopeLine? Selected => SelectedIndex is int i and >= 0 ? _source.Lines[i] : null;

    public void Set(List<ScopeLine> lines)
    {
        int keep = Math.Max(0, SelectedIndex);
        _source.Lines = lines;
        Table.Update();
        if (lines.Count > 0) Select(Math.Min(keep, lines.Count - 1));
    }

    public void Select(int index)
    {
        Table.SetSelection(0, index, false);
        Table.EnsureCursorIsVisible();
    }

    /// <summary>Tabs out of a captured payload become spaces (to 8-column stops): a cell is drawn as one line.</summary>
    public static string ExpandTabs(string text)
    {
        if (!text.Contains('\t')) return text;
        var sb = new System.Text.StringBuilder(text.Length + 16);
        foreach (char c in text)
        {
            if (c == '\t') sb.Append(' ', 8 - sb.Length % 8);
            else sb.Append(c);
        }
        return sb.ToString();
    }

    private static Scheme Colours(Color foreground) => new(new Attribute(foreground, Color.Black))
    {
        Focus = new Attribute(Color.Black, foreground),
        Active = new Attribute(Color.Black, foreground),
    };

    private sealed class Source : ITableSource
    {
        public List<ScopeLine> Lines = [];
        public string[] ColumnNames { get; } = [""];
        public int Columns => 1;
        public int Rows => Lines.Count;
        public object this[int row, int col] => Lines[row].Text;
    }
}
