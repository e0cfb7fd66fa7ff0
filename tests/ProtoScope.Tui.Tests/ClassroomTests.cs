using ProtoScope.Capture;
using ProtoScope.Tui.Lessons;
using ProtoScope.Tui.Streams;

namespace ProtoScope.Tui.Tests;

/// <summary>
/// Classroom mode headlessly: stepping back and forth keeps the packet list, the ladder's cursor and the lesson on
/// the same packet, and an 80×24 screen with the lesson pane still shows each row's role text and ports.
/// </summary>
public class ClassroomTests
{
    private static string Handshake => Path.Combine(Repo.Captures, "handshake.pcap");

    private static Screen Open(string path, int width = 140, int height = 40, string language = "en")
    {
        var model = new CaptureModel(CaptureFile.Open(path), CaptureKind.File);
        model.Start();
        Assert.True(model.WaitUntilRead(TimeSpan.FromSeconds(30)), "the capture did not finish loading");
        return new Screen(model, width, height, LessonBook.Load(language));
    }

    /// <summary>The frame the lesson pane explains, from its heading ("#3 handshake 3/3 ...").</summary>
    private static long LessonFrame(Screen screen)
    {
        string heading = screen.Window.Lesson.Paragraphs[0];
        Assert.StartsWith("#", heading);
        return long.Parse(heading[1..heading.IndexOf(' ')]);
    }

    [Fact]
    public void Stepping_back_and_forth_keeps_the_list_the_ladder_and_the_lesson_on_one_packet()
    {
        using var screen = Open(Handshake);
        screen.Type("i");
        Assert.True(screen.Window.LessonShown);
        Assert.False(screen.Window.Packets.Details.Visible);
        Assert.Equal(1, LessonFrame(screen));
        screen.Type("l");
        var ladder = Assert.IsType<LadderView>(screen.Window.Current);
        Assert.Equal(1, ladder.Highlighted);

        // Forth to the end of the connection, then back to its start, in the ladder.
        int count = screen.Model.Table.Count;
        for (long frame = 2; frame <= count; frame++)
        {
            screen.Type("n");
            Assert.Equal(frame, screen.Window.Packets.SelectedRow + 1);
            Assert.Equal(frame, ladder.Highlighted);
            Assert.Equal(frame, LessonFrame(screen));
            Assert.Equal(frame, ladder.Lines.Selected!.Value.Frame);
        }
        screen.Type("n");
        Assert.Equal(count, ladder.Highlighted);
        for (long frame = count - 1; frame >= 1; frame--)
        {
            screen.Type("b");
            Assert.Equal(frame, screen.Window.Packets.SelectedRow + 1);
            Assert.Equal(frame, ladder.Highlighted);
            Assert.Equal(frame, LessonFrame(screen));
        }
        Assert.Contains("SYN-SENT", screen.Text);

        // The same in the packet list; the ladder, not in front, follows all the same.
        screen.Type("1");
        screen.Type("nnn");
        Assert.Equal(4, screen.Window.Packets.SelectedRow + 1);
        Assert.Equal(4, LessonFrame(screen));
        Assert.Equal(4, ladder.Highlighted);
        screen.Type("b");
        Assert.Equal(3, LessonFrame(screen));
        Assert.Equal(3, ladder.Highlighted);

        // Moving the ladder's own cursor selects its packet.
        screen.Type("3");
        screen.Press(Key.CursorDown);
        screen.Press(Key.CursorDown);
        Assert.Equal(ladder.Highlighted, screen.Window.Packets.SelectedRow + 1);
        Assert.Equal(ladder.Highlighted, LessonFrame(screen));
        Assert.NotEqual(3, ladder.Highlighted);

        screen.Type("i");
        Assert.False(screen.Window.LessonShown);
        Assert.DoesNotContain("Lesson (", screen.Text);
    }

    [Theory]
    [InlineData("en")]
    [InlineData("zh")]
    public void At_80_by_24_the_rows_keep_their_role_text_and_ports(string language)
    {
        using var screen = Open(Handshake, 80, 24, language);
        screen.Type("i");
        string text = screen.Text;
        var lines = screen.Lines;
        Assert.Contains(lines, l => l.Contains("127.0.0.1:33730 127.0.0.1:9000") && l.Contains(" → handshake 1/3 (SYN)"));
        Assert.Contains(lines, l => l.Contains("127.0.0.1:9000  127.0.0.1:33730") && l.Contains(" ← handshake 2/3 (SYN-ACK)"));
        Assert.Contains("No.", text);
        Assert.Equal(["", "No.", "Source", "Destination", "⇄", "Info"], screen.Window.Packets.ShownColumns());
        Assert.Contains("#1 handshake 1/3 (SYN): 127.0.0.1:33730 → 127.0.0.1:9000", text);
        Assert.All(lines.Where(l => l.Length > 0), l => Assert.True(l.Length <= 80, l));

        // Wide enough, every column is back.
        using var wide = Open(Handshake, 160, 40, language);
        Assert.Equal(10, wide.Window.Packets.ShownColumns().Count());
        Assert.Contains(wide.Lines, l => l.Contains("handshake 2/3 (SYN-ACK) seq=0 ack=1 len=0"));
    }

