using ProtoScope.Core.Graphs;
using ProtoScope.Tui.Connections;
using ProtoScope.Tui.Graphs;
using ProtoScope.Tui.Streams;

namespace ProtoScope.Tui;

/// <summary>One key and what it does: the key handler, the key bar, the help screen and view titles all read it.</summary>
/// <param name="Keys">The keys that run it; the key bar shows the first.</param>
/// <param name="Shown">The keys as the help screen writes them ("F (or w)").</param>
/// <param name="Help">What it does, in the help screen's words, after <paramref name="Shown"/>.</param>
/// <param name="Label">Its short name on the key bar or in a view's title; null when it is on neither.</param>
/// <param name="Group">The help screen's line it is listed on.</param>
/// <param name="Run">What it does; it gets the key pressed, for a command with two keys.</param>
public sealed record KeyCommand<T>(Key[] Keys, string Shown, string Help, string? Label, string Group, Action<T, Key> Run)
{
    /// <summary>
    /// Whether <paramref name="key"/> is one of <see cref="Keys"/>. A printable key is compared by its character,
    /// so '?' and '+' match however the terminal reports the Shift that typed them.
    /// </summary>
    public bool Matches(Key key)
    {
        foreach (var k in Keys)
            if (k.AsRune.Value != 0 ? key.AsRune == k.AsRune : key == k) return true;
        return false;
    }
}

/// <summary>
/// The keys of the main window and of the Connections view, each written once. Keys that belong to one view alone
/// and have no title to show them in (the Ladder's e, the packet list's End and G) stay with their view, and the
/// help screen describes them (<see cref="HelpText"/>).
/// </summary>
public static class KeyMap
{
    /// <summary>The main window's keys, in key bar order; the focused view's own keys are offered first.</summary>
    public static readonly IReadOnlyList<KeyCommand<MainWindow>> Main =
    [
        new([Key.Q, Key.Q.WithShift], "q", "quits", "Quit", "Quit", (w, _) => w.Quit()),
        new([new Key('/')], "/", "then a display filter and Enter; empty clears it; Esc leaves the bar", "Filter", "Filter", (w, _) => w.FilterField.SetFocus()),
        new([Key.D1], "1", "Packets", "Packets", "Views", (w, _) => w.Show(w.Packets)),
        new([Key.D2], "2", "Connections", "Conns", "Views", (w, _) => w.Show(w.Connections)),
        new([Key.D3], "3", "Ladder", null, "Views", (w, _) => w.Show(w.Ladder)),
        new([Key.D4], "4", "Frames", null, "Views", (w, _) => w.Show(w.Frames)),
        new([Key.D5], "5", "Follow", null, "Views", (w, _) => w.Show(w.Follow)),
        new([Key.D6], "6", "Expert: TCP analysis events by kind", "Expert", "Views", (w, _) => w.Show(w.Expert)),
        new([Key.D7], "7", "Graph (TCP)", null, "Views", (w, _) => w.Show(w.Graph)),
        new([Key.D8], "8", "I/O graph", null, "Views", (w, _) => w.Show(w.IoGraph)),
        new([Key.L], "l", "ladder", "Ladder", "Conversation", (w, _) => w.OpenSelected(w.Ladder)),
        new([Key.F], "f", "frames", "Frames", "Conversation", (w, _) => w.OpenSelected(w.Frames)),
        new([Key.F.WithShift, Key.W], "F (or w)", "follow", "Follow", "Conversation", (w, _) => w.OpenSelected(w.Follow)),
        new([Key.G], "g", "graphs (TCP)", null, "Conversation", (w, _) => w.OpenSelected(w.Graph)),
        new([Key.Space], "Space", "freezes a live capture's view (the capture goes on), stops a replay's clock, pauses a file still loading", "Pause", "Pause", (w, _) => w.TogglePause()),
        new([Key.N], "n", "next packet (in the Ladder: of its connection); on the newest, a paused replay lets one more through and a demo run with --step takes its next step", null, "Step", (w, _) => w.StepPacket(+1)),
        new([Key.B], "b", "back one packet", null, "Step", (w, _) => w.StepPacket(-1)),
        new([Key.I], "i", "shows or hides the lesson pane, which explains the selected packet", "Lesson", "Lesson", (w, _) => w.ToggleLesson()),
        new([new Key('[')], "[", "scrolls the lesson up", null, "Lesson", (w, _) => w.Lesson.Scroll(-3)),
        new([new Key(']')], "]", "scrolls it down", null, "Lesson", (w, _) => w.Lesson.Scroll(+3)),
        new([new Key('+')], "+", "faster", null, "Replay", (w, _) => w.ChangeSpeed(faster: true)),
        new([new Key('-')], "-", "slower", null, "Replay", (w, _) => w.ChangeSpeed(faster: false)),
        new([Key.S], "s", "stops a live capture or replay and saves the packets shown to a pcap file", "Save", "Save", (w, _) => w.Save()),
        new([new Key('?')], "?", "this screen", "Help", "Help", (w, _) => w.ShowHelp()),
        // Esc would close the whole program (Terminal.Gui's quit key); here it only goes back to the packet list.
        new([Key.Esc], "Esc", "back to the packet list", null, "Views", (w, _) => w.Show(w.Packets)),
    ];

