using System.Text.RegularExpressions;
using ProtoScope.Capture;
using ProtoScope.Tui.Packets;

namespace ProtoScope.Tui.Tests;

/// <summary>The main window driven headlessly on real captures, checked against tshark.</summary>
public class MainWindowTests
{
    private const string DnsTcp = "tcpdump/captures/dns_tcp.pcap";

    [Fact]
    public void The_list_shows_every_packet_with_the_addresses_tshark_reads()
    {
        using var screen = Screen.Open(DnsTcp);
        var expected = Tshark.Fields(Repo.CorpusFile(DnsTcp), null, "frame.number", "ip.src", "ip.dst", "frame.len");
        var rows = screen.PacketRows();
        Assert.Equal(expected.Select(e => long.Parse(e[0])), rows.Select(r => r.Frame));
        foreach (var (e, (_, line)) in expected.Zip(rows))
        {
            Assert.Contains(e[1], line);
            Assert.Contains(e[2], line);
            Assert.Contains($" {e[3]} ", line);
        }
        Assert.Contains("Legend: H handshake", screen.Text);
        Assert.Contains($"{expected.Count} packets", screen.Text);
    }

    [Fact]
    public void Rows_carry_a_marker_for_their_role_so_they_read_without_colour()
    {
        using var screen = Screen.Open(DnsTcp);
        var rows = Tshark.Fields(Repo.CorpusFile(DnsTcp), null, "frame.number", "tcp.flags.syn", "tcp.flags.fin", "tcp.flags.reset", "tcp.len");
        var markers = screen.PacketRows().ToDictionary(r => r.Frame, r => r.Line[2]);
        foreach (var r in rows)
        {
            char marker = markers[long.Parse(r[0])];
            bool set(int i) => r[i] is "1" or "True";
            if (set(1)) Assert.Equal('H', marker);
            else if (set(2)) Assert.Equal('F', marker);
            else if (set(3)) Assert.Equal('R', marker);
            else if (r[4] != "0") Assert.Equal('D', marker);
            else Assert.Contains(marker, "HAF"); // a bare ACK: the handshake's third packet, an ack, or a teardown's ACK of FIN
        }
    }

    [Fact]
    public void Moving_the_selection_shows_that_packets_details_and_bytes()
    {
        using var screen = Screen.Open(DnsTcp);
        screen.Press(Key.CursorDown);
        screen.Press(Key.CursorDown);
        var tshark = Tshark.Fields(Repo.CorpusFile(DnsTcp), "frame.number == 3", "tcp.srcport", "tcp.dstport", "ip.src");
        Assert.Equal(2, screen.Window.Packets.SelectedRow);
        Assert.Contains("Frame 3:", screen.Text);
        Assert.Contains($"Src Port: {tshark[0][0]}, Dst Port: {tshark[0][1]}", screen.Text);
        Assert.Contains($"Src: {tshark[0][2]}", screen.Text);

        // The hex pane holds the frame's bytes, as tshark -x prints them.
        var hex = Tshark.Run(["-r", Repo.CorpusFile(DnsTcp), "-Y", "frame.number == 3", "-x"]).Stdout;
        var firstLine = hex.Split('\n').First(l => l.StartsWith("0000", StringComparison.Ordinal));
        var expectedBytes = Regex.Matches(firstLine[6..Math.Min(firstLine.Length, 54)], "[0-9a-f]{2}").Select(m => m.Value);
        var ours = screen.Window.Packets.Hex.Lines().First();
        Assert.Equal(expectedBytes, Regex.Matches(ours[6..55], "[0-9a-f]{2}").Select(m => m.Value));
        Assert.Contains(ours[..20], screen.Text);
    }

    [Theory]
    [InlineData("tcp.srcport", "Source port")]
    [InlineData("tcp.dstport", "Destination port")]
    [InlineData("tcp.seq_raw", "Sequence number")]
    [InlineData("ip.src", "Source address")]
    [InlineData("ip.ttl", "Time to live")]
    [InlineData("tcp.window_size_value", "Window")]
    public void Selecting_a_field_highlights_the_bytes_tshark_reads_it_from(string field, string node)
    {
        using var screen = Screen.Open(DnsTcp);
        screen.Press(Key.CursorDown);
        screen.Press(Key.CursorDown);
        screen.Press(Key.CursorDown);
        var pdml = Tshark.Run(["-r", Repo.CorpusFile(DnsTcp), "-Y", "frame.number == 4", "-T", "pdml"]).Stdout;
        var tag = Regex.Match(pdml, $"<field name=\"{Regex.Escape(field)}\"[^>]*>").Value;
        int pos = int.Parse(Regex.Match(tag, "pos=\"(\\d+)\"").Groups[1].Value);
        int size = int.Parse(Regex.Match(tag, "size=\"(\\d+)\"").Groups[1].Value);

        var tree = screen.Window.Packets.Details;
        tree.ExpandAll();
        var target = Flatten(tree.Objects!).OfType<FieldNode>().First(n => n.Text.StartsWith(node + ":", StringComparison.Ordinal));
        tree.SetFocus();
        tree.GoTo(target);
        screen.Refresh();
        Assert.Equal((pos, size), (screen.Window.Packets.Hex.HighlightOffset, screen.Window.Packets.Hex.HighlightLength));
    }

    private static IEnumerable<ITreeNode> Flatten(IEnumerable<ITreeNode> nodes) =>
        nodes.SelectMany(n => new[] { n }.Concat(Flatten(n.Children)));

