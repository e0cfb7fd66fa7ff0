using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ProtoScope.Capture;
using ProtoScope.Cli;
using ProtoScope.Core.Decoding;
using ProtoScope.Core.Session;
using ProtoScope.Tui.Packets;
using ProtoScope.Tui.Streams;

namespace ProtoScope.Tui.Tests;

/// <summary>
/// The Ladder, Frames and Follow views on real captures: the ladder against <c>protoscope ladder</c> and tshark,
/// the frames against <c>protoscope frames</c> and what scripts/record-loopback.sh sent, the follow text against
/// what was sent, and the framing.error filter on a capture this test writes.
/// </summary>
public class StreamViewsTests
{
    /// <summary>The frames record-loopback.sh sent on the TCP connection, in order; the server echoed each one.</summary>
    private static readonly byte[][] Sent =
    [
        "hello"u8.ToArray(), Encoding.UTF8.GetBytes("你好，世界"), [], "sticky-1"u8.ToArray(), "sticky-2"u8.ToArray(), "sticky-3"u8.ToArray(),
        Enumerable.Repeat(Enumerable.Range(0, 256).Select(i => (byte)i), 300).SelectMany(b => b).ToArray(),
    ];

    private static string Cli(params string[] args)
    {
        using var stdout = new MemoryStream();
        var stderr = new StringWriter();
        int code = ProtoScopeCli.Run(args, stdout, stderr);
        Assert.True(code == 0, $"protoscope {string.Join(' ', args)}: {stderr}");
        return Encoding.UTF8.GetString(stdout.ToArray());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_ladder_of_a_connection_is_what_protoscope_ladder_draws(bool expand)
    {
        using var screen = Screen.OpenPath(Repo.LoopbackEcho);
        screen.Type("2");
        screen.Press(Key.Enter);
        var ladder = Assert.IsType<LadderView>(screen.Window.Current);
        if (expand) screen.Type("e");
        var expected = Cli([.. new[] { "ladder", Repo.LoopbackEcho, "--conn", "0", "--color", "never" }, .. expand ? new[] { "--expand" } : []])
            .TrimEnd('\n').Split('\n');
        Assert.Equal(expected, ladder.Lines.Lines.Select(l => l.Text));
        Assert.True(screen.Text.Contains("TCP connection 0: 127.0.0.1:"), screen.Text);
    }

    [Fact]
    public void The_expanded_ladder_draws_every_packet_tshark_reads_with_the_states_of_a_handshake_and_a_teardown()
    {
        using var screen = Screen.OpenPath(Repo.LoopbackEcho);
        screen.Type("l");
        var ladder = Assert.IsType<LadderView>(screen.Window.Current);
        screen.Type("e");
        var packets = Tshark.Fields(Repo.LoopbackEcho, "tcp.stream == 0", "frame.number", "tcp.srcport", "tcp.seq", "tcp.ack", "tcp.len", "tcp.flags.syn", "tcp.flags.fin");
        var lines = ladder.Lines.Lines;
        string clientPort = packets[0][1];
        foreach (var p in packets)
        {
            long frame = long.Parse(p[0]);
            // Each packet: its role line, then its arrow.
            var mine = lines.Where(l => l.Frame == frame).ToList();
            Assert.Equal(2, mine.Count);
            string arrow = mine[1].Text;
            Assert.Matches($@"(seq {p[2]}\b|\] {p[2]}\b)", arrow);
            if (p[3] != "0" || arrow.Contains("ack")) Assert.Matches($@"(ack {p[3]}\b|/{p[3]}\b)", arrow);
            if (p[4] != "0") Assert.Matches($@"(len {p[4]}\b|\+{p[4]}\b)", arrow);
            // The originator's lifeline is on the left: its packets point right.
            Assert.Equal(p[1] == clientPort, arrow.Contains("->"));
            Assert.Equal(p[1] != clientPort, arrow.Contains("<-"));
        }
        // The first three arrows are the three-way handshake.
        var arrows = lines.Where(l => l.Frame > 0).Where((_, i) => i % 2 == 1).ToList();
        Assert.Contains("[S]", arrows[0].Text);
        Assert.Contains("[S.]", arrows[1].Text);
        Assert.Contains("[.]", arrows[2].Text);
        Assert.Contains("ESTABLISHED", arrows[1].Text + arrows[2].Text);
        // The client closes first (c.close() after the last echo): RFC 9293's active close on the left.
        string all = string.Join('\n', lines.Select(l => l.Text));
        int Index(string state) => all.IndexOf(state, StringComparison.Ordinal);
        Assert.True(Index("SYN-SENT") < Index("ESTABLISHED") && Index("ESTABLISHED") < Index("FIN-WAIT-1"));
        Assert.True(Index("FIN-WAIT-1") < Index("CLOSE-WAIT") || Index("CLOSE-WAIT") < Index("LAST-ACK"));
        Assert.True(Index("LAST-ACK") < Index("TIME-WAIT") || Index("TIME-WAIT") > 0);
        Assert.Equal(2, packets.Count(p => p[6] is "1" or "True"));
    }

    [Fact]
    public void Enter_on_an_arrow_selects_its_packet_in_the_packet_list()
    {
        using var screen = Screen.OpenPath(Repo.LoopbackEcho);
        screen.Type("l");
        var ladder = Assert.IsType<LadderView>(screen.Window.Current);
        var third = Tshark.Fields(Repo.LoopbackEcho, "tcp.stream == 0", "frame.number")[2];
        long frame = long.Parse(third[0]);
        int line = ladder.Lines.Lines.ToList().FindIndex(l => l.Frame == frame);
        while (ladder.Lines.SelectedIndex < line) screen.Press(Key.CursorDown);
        screen.Press(Key.Enter);
        Assert.IsType<PacketsView>(screen.Window.Current);
        Assert.Equal(frame - 1, screen.Window.Packets.SelectedRow);
        Assert.Contains($"Frame {frame}:", screen.Text);
    }

    [Fact]
    public void The_ladder_grows_as_a_replay_delivers_packets()
    {
        var model = new CaptureModel(ProtoScope.Capture.CaptureFile.Open(Repo.LoopbackEcho), CaptureKind.Replay, speed: 0);
        model.Pause();
        model.Start();
        void StepTo(int packets)
        {
            for (int n = model.Table.Count; n < packets; n++) model.Step();
            Assert.True(SpinWait.SpinUntil(() => model.Table.Count >= packets, TimeSpan.FromSeconds(10)));
        }
        StepTo(1);
        using var screen = new Screen(model);
        screen.Type("l");
        var ladder = Assert.IsType<LadderView>(screen.Window.Current);
        Assert.Single(ladder.Lines.Lines, l => l.Frame > 0 && l.Text.Contains("[S]"));
        Assert.DoesNotContain(ladder.Lines.Lines, l => l.Text.Contains("[S.]"));

        StepTo(3);
        screen.Refresh();
        var arrows = ladder.Lines.Lines.Where(l => l.Frame > 0).Where((_, i) => i % 2 == 1).Select(l => l.Text).ToList();
        Assert.Equal(3, arrows.Count);
        Assert.Contains("[S.]", arrows[1]);
        Assert.Contains("ESTABLISHED", string.Join('\n', arrows));
        Assert.Contains("[S.]", screen.Text);
    }

    private static readonly Regex FrameLine = new(
        @"^[ !] (?<dir>orig|resp) . (?<kind>frame|datagram)\s+(?<index>\d+)\s+(@(?<offset>\d+))?\s+(?<length>\d+)\s+(?<first>\d+)(-(?<last>\d+))?\s+(?<segs>\d+)\s+(?<how>(sticky ?)?(split)?)");

    [Fact]
    public void The_frames_view_lists_the_frames_protoscope_frames_reports_and_record_loopback_sent()
    {
        using var screen = Screen.OpenPath(Repo.LoopbackEcho);
        screen.Type("f");
        var view = Assert.IsType<FramesView>(screen.Window.Current);
        var rows = view.Lines.Lines.Select(l => (Line: l, Match: FrameLine.Match(l.Text))).Where(r => r.Match.Success).ToList();

        var cli = Cli("frames", Repo.LoopbackEcho, "--conn", "0", "--format", "jsonl").Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement).Where(e => e.GetProperty("proto").GetString() == "tcp" && e.TryGetProperty("index", out _)).ToList();
        Assert.Equal(cli.Count, rows.Count);
        foreach (var (e, (line, m)) in cli.Zip(rows))
        {
            Assert.Equal(e.GetProperty("dir").GetString(), m.Groups["dir"].Value);
            Assert.Equal(e.GetProperty("index").GetInt64(), long.Parse(m.Groups["index"].Value));
            Assert.Equal(e.GetProperty("offset").GetInt64(), long.Parse(m.Groups["offset"].Value));
            Assert.Equal(e.GetProperty("length").GetInt64(), long.Parse(m.Groups["length"].Value));
            Assert.Equal(e.GetProperty("first_frame").GetInt64(), long.Parse(m.Groups["first"].Value));
            Assert.Equal(e.GetProperty("last_frame").GetInt64(), m.Groups["last"].Success ? long.Parse(m.Groups["last"].Value) : line.Frame);
            Assert.Equal(e.GetProperty("segments").GetInt32(), int.Parse(m.Groups["segs"].Value));
            Assert.Equal(e.GetProperty("sticky").GetBoolean(), m.Groups["how"].Value.Contains("sticky"));
            Assert.Equal(e.GetProperty("first_frame").GetInt64(), line.Frame);
        }

        // What was sent: each frame once each way, at the offsets its predecessors' prefixes and payloads add up to.
        foreach (var dir in new[] { "orig", "resp" })
        {
            var mine = rows.Where(r => r.Match.Groups["dir"].Value == dir).Select(r => r.Match).ToList();
            Assert.Equal(Sent.Select(s => (long)s.Length), mine.Select(m => long.Parse(m.Groups["length"].Value)));
            Assert.Equal(Sent.Select((s, i) => Sent.Take(i).Sum(p => 4L + p.Length)), mine.Select(m => long.Parse(m.Groups["offset"].Value)));
            // The 76,800-byte frame is bigger than one loopback segment of the capture's MSS only if split; it is never sticky alone.
            Assert.True(int.Parse(mine[6].Groups["segs"].Value) >= 1);
        }
        // The client wrote the three sticky frames in one sendall: one packet carries all three.
        var sticky = rows.Where(r => r.Match.Groups["dir"].Value == "orig").Skip(3).Take(3).ToList();
        Assert.All(sticky, r => Assert.Contains("sticky", r.Match.Groups["how"].Value));
        Assert.Single(sticky.Select(r => r.Line.Frame).Distinct());
        Assert.Contains("\"hello\"", screen.Text);
        Assert.Contains("你好，世界", string.Join('\n', view.Lines.Lines.Select(l => l.Text)));

        // Enter on a frame selects its first packet.
        int target = view.Lines.Lines.ToList().IndexOf(sticky[1].Line);
        while (view.Lines.SelectedIndex < target) screen.Press(Key.CursorDown);
        screen.Press(Key.Enter);
        Assert.Equal(sticky[1].Line.Frame - 1, screen.Window.Packets.SelectedRow);
    }

