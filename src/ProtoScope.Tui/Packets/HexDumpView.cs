using System.Text;

namespace ProtoScope.Tui.Packets;

/// <summary>
/// The captured bytes of the selected packet, 16 a line, offset, hex and printable ASCII (tcpdump -XX's layout),
/// with the bytes of the field selected in the detail tree highlighted in both halves. Terminal.Gui's HexView
/// edits a stream and has no notion of a highlighted range, hence this small view.
/// </summary>
public sealed class HexDumpView : View
{
    private const int PerLine = 16;
    private byte[] _bytes = [];
    private int _top;

    public HexDumpView()
    {
        CanFocus = true;
    }

    public int HighlightOffset { get; private set; }
    public int HighlightLength { get; private set; }

    public void SetBytes(ReadOnlySpan<byte> bytes)
    {
        _bytes = bytes.ToArray();
        _top = 0;
        HighlightOffset = HighlightLength = 0;
        SetNeedsDraw();
    }

    /// <summary>Highlights [offset, offset + length) and scrolls it into view.</summary>
    public void Highlight(int offset, int length)
    {
        HighlightOffset = Math.Clamp(offset, 0, _bytes.Length);
        HighlightLength = Math.Clamp(length, 0, _bytes.Length - HighlightOffset);
        int line = HighlightOffset / PerLine;
        int height = Math.Max(1, Viewport.Height);
        if (line < _top || line >= _top + height) _top = Math.Max(0, line - 1);
        SetNeedsDraw();
    }

    /// <summary>The dump as text lines (what the view draws, without colours).</summary>
    public IEnumerable<string> Lines()
    {
        for (int line = 0; line * PerLine < _bytes.Length; line++)
            yield return FormatLine(line);
    }

    private string FormatLine(int line)
    {
        int start = line * PerLine;
        int count = Math.Min(PerLine, _bytes.Length - start);
        var sb = new StringBuilder(80);
        sb.Append(start.ToString("x4")).Append("  ");
        for (int i = 0; i < PerLine; i++)
        {
            sb.Append(i < count ? _bytes[start + i].ToString("x2") : "  ");
            sb.Append(i == 7 ? "  " : " ");
        }
        sb.Append(' ');
        for (int i = 0; i < count; i++)
        {
            byte b = _bytes[start + i];
            sb.Append(b is >= 0x20 and < 0x7f ? (char)b : '.');
        }
        return sb.ToString();
    }

    /// <summary>Column of byte <paramref name="i"/> (0..15) of a line in the hex half and in the ASCII half.</summary>
    private static (int Hex, int Ascii) ColumnsOf(int i) => (6 + i * 3 + (i >= 8 ? 1 : 0), 6 + PerLine * 3 + 2 + i);

    protected override bool OnDrawingContent(DrawContext? context)
    {
        var normal = GetAttributeForRole(HasFocus ? VisualRole.Focus : VisualRole.Normal);
        var normalText = GetAttributeForRole(VisualRole.Normal);
        var mark = new Attribute(Color.Black, Color.BrightYellow);
        for (int y = 0; y < Viewport.Height; y++)
        {
            int line = _top + y;
            SetAttribute(normalText);
            Move(0, y);
            string text = line * PerLine < _bytes.Length ? FormatLine(line) : "";
            AddStr(text.PadRight(Viewport.Width));
            int start = line * PerLine;
            for (int i = 0; i < PerLine && start + i < _bytes.Length; i++)
            {
                int at = start + i;
                if (at < HighlightOffset || at >= HighlightOffset + HighlightLength) continue;
                var (hex, ascii) = ColumnsOf(i);
                SetAttribute(mark);
                Move(hex, y);
                AddStr(_bytes[at].ToString("x2"));
                if (ascii < Viewport.Width)
                {
                    Move(ascii, y);
                    byte b = _bytes[at];
                    AddStr(((char)(b is >= 0x20 and < 0x7f ? b : (byte)'.')).ToString());
                }
            }
        }
        SetAttribute(normal);
        return true;
    }

    protected override bool OnKeyDown(Key key)
    {
        int lines = (_bytes.Length + PerLine - 1) / PerLine;
        int page = Math.Max(1, Viewport.Height - 1);
        int top = _top;
        if (key == Key.CursorDown) top++;
        else if (key == Key.CursorUp) top--;
        else if (key == Key.PageDown) top += page;
        else if (key == Key.PageUp) top -= page;
        else return false;
        _top = Math.Clamp(top, 0, Math.Max(0, lines - 1));
        SetNeedsDraw();
        return true;
    }

    protected override bool OnMouseEvent(Mouse mouse)
    {
        if (!mouse.IsWheel) return false;
        int lines = (_bytes.Length + PerLine - 1) / PerLine;
        _top = Math.Clamp(_top + (mouse.Flags.HasFlag(MouseFlags.WheeledDown) ? 3 : -3), 0, Math.Max(0, lines - 1));
        SetNeedsDraw();
        return true;
    }
}
