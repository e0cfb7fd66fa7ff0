using ProtoScope.Core.Graphs;
using ProtoScope.Core.Session;
using ProtoScope.Tui.Graphs;
using ProtoScope.Tui.Packets;

namespace ProtoScope.Tui.Tests;

/// <summary>
/// The Graph view (7, g) and the I/O graph (8) on the lossy sample capture: what each graph draws on screen (title,
/// axis labels, legend, marks), marks in the columns the packets' times give, the keys that change the graph, and
/// Enter going to the packet under the cursor.
/// </summary>
public class GraphViewsTests
{
    private static string Lossy => Path.Combine(Repo.Captures, "lossy-transfer.pcap");

    private static bool IsBraille(char c) => c is >= '\u2800' and <= '\u28FF';

    /// <summary>Opens the lossy capture and the Graph view on its one TCP connection, with the graph drawn.</summary>
    private static (Screen Screen, TcpGraphView View) OpenGraph()
    {
        var screen = Screen.OpenPath(Lossy);
        screen.Window.SelectPacket(1);
        screen.Press(Key.G);
        var view = Assert.IsType<TcpGraphView>(screen.Window.Current);
        Drawn(screen, view);
        return (screen, view);
    }

    /// <summary>Waits for the replay to finish, then lets the tick show its plot.</summary>
    private static void Drawn(Screen screen, TcpGraphView view)
    {
        for (int i = 0; i < 10 && view.Building is { } building; i++)
        {
            Assert.True(building.Wait(TimeSpan.FromSeconds(30)), "the graph was not drawn");
            screen.Refresh();
        }
        Assert.Null(view.Building);
    }

    private static void Counted(Screen screen, IoGraphView view)
    {
        for (int i = 0; i < 10 && view.Building is { } building; i++)
        {
            Assert.True(building.Wait(TimeSpan.FromSeconds(30)), "the I/O graph was not counted");
            screen.Refresh();
        }
        Assert.Null(view.Building);
    }

    /// <summary>Where the picture's cell (0, 0) is on the screen: the line and column where the plot's title starts.</summary>
    private static (int Row, int Column) Origin(Screen screen, Plot plot)
    {
        var lines = screen.Lines;
        int row = Array.FindIndex(lines, l => l.Contains(plot.Title, StringComparison.Ordinal));
        Assert.True(row >= 0, $"the plot's title is not on screen:\n{screen.Text}");
        return (row, lines[row].IndexOf(plot.Title, StringComparison.Ordinal));
    }

    /// <summary>The screen columns of the plot area (picture coordinates) holding a braille mark.</summary>
    private static List<int> MarkedColumns(Screen screen, TextPlot picture, (int Row, int Column) origin)
    {
        var lines = screen.Lines;
        var columns = new List<int>();
        for (int col = picture.Left; col < picture.Left + picture.PlotWidth; col++)
            for (int row = picture.Top; row < picture.Top + picture.PlotHeight; row++)
            {
                string line = lines[origin.Row + row];
                if (origin.Column + col < line.Length && IsBraille(line[origin.Column + col]))
                {
                    columns.Add(col);
                    break;
                }
            }
        return columns;
    }