    [Fact]
    public void The_udp_conversation_shows_its_datagrams_and_the_frame_each_holds()
    {
        using var screen = Screen.OpenPath(Repo.LoopbackEcho);
        screen.Type("2");
        var udp = Assert.IsType<Connections.ConnectionsView>(screen.Window.Current);
        while (udp.Selected is { Proto: "tcp" }) screen.Press(Key.CursorDown);
        screen.Press(Key.Enter);
        var view = Assert.IsType<FramesView>(screen.Window.Current);
        var datagrams = Tshark.Fields(Repo.LoopbackEcho, "udp", "frame.number", "udp.length");
        var rows = view.Lines.Lines.Select(l => FrameLine.Match(l.Text)).Where(m => m.Success).ToList();
        Assert.Equal(datagrams.Select(d => long.Parse(d[0])), rows.Where(m => m.Groups["kind"].Value == "datagram").Select(m => long.Parse(m.Groups["first"].Value)));
        Assert.Equal(datagrams.Select(d => long.Parse(d[1]) - 8), rows.Where(m => m.Groups["kind"].Value == "datagram").Select(m => long.Parse(m.Groups["length"].Value)));
        var frames = rows.Where(m => m.Groups["kind"].Value == "frame").ToList();
        Assert.Equal(2, frames.Count);
        Assert.All(frames, m => Assert.Equal("ping over udp".Length, int.Parse(m.Groups["length"].Value)));
    }