    [Fact]
    public void The_connections_view_shows_open_close_state_and_history_as_conns_does()
    {
        using var screen = Open(Handshake);
        screen.Type("2");
        Assert.Contains(screen.Lines, l => l.Contains("three-way") && l.Contains("four-way") && l.Contains("SF") && l.Contains("ShADadFf"));
    }

    [Fact]
    public void While_packets_arrive_the_ladder_grows_and_its_cursor_stays_on_the_newest_packet()
    {
        // A paused replay lets packets in one at a time, as a slow demo's capture does.
        var model = new CaptureModel(CaptureFile.Open(Handshake), CaptureKind.Replay);
        model.Pause();
        model.Start();
        using var screen = new Screen(model);
        Arrive(screen, 1);
        screen.Type("l");
        var ladder = Assert.IsType<LadderView>(screen.Window.Current);
        for (int frame = 2; frame <= 6; frame++)
        {
            Arrive(screen, frame);
            Assert.Equal(frame, screen.Window.Packets.SelectedRow + 1);
            Assert.Equal(frame, ladder.Highlighted);
            Assert.Equal(frame, ladder.Lines.Selected!.Value.Frame);
        }
        Assert.Contains("6 packets", screen.Text);

        // n on the newest arrow lets the next packet in and moves to it.
        screen.Type("n");
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (model.Table.Count < 7 && DateTime.UtcNow < deadline) Thread.Sleep(10);
        screen.Refresh();
        Assert.Equal(7, ladder.Highlighted);
        Assert.Equal(7, screen.Window.Packets.SelectedRow + 1);
    }

    [Fact]
    public void A_packet_the_list_selects_before_the_ladder_has_read_it_gets_the_ladder_cursor_when_it_arrives()
    {
        // The list and the ladder read the table at different moments: the list can select packet 7 while the
        // ladder still draws six arrows. This is that interleaving, made deterministic.
        var model = new CaptureModel(CaptureFile.Open(Handshake), CaptureKind.Replay);
        model.Pause();
        model.Start();
        using var screen = new Screen(model);
        for (int frame = 1; frame <= 6; frame++) Arrive(screen, frame);
        screen.Type("l");
        var ladder = Assert.IsType<LadderView>(screen.Window.Current);
        Assert.Equal(6, ladder.Highlighted);

        Assert.False(ladder.Highlight(7));
        Assert.True(model.Step());
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (model.Table.Count < 7 && DateTime.UtcNow < deadline) Thread.Sleep(10);
        ladder.Tick();
        Assert.Equal(7, ladder.Highlighted);
        Assert.Equal(7, ladder.Lines.Selected!.Value.Frame);
    }

    private static void Arrive(Screen screen, int count)
    {
        Assert.True(screen.Model.Step());
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (screen.Model.Table.Count < count && DateTime.UtcNow < deadline) Thread.Sleep(10);
        Assert.Equal(count, screen.Model.Table.Count);
        screen.Refresh();
    }

    [Fact]
    public void The_start_screen_offers_the_real_demos()
    {
        using var app = Application.Create(new VirtualTimeProvider()).Init(DriverRegistry.Names.ANSI);
        app.Driver!.SetScreenSize(120, 30);
        using var start = new StartScreen(app, null, [new DemoChoice("handshake", "connect, talk, close"), new DemoChoice("udp", "datagrams")]);
        app.Begin(start);
        app.LayoutAndDraw(true);
        string text = app.Driver.ToString()!;
        Assert.Contains("Demo handshake: connect, talk, close", text);
        Assert.Contains("Demo udp: datagrams", text);
        Assert.DoesNotContain("replayed", text);
    }

    [Theory]
    [InlineData("sticky.pcap", 4, "10 messages share this segment: sticky packets.", "Message #1 (13 bytes) is whole in this segment.")]
    [InlineData("split.pcap", 4, "Message #1 (200000 bytes) starts here", "up to packet 15: split")]
    public void A_data_packet_s_lesson_says_which_messages_its_bytes_belong_to(string capture, int frame, string says, string andSays)
    {
        using var screen = Open(Path.Combine(Repo.Captures, capture));
        screen.Type("i");
        for (int i = 1; i < frame; i++) screen.Type("n");
        Assert.Equal(frame, LessonFrame(screen));
        // The messages are framed on a worker; the lesson is written again when they are.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!string.Join(" ", screen.Window.Lesson.Paragraphs).Contains(says) && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(20);
            screen.Refresh();
        }
        string lesson = string.Join(" ", screen.Window.Lesson.Paragraphs);
        Assert.Contains(says, lesson);
        Assert.Contains(andSays, lesson);
    }
}