    [Fact]
    public void Each_tcp_graph_draws_its_title_axes_legend_and_marks()
    {
        var (screen, view) = OpenGraph();
        using var _ = screen;
        // The default: tcptrace, of the direction that sent the data (the originator here).
        Assert.Equal(TcpGraphKind.Tcptrace, view.Kind);
        Assert.Equal(Direction.Orig, view.Direction);
        var expected = new Dictionary<TcpGraphKind, (string YLabel, string[] Legend)>
        {
            [TcpGraphKind.Stevens] = ("relative sequence number", ["segment"]),
            [TcpGraphKind.Tcptrace] = ("relative sequence number", ["segment", "ACK", "receive window", "SACK", "R retransmission", "O out of order", "D duplicate ACK"]),
            [TcpGraphKind.Throughput] = ("bits/s", ["throughput (1 s average)", "goodput (1 s average)", "segment length"]),
            [TcpGraphKind.Rtt] = ("RTT (ms)", ["ACK RTT"]),
            [TcpGraphKind.Window] = ("bytes", ["bytes in flight", "receive window"]),
        };
        foreach (var kind in new[] { TcpGraphKind.Tcptrace, TcpGraphKind.Throughput, TcpGraphKind.Rtt, TcpGraphKind.Window, TcpGraphKind.Stevens })
        {
            Assert.Equal(kind, view.Kind);
            string text = screen.Text;
            Assert.Contains($"{kind.Title()}: connection 0, orig data", text);
            Assert.Contains($"Graph: {kind.Title()}", text);
            Assert.Contains(expected[kind].YLabel, text);
            foreach (string word in expected[kind].Legend) Assert.Contains(word, text);
            // x ticks of a 2.3 ms connection.
            Assert.Contains("0.0010", text);
            Assert.Contains(text, IsBraille);
            Assert.Contains("cursor 0.0", text);
            screen.Press(Key.T);
            Drawn(screen, view);
        }
        Assert.Equal(TcpGraphKind.Tcptrace, view.Kind);
        // The x axis' label, where the tick labels leave it room (TextPlot drops it when they fill the row).
        Assert.Contains("time (s)", screen.Text);
        // The event letters of tcptrace in the plot area, not only in the legend.
        var picture = view.Canvas.Picture!;
        var origin = Origin(screen, view.Plot!);
        var plotRows = screen.Lines.Skip(origin.Row + picture.Top).Take(picture.PlotHeight);
        Assert.Contains(plotRows, l => l.Contains('R') && l.Contains('D'));
    }

    [Fact]
    public void The_stevens_marks_run_from_the_first_segments_column_to_the_last_ones()
    {
        var (screen, view) = OpenGraph();
        using var _ = screen;
        screen.Press(Key.T.WithShift);
        Drawn(screen, view);
        Assert.Equal(TcpGraphKind.Stevens, view.Kind);

        // The originator's packets, from the table: Stevens marks each one at its time.
        var table = screen.Model.Table;
        var times = Enumerable.Range(0, table.Count)
            .Where(row => table.ChunkOf(row, out int i).Direction(i) == Direction.Orig)
            .Select(row => (table.Header(row).Timestamp - table.FirstTimestamp) / 1e9)
            .ToList();
        var picture = view.Canvas.Picture!;
        int ColumnOf(double t) => picture.Left + Math.Min((int)(picture.Scale.XFraction(t) * picture.PlotWidth * 2), picture.PlotWidth * 2 - 1) / 2;

        var marked = MarkedColumns(screen, picture, Origin(screen, view.Plot!));
        Assert.Equal(ColumnOf(times[0]), marked[0]);
        Assert.Equal(ColumnOf(times[^1]), marked[^1]);
        Assert.Equal(picture.Left, marked[0]);
        Assert.Equal(picture.Left + picture.PlotWidth - 1, marked[^1]);
    }

    [Fact]
    public void D_swaps_the_direction_and_zoom_changes_the_time_axis()
    {
        var (screen, view) = OpenGraph();
        using var _ = screen;
        screen.Press(Key.D);
        Drawn(screen, view);
        Assert.Equal(Direction.Resp, view.Direction);
        Assert.Contains("Sequence numbers (tcptrace): connection 0, resp data", screen.Text);
        screen.Press(Key.D);
        Drawn(screen, view);
        Assert.Contains("connection 0, orig data", screen.Text);

        var picture = view.Canvas.Picture!;
        var origin = Origin(screen, view.Plot!);
        string TickLine() => screen.Lines[origin.Row + picture.Top + picture.PlotHeight + 1];
        string whole = TickLine();
        var (first, last) = (view.Plot!.XFrom, view.Plot.XTo);
        double width = last - first;
        screen.Press(Key.End);
        screen.Type("+");
        Drawn(screen, view);
        Assert.NotEqual(whole, TickLine());
        Assert.Contains("zoomed to", screen.Text);
        Assert.Contains(screen.Text, IsBraille);
        Assert.Equal(width / 2, view.Plot!.XTo - view.Plot.XFrom, 1e-9);
        // Zoomed around the cursor, which is in the last column: the range ends within a column of the connection's end.
        Assert.InRange(view.Plot.XTo, last - width / picture.PlotWidth, last + 1e-9);

        double from = view.Plot.XFrom;
        screen.Type("<");
        Drawn(screen, view);
        Assert.Equal(width / 2, view.Plot!.XTo - view.Plot.XFrom, 1e-9);
        Assert.Equal(from - width / 2 / 4, view.Plot.XFrom, 1e-9);
        screen.Press(Key.D0);
        Drawn(screen, view);
        Assert.Equal(whole, TickLine());
        Assert.DoesNotContain("zoomed to", screen.Text);
    }

