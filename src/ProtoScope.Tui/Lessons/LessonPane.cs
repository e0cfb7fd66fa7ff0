using System.Text;
using Terminal.Gui.Text;

namespace ProtoScope.Tui.Lessons;

/// <summary>
/// The lesson of the selected packet (<see cref="LessonText"/>), wrapped to the pane's width. Wrapping counts
/// terminal cells, not characters: a Chinese character takes two cells, so a line of them is cut at half the
/// characters, between any two of them (Chinese has no spaces), and English is cut at spaces. The first paragraph
/// (the packet's heading) is drawn highlighted. [ and ] scroll when the lesson is longer than the pane.
/// </summary>
public sealed class LessonPane : View
{
    private List<string> _paragraphs = [];
    private int _top;

    public LessonPane()
    {
        BorderStyle = LineStyle.Single;
    }

    public IReadOnlyList<string> Paragraphs => _paragraphs;

    public void SetParagraphs(List<string> paragraphs)
    {
        _paragraphs = paragraphs;
        _top = 0;
        SetNeedsDraw();
    }

    /// <summary>Scrolls by <paramref name="lines"/> (negative: up), within the lesson.</summary>
    public void Scroll(int lines)
    {
        int total = Lines(Math.Max(1, Viewport.Width)).Count;
        _top = Math.Clamp(_top + lines, 0, Math.Max(0, total - Viewport.Height));
        SetNeedsDraw();
    }

    /// <summary>The lesson as the pane draws it at <paramref name="width"/> cells: each line and whether it belongs to the heading.</summary>
    public List<(string Text, bool Heading)> Lines(int width)
    {
        var lines = new List<(string, bool)>();
        for (int p = 0; p < _paragraphs.Count; p++)
            foreach (var paragraph in _paragraphs[p].Split('\n'))
                foreach (var line in Wrap(paragraph, width)) lines.Add((line, p == 0));
        return lines;
    }

    /// <summary>Cuts <paramref name="text"/> into lines of at most <paramref name="width"/> terminal cells.</summary>
    public static List<string> Wrap(string text, int width)
    {
        var lines = new List<string>();
        var line = new StringBuilder();
        int cells = 0;
        // Where the line may be cut: after a space or after a wide character; -1 when nowhere yet.
        int cut = -1;
        foreach (var rune in text.EnumerateRunes())
        {
            bool space = rune.Value == ' ';
            if (space && line.Length == 0 && lines.Count > 0) continue;
            int w = Math.Max(0, rune.GetColumns());
            bool wide = w > 1;
            if (cells + w > width && line.Length > 0)
            {
                if (space || wide || cut < 0)
                {
                    lines.Add(line.ToString().TrimEnd());
                    line.Clear();
                }
                else
                {
                    lines.Add(line.ToString(0, cut).TrimEnd());
                    line.Remove(0, cut);
                }
                cells = line.ToString().GetColumns();
                cut = -1;
                if (space) continue;
            }
            line.Append(rune.ToString());
            cells += w;
            if (space || wide) cut = line.Length;
        }
        if (line.Length > 0 || lines.Count == 0) lines.Add(line.ToString().TrimEnd());
        return lines;
    }

    protected override bool OnDrawingContent(DrawContext? context)
    {
        var normal = GetAttributeForRole(VisualRole.Normal);
        var heading = new Attribute(Color.BrightYellow, normal.Background);
        var lines = Lines(Math.Max(1, Viewport.Width));
        _top = Math.Clamp(_top, 0, Math.Max(0, lines.Count - Viewport.Height));
        for (int y = 0; y < Viewport.Height; y++)
        {
            int i = _top + y;
            var (text, isHeading) = i < lines.Count ? lines[i] : ("", false);
            SetAttribute(isHeading ? heading : normal);
            Move(0, y);
            AddStr(text);
            int used = text.GetColumns();
            if (used < Viewport.Width) AddStr(new string(' ', Viewport.Width - used));
        }
        SetAttribute(normal);
        return true;
    }

    protected override bool OnMouseEvent(Mouse mouse)
    {
        if (!mouse.IsWheel) return false;
        Scroll(mouse.Flags.HasFlag(MouseFlags.WheeledDown) ? 3 : -3);
        return true;
    }
}