    [Fact]
    public void The_follow_view_shows_both_sides_text_marked_by_side_with_nothing_that_controls_the_terminal()
    {
        using var screen = Screen.OpenPath(Repo.LoopbackEcho);
        screen.Type("F");
        var view = Assert.IsType<FollowView>(screen.Window.Current);
        var lines = view.Lines.Lines.Select(l => l.Text).ToList();
        Assert.Contains(lines, l => l.StartsWith("→ ", StringComparison.Ordinal) && l.Contains("hello"));
        Assert.Contains(lines, l => l.StartsWith("← ", StringComparison.Ordinal) && l.Contains("hello"));
        Assert.Contains(lines, l => l.StartsWith("→ ", StringComparison.Ordinal) && l.Contains("你好，世界"));
        Assert.Contains(lines, l => l.Contains("orig → resp, stream offset 0"));
        Assert.All(lines, l => Assert.DoesNotContain(l, c => c < 0x20 || c is >= '\u007f' and <= '\u009f'));
        // Every byte sent each way is accounted for: a 4-byte prefix and the payload per frame.
        long sent = Sent.Sum(s => 4L + s.Length);
        Assert.Contains($"orig → resp: {sent} bytes, 0 missing, FIN; resp → orig: {sent} bytes, 0 missing, FIN", lines[^1]);
        Assert.Contains("hello", screen.Text);

        // w is the same view.
        screen.Type("1");
        screen.Type("w");
        Assert.Same(view, screen.Window.Current);
    }