    [Fact]
    public void Enter_goes_to_the_packet_of_the_mark_under_the_cursor()
    {
        var (screen, view) = OpenGraph();
        using var _ = screen;
        screen.Press(Key.T.WithShift);
        Drawn(screen, view);
        var table = screen.Model.Table;
        var picture = view.Canvas.Picture!;

        screen.Press(Key.End);
        double x = picture.XAt(picture.Left + picture.PlotWidth - 1);
        long frame = view.Plot!.FrameNear(x);
        Assert.Contains($"packet {frame} (Enter goes to it)", screen.Text);
        // A packet of the originator from the last column's time (the last bucket's first packet).
        var row = (int)frame - 1;
        Assert.Equal(Direction.Orig, table.ChunkOf(row, out int i).Direction(i));
        double t = (table.Header(row).Timestamp - table.FirstTimestamp) / 1e9;
        double column = (picture.Scale.XTo - picture.Scale.XFrom) / picture.PlotWidth;
        Assert.InRange(t, x - column, picture.Scale.XTo);

        screen.Press(Key.Enter);
        Assert.IsType<PacketsView>(screen.Window.Current);
        Assert.Equal(row, screen.Window.Packets.SelectedRow);

        // Home: the first column, the handshake's SYN.
        screen.Press(Key.D7);
        screen.Press(Key.Home);
        screen.Press(Key.Enter);
        Assert.Equal(0, screen.Window.Packets.SelectedRow);
    }

    [Fact]
    public void The_help_screen_lists_the_graph_keys()
    {
        Assert.Contains("7 Graph (TCP)   8 I/O graph", HelpText.Text);
        Assert.Contains("g graphs (TCP)", HelpText.Text);
        Assert.Contains("t/T next/previous graph: tseq, tcptrace, throughput, rtt, window", HelpText.Text);
        Assert.Contains("Enter goes to the packet of the mark nearest the cursor", HelpText.Text);
        Assert.Contains("< > shorter or longer interval (0.001 s, 0.01 s, 0.1 s, 1 s, 10 s, 60 s, 600 s)", HelpText.Text);
        // The graphs' many keys are wrapped onto lines that fit the help dialog.
        var lines = HelpText.Text.Split('\n');
        int first = Array.FindIndex(lines, l => l.StartsWith("Graph ", StringComparison.Ordinal));
        int last = Array.FindIndex(lines, l => l.StartsWith("Ladder ", StringComparison.Ordinal));
        Assert.True(last - first > 3);
        Assert.All(lines[first..last], line => Assert.True(line.Length <= 110, line));
    }

    [Fact]
    public void A_udp_conversation_has_no_tcp_graphs()
    {
        using var screen = Screen.OpenPath(Path.Combine(Repo.Captures, "udp.pcap"));
        screen.Window.SelectPacket(1);
        screen.Press(Key.G);
        Assert.IsType<TcpGraphView>(screen.Window.Current);
        Assert.Contains("The graphs are for TCP connections", screen.Text);
    }