    /// <summary>The Connections view's keys, offered before the main window's while it is shown.</summary>
    public static readonly IReadOnlyList<KeyCommand<ConnectionsView>> Connections =
    [
        new([new Key('<'), new Key('>')], "< >", "pick the sort column", "column", "Connections", (v, key) => v.MoveSortColumn(key.AsRune.Value == '>' ? 1 : -1)),
        new([Key.R], "r", "reverses", "reverse", "Connections", (v, _) => v.Reverse()),
        new([Key.Enter], "Enter", "opens its ladder (UDP: frames)", "ladder/frames", "Connections", (v, _) => v.OpenSelected()),
        new([Key.P], "p", "its packets", "packets", "Connections", (v, _) => v.ShowPackets()),
    ];

    /// <summary>The Frames view's keys, offered before the main window's while it is shown.</summary>
    public static readonly IReadOnlyList<KeyCommand<FramesView>> Frames =
    [
        new([Key.M], "m", $"next framing: {string.Join(", ", FramesView.Framings.Select(f => f.Name))}", "framing", "Frames", (v, _) => v.NextFraming()),
    ];

    /// <summary>The Graph view's keys, offered before the main window's while it shows a TCP connection.</summary>
    public static readonly IReadOnlyList<KeyCommand<TcpGraphView>> Graph =
    [
        new([Key.T, Key.T.WithShift], "t/T", $"next/previous graph: {string.Join(", ", Enum.GetValues<TcpGraphKind>().Select(k => k.Name()))}", "type", "Graph", (v, key) => v.NextKind(back: key.AsRune.Value == 'T')),
        new([Key.D], "d", "graphs the other direction's data", "direction", "Graph", (v, _) => v.SwapDirection()),
        new([new Key('+'), new Key('='), new Key('-')], "+ -", "zoom the time axis in and out around the cursor", "zoom", "Graph", (v, key) => v.Zoom(zoomIn: key.AsRune.Value != '-')),
        new([Key.CursorLeft, Key.CursorRight], "← →", "move the cursor a column", "cursor", "Graph", (v, key) => v.MoveCursor(key == Key.CursorLeft ? -1 : 1)),
        new([Key.Home, Key.End], "Home End", "to the first or last column", null, "Graph", (v, key) => v.MoveCursor(key == Key.Home ? -1 : 1, toEdge: true)),
        new([new Key('<'), new Key('>'), Key.CursorLeft.WithShift, Key.CursorRight.WithShift], "< > (or Shift+← →)", "pan a zoomed graph", "pan", "Graph", (v, key) => v.Pan(key.AsRune.Value == '<' || key == Key.CursorLeft.WithShift ? -1 : 1)),
        new([Key.D0], "0", "the whole connection again", null, "Graph", (v, _) => v.ResetZoom()),
        new([Key.Enter], "Enter", "goes to the packet of the mark nearest the cursor", "packet", "Graph", (v, _) => v.GoToPacket()),
    ];

    /// <summary>The I/O graph's keys, offered before the main window's while it is shown and its input row is closed.</summary>
    public static readonly IReadOnlyList<KeyCommand<IoGraphView>> IoGraph =
    [
        new([new Key('<'), new Key('>')], "< >", $"shorter or longer interval ({string.Join(", ", IoGraphView.Intervals.Select(i => Core.Graphs.IoGraph.Seconds(i) + " s"))})", "interval", "I/O graph", (v, key) => v.StepInterval(key.AsRune.Value == '<' ? -1 : 1)),
        new([Key.V], "v", "type an interval", null, "I/O graph", (v, _) => v.Ask(IoGraphView.Prompt.Interval)),
        new([Key.U], "u", "packets or bytes", "unit", "I/O graph", (v, _) => v.ToggleUnit()),
        new([Key.A], "a", "adds a line: its display filter", "add line", "I/O graph", (v, _) => v.Ask(IoGraphView.Prompt.AddLine)),
        new([Key.CursorUp, Key.CursorDown], "↑ ↓", "select a line", null, "I/O graph", (v, key) => v.SelectLine(key == Key.CursorUp ? -1 : 1)),
        new([Key.E], "e", "edits the selected line's filter", "edit", "I/O graph", (v, _) => v.Ask(IoGraphView.Prompt.EditLine)),
        new([Key.X, Key.Delete], "x (or Delete)", "removes it", "remove", "I/O graph", (v, _) => v.RemoveLine()),
    ];

    /// <summary>Runs the command of <paramref name="key"/> on <paramref name="target"/>; false when no command has that key.</summary>
    public static bool Run<T>(IReadOnlyList<KeyCommand<T>> map, T target, Key key)
    {
        foreach (var command in map)
        {
            if (!command.Matches(key)) continue;
            command.Run(target, key);
            return true;
        }
        return false;
    }

    /// <summary>The help screen's words for the commands of <paramref name="group"/>: "l ladder, f frames".</summary>
    public static string Describe<T>(IReadOnlyList<KeyCommand<T>> map, string group, string separator = ", ") =>
        string.Join(separator, map.Where(c => c.Group == group).Select(c => $"{c.Shown} {c.Help}"));

    /// <summary>Short names of the commands with a label, for a title: "r reverse  p packets".</summary>
    public static string Labels<T>(IReadOnlyList<KeyCommand<T>> map) =>
        string.Join("  ", map.Where(c => c.Label is not null).Select(c => $"{c.Shown} {c.Label}"));
}