    [Fact]
    public void The_follow_view_escapes_what_the_corpus_carries_the_same_way_protoscope_follow_does()
    {
        const string capture = "tcpdump/captures/dns_tcp.pcap";
        using var screen = Screen.Open(capture);
        screen.Type("F");
        var view = Assert.IsType<FollowView>(screen.Window.Current);
        // The same bytes, the same escapes: every text line of ours is in protoscope follow's text (tabs become
        // spaces on screen, so runs of blanks compare as one).
        static string Blanks(string s) => Regex.Replace(s, "[ \t]+", " ");
        var cli = Blanks(Cli("follow", Repo.CorpusFile(capture), "--conn", "0"));
        foreach (var line in view.Lines.Lines.Where(l => l.Text.StartsWith("→ ", StringComparison.Ordinal) || l.Text.StartsWith("← ", StringComparison.Ordinal)))
            Assert.True(cli.Contains(Blanks(line.Text[2..])), $"{line.Text}\n---\n{cli}");
        Assert.All(view.Lines.Lines, l => Assert.DoesNotContain(l.Text, c => c < 0x20));
    }

    [Fact]
    public void A_bad_length_prefix_marks_its_packet_for_the_framing_error_filter()
    {
        string path = Path.Combine(Path.GetTempPath(), $"protoscope-bad-frame-{Environment.ProcessId}.pcap");
        try
        {
            // A connection whose client sends one good frame ("abc"), then a length prefix of 0xfffffff0 in packet 5.
            var connection = new Connection("10.0.0.1", 40000, "10.0.0.2", 9000);
            byte[][] frames =
            [
                connection.EthernetTcp(From.Orig, TcpFlags.Syn, 1000, 0),
                connection.EthernetTcp(From.Resp, TcpFlags.Syn | TcpFlags.Ack, 5000, 1001),
                connection.EthernetTcp(From.Orig, TcpFlags.Ack, 1001, 5001),
                connection.EthernetTcp(From.Orig, TcpFlags.Ack | TcpFlags.Psh, 1001, 5001, [3, 0, 0, 0, .. "abc"u8]),
                connection.EthernetTcp(From.Orig, TcpFlags.Ack | TcpFlags.Psh, 1008, 5001, [0xf0, 0xff, 0xff, 0xff, .. "xyz"u8]),
                connection.EthernetTcp(From.Resp, TcpFlags.Ack, 5001, 1015),
            ];
            using (var pcap = PcapWriter.Create(path, linkType: 1, snaplen: 65535))
            {
                for (int i = 0; i < frames.Length; i++)
                    pcap.Write(new PacketHeader(1_700_000_000_000_000_000L + (i + 1) * 1_000_000L, frames[i].Length, frames[i].Length), frames[i]);
            }

            using var screen = Screen.OpenPath(path);
            Assert.True(screen.Window.ApplyFilter("framing.error"));
            screen.Refresh();
            Assert.Equal([5L], screen.PacketRows().Select(r => r.Frame));

            screen.Type("f");
            var view = Assert.IsType<FramesView>(screen.Window.Current);
            var error = Assert.Single(view.Lines.Lines, l => l.Kind == LineKind.Error);
            Assert.Equal(5, error.Frame);
            Assert.Contains("exceeds", error.Text);
            Assert.Contains(view.Lines.Lines, l => FrameLine.Match(l.Text) is { Success: true } m && m.Groups["length"].Value == "3");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_conversation_that_is_not_length_prefixed_is_not_a_framing_error()
    {
        const string capture = "tcpdump/captures/dns_tcp.pcap";
        using var screen = Screen.Open(capture);
        // DNS over TCP has a 2-byte big-endian prefix: read as 4-byte little-endian it does not parse as frames.
        Assert.True(screen.Window.ApplyFilter("framing.error"));
        screen.Refresh();
        Assert.Empty(screen.PacketRows());
        Assert.True(screen.Window.ApplyFilter(""));
        screen.Refresh();
        screen.Type("f");
        var view = Assert.IsType<FramesView>(screen.Window.Current);
        Assert.Contains(view.Lines.Lines, l => l.Text.Contains("not framed"));
    }

    [Fact]
    public void The_help_screen_and_the_key_bar_list_the_conversation_keys()
    {
        Assert.Contains("l ladder, f frames, F (or w) follow", HelpText.Text);
        using var screen = Screen.OpenPath(Repo.LoopbackEcho);
        Assert.Contains("Ladder", screen.Text);
        Assert.Contains("Frames", screen.Text);
        Assert.Contains("Follow", screen.Text);
    }
}