    [Fact]
    public void The_io_graph_counts_lines_per_filter_and_its_interval_and_unit_change()
    {
        using var screen = Screen.OpenPath(Lossy);
        screen.Press(Key.D8);
        var view = Assert.IsType<IoGraphView>(screen.Window.Current);
        Counted(screen, view);
        Assert.Contains("I/O graph: lossy-transfer.pcap, packets per 1 s", screen.Text);
        Assert.Contains("⠤ all packets", screen.Text);

        // Down to 10 ms, then 1 ms: the capture lasts 2.3 ms.
        screen.Type("<<");
        Counted(screen, view);
        Assert.Contains("packets per 0.01 s", screen.Text);
        screen.Type("<");
        Counted(screen, view);
        Assert.Equal(1_000, view.Interval);
        Assert.Contains("packets per 0.001 s", screen.Text);
        Assert.Contains(screen.Text, IsBraille);

        // A second line; the filter's letters are typed into the input row, not taken as the window's keys (s saves).
        screen.Type("a");
        screen.Type("tcp.analysis.retransmission");
        screen.Press(Key.Enter);
        Counted(screen, view);
        Assert.Equal(["all packets", "tcp.analysis.retransmission"], view.LineNames);
        Assert.Contains("⠤ all packets   ⠤ tcp.analysis.retransmission", screen.Text);
        var retransmissions = view.Plot!.Series[1];
        Assert.Equal(Tshark.Frames(Lossy, "tcp.analysis.retransmission").Count, retransmissions.EachMark().Sum(m => (long)m.High));

        // A filter that does not parse: its error, and nothing else changes.
        screen.Type("e");
        Assert.Contains("Line 2's display filter", screen.Text);
        screen.Press(Key.End);
        screen.Type(" ==");
        screen.Press(Key.Enter);
        Assert.Contains("bad filter:", screen.Text);
        Assert.Equal(["all packets", "tcp.analysis.retransmission"], view.LineNames);
        screen.Press(Key.Esc);
        Assert.IsType<IoGraphView>(screen.Window.Current);

        // Typed interval, and bytes.
        screen.Type("v");
        screen.Press(Key.End);
        screen.Press(Key.Backspace);
        screen.Press(Key.Backspace);
        screen.Press(Key.Backspace);
        screen.Press(Key.Backspace);
        screen.Press(Key.Backspace);
        screen.Type("0.0005");
        screen.Press(Key.Enter);
        Assert.Contains("interval 0.0005 s is out of range", screen.Text);
        Assert.Equal(1_000, view.Interval);
        screen.Press(Key.Esc);
        screen.Type("u");
        Counted(screen, view);
        Assert.Contains("bytes per 0.001 s", screen.Text);

        // x removes the selected line (the one added).
        screen.Type("x");
        Counted(screen, view);
        Assert.Equal(["all packets"], view.LineNames);
        Assert.DoesNotContain("tcp.analysis.retransmission", screen.Text);
    }

    /// <summary>The real program in tmux: g on the selected packet's connection draws the tcptrace graph in braille; d swaps the direction.</summary>
    [Fact]
    public void The_tcptrace_graph_shows_in_tmux_and_d_swaps_its_direction()
    {
        using var terminal = new RealTerminal();
        terminal.OpenCapture(Lossy);
        terminal.Keys("g");
        string graph = terminal.WaitForScreen(s => s.Contains("Sequence numbers (tcptrace): connection 0, orig data") && s.Contains("cursor "), TimeSpan.FromSeconds(20));
        Assert.Contains(graph, IsBraille);
        Assert.Contains("R retransmission", graph);

        terminal.Keys("d");
        graph = terminal.WaitForScreen(s => s.Contains("Sequence numbers (tcptrace): connection 0, resp data") && s.Contains("cursor "), TimeSpan.FromSeconds(20));
        Assert.Contains(graph, IsBraille);

        // The screen may be cleared a moment before the terminal leaves the alternate screen: wait for both.
        terminal.Keys("q");
        terminal.WaitForScreen(s => !s.Contains("Sequence numbers") && !terminal.AlternateScreen, TimeSpan.FromSeconds(20));
    }
}
