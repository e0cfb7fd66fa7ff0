using ProtoScope.Core.Graphs;

namespace ProtoScope.Tui.Graphs;

/// <summary>
/// Draws a <see cref="Plot"/> as <see cref="TextPlot"/> lays it out, sized to the view, one colour a series (the
/// glyphs already tell the series apart without colour), with an optional cursor column and a status line under
/// the picture. With no plot it shows a message instead (no connection, UDP, drawing…).
/// </summary>
public sealed class PlotCanvas : View
{
    // Series colours in the order a plot adds its series (tcptrace: segments, ACK, window, SACK, then the events).
    private static readonly Color[] Palette =
    [
        Color.BrightCyan, Color.BrightGreen, Color.BrightYellow, Color.BrightMagenta, Color.BrightRed,
        Color.BrightBlue, Color.Red, Color.Magenta, Color.Cyan,
    ];

    private Plot? _plot;
    private TextPlot? _picture;
    private string _message = "";
    private string _status = "";

    public PlotCanvas(string title)
    {
        Title = title;
        Width = Dim.Fill();
        Height = Dim.Fill();
        CanFocus = true;
        BorderStyle = LineStyle.Single;
        ViewportChanged += (_, _) => _picture = null;
    }

    /// <summary>The picture drawn last (null before the first draw or without a plot): its geometry maps time to columns.</summary>
    public TextPlot? Picture => _picture ??= Render();

    /// <summary>The time under the cursor, or null for no cursor; it is drawn in the column holding that time.</summary>
    public double? CursorTime { get; set; }

    /// <summary>Shows <paramref name="plot"/>; null shows <paramref name="message"/> instead.</summary>
    public void Show(Plot? plot, string message = "")
    {
        _plot = plot;
        _message = message;
        _picture = null;
        SetNeedsDraw();
    }

    /// <summary>The line under the picture (the cursor's time and packet, a filter error, "drawing…").</summary>
    public string Status
    {
        get => _status;
        set
        {
            _status = value;
            SetNeedsDraw();
        }
    }

    /// <summary>The plot-area column of <see cref="CursorTime"/> (picture coordinates), or -1.</summary>
    public int CursorColumn
    {
        get
        {
            if (CursorTime is not double x || Picture is not { } p) return -1;
            return p.Left + Math.Clamp((int)(p.Scale.XFraction(x) * p.PlotWidth), 0, p.PlotWidth - 1);
        }
    }

    private TextPlot? Render() =>
        _plot is null || Viewport.Width <= 0 ? null : TextPlot.Render(_plot, Viewport.Width, Math.Max(1, Viewport.Height - 1));

    protected override bool OnDrawingContent(DrawContext? context)
    {
        var normal = GetAttributeForRole(VisualRole.Normal);
        int width = Viewport.Width, height = Viewport.Height;
        for (int y = 0; y < height; y++)
        {
            Move(0, y);
            AddStr(new string(' ', width));
        }
        var picture = Picture;
        if (picture is null)
        {
            Move(1, 1);
            AddStr(_message);
        }
        else Draw(picture, normal, width, height);
        SetAttribute(normal);
        Move(0, height - 1);
        AddStr(_status.Length > width ? _status[..width] : _status);
        return true;
    }

    private void Draw(TextPlot picture, Attribute normal, int width, int height)
    {
        int cursor = CursorColumn;
        int axisRow = picture.Top + picture.PlotHeight;
        var marked = new Attribute(Color.Black, Color.BrightYellow);
        for (int row = 0; row < Math.Min(picture.Height, height - 1); row++)
        {
            for (int col = 0; col < Math.Min(picture.Width, width); col++)
            {
                char c = picture[col, row];
                int series = picture.SeriesAt(col, row);
                bool inPlot = row >= picture.Top && row < axisRow;
                if (col == cursor && inPlot)
                {
                    // A dotted line where the column is empty, so the cursor shows without colour too.
                    if (c == ' ') c = '┊';
                    SetAttribute(marked);
                }
                else if (col == cursor && row == axisRow)
                {
                    c = '▲';
                    SetAttribute(marked);
                }
                else SetAttribute(series > 0 ? new Attribute(Palette[(series - 1) % Palette.Length], normal.Background) : normal);
                AddRune(col, row, new System.Text.Rune(c));
            }
        }
    }
}