    [Theory]
    [InlineData("tcp.flags.syn == 1")]
    [InlineData("tcp.len > 0 && ip.src == 209.87.249.18")]
    [InlineData("not tcp.flags.push == 1")]
    public void A_typed_filter_leaves_the_rows_tshark_selects(string filter)
    {
        using var screen = Screen.Open(DnsTcp);
        screen.Type("/");
        Assert.True(screen.Window.FilterField.HasFocus);
        screen.Type(filter);
        screen.Press(Key.Enter);
        var expected = Tshark.Frames(Repo.CorpusFile(DnsTcp), filter);
        Assert.Equal(expected, screen.PacketRows().Select(r => r.Frame));
        Assert.Contains($"filter: {filter}", screen.Text);
    }

    [Fact]
    public void A_bad_filter_shows_its_mistake_and_column_and_keeps_the_list()
    {
        using var screen = Screen.Open(DnsTcp);
        int before = screen.PacketRows().Count;
        screen.Type("/tcp.port == ");
        screen.Press(Key.Enter);
        Assert.Contains("bad filter: expected a value after '==' at column 13", screen.Text);
        Assert.Equal(before, screen.PacketRows().Count);
        screen.Press(Key.Esc);
        Assert.False(screen.Window.FilterField.HasFocus);
        Assert.True(screen.Model.State is CaptureState.Done);
    }

    [Fact]
    public void The_connections_view_lists_each_conversation_with_its_endpoints()
    {
        const string capture = "zeek/captures/pcapng-multi-interface.pcapng";
        using var screen = Screen.Open(capture);
        screen.Type("2");
        Assert.IsType<Connections.ConnectionsView>(screen.Window.Current);
        var firsts = Tshark.Fields(Repo.CorpusFile(capture), null, "udp.stream", "ip.src", "udp.srcport", "ip.dst", "udp.dstport")
            .GroupBy(r => r[0]).Select(g => g.First()).ToList();
        Assert.Contains($"0 TCP, {firsts.Count} UDP", screen.Text);
        foreach (var f in firsts)
            Assert.Contains(screen.Lines, l => l.Contains($"{f[1]}:{f[2]}") && l.Contains($"{f[3]}:{f[4]}") && l.Contains(" UDP "));

        // p shows that conversation's packets: the filter tshark would use for it.
        screen.Type("p");
        Assert.IsType<PacketsView>(screen.Window.Current);
        string stream = screen.Window.FilterField.Text;
        Assert.StartsWith("udp.stream == ", stream);
        var expected = Tshark.Frames(Repo.CorpusFile(capture), stream);
        Assert.Equal(expected, screen.PacketRows().Select(r => r.Frame));
    }

    [Fact]
    public void Live_mode_follows_the_newest_packet_until_the_user_moves_and_pause_freezes_the_view()
    {
        var model = new CaptureModel(CaptureFile.Open(Repo.CorpusFile(DnsTcp)), CaptureKind.Live);
        model.Start();
        Assert.True(model.WaitUntilRead(TimeSpan.FromSeconds(10)));
        using var screen = new Screen(model);
        int last = model.Table.Count - 1;
        Assert.Equal(last, screen.Window.Packets.SelectedRow);
        screen.Press(Key.CursorUp);
        Assert.False(screen.Window.Packets.Follow);
        Assert.Contains("follow off", screen.Text);
        screen.Press(Key.End);
        Assert.True(screen.Window.Packets.Follow);
        screen.Type(" ");
        Assert.True(screen.Window.Packets.Frozen);
        Assert.Contains("view frozen", screen.Text);
    }

    [Fact]
    public void Replay_paused_steps_one_packet_at_a_time()
    {
        var model = new CaptureModel(CaptureFile.Open(Repo.CorpusFile(DnsTcp)), CaptureKind.Replay);
        model.Pause();
        model.Start();
        using var screen = new Screen(model);
        for (int expected = 1; expected <= 3; expected++)
        {
            screen.Type("n");
            var deadline = DateTime.UtcNow.AddSeconds(5);
            while (model.Table.Count < expected && DateTime.UtcNow < deadline) Thread.Sleep(10);
            Thread.Sleep(200);
            Assert.Equal(expected, model.Table.Count);
        }
        screen.Refresh();
        Assert.Equal([1, 2, 3], screen.PacketRows().Select(r => r.Frame));
        Assert.Contains("paused", screen.Text);
    }

    [Fact]
    public void Save_writes_the_packets_shown_to_a_pcap_that_tshark_reads()
    {
        using var screen = Screen.Open(DnsTcp);
        screen.Type("/tcp.len > 0");
        screen.Press(Key.Enter);
        string path = Path.Combine(Path.GetTempPath(), $"protoscope-save-{Guid.NewGuid():N}.pcap");
        try
        {
            screen.Window.SaveTo(path);
            screen.Refresh();
            var original = Tshark.Fields(Repo.CorpusFile(DnsTcp), "tcp.len > 0", "frame.len", "frame.time_epoch", "tcp.seq_raw");
            var saved = Tshark.Fields(path, null, "frame.len", "frame.time_epoch", "tcp.seq_raw");
            Assert.Equal(original.Select(r => string.Join(' ', r)), saved.Select(r => string.Join(' ', r)));
            Assert.Contains($"saved {original.Count} packets", screen.Text);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_missing_file_is_a_one_line_error_not_a_crash()
    {
        var e = Assert.Throws<CaptureError>(() => ProtoScopeTui.Open(new TuiOptions { File = "/nonexistent/x.pcap", OpenFile = path => CaptureFile.Open(path, readAhead: false) }, null));
        Assert.Equal("/nonexistent/x.pcap: no such file", e.Message);
    }
}
