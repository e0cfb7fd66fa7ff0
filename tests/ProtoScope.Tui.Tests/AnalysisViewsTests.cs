using ProtoScope.Core.Tcp;
using ProtoScope.Tui.Packets;

namespace ProtoScope.Tui.Tests;

/// <summary>
/// The TCP analysis in the UI, on the lossy sample capture, against tshark: troubled rows marked and coloured as
/// Wireshark's "Bad TCP", the SEQ/ACK analysis node of the detail tree, and the Expert view's groups and jumps.
/// </summary>
public class AnalysisViewsTests
{
    private static string Lossy => Path.Combine(Repo.Captures, "lossy-transfer.pcap");

    [Fact]
    public void Rows_with_trouble_are_marked_as_wiresharks_bad_tcp_rule_marks_them()
    {
        using var screen = Screen.OpenPath(Lossy);
        var bad = Tshark.Frames(Lossy, "tcp.analysis.flags && !tcp.analysis.window_update && !tcp.analysis.keep_alive && !tcp.analysis.keep_alive_ack").ToHashSet();
        Assert.NotEmpty(bad);
        var table = screen.Model.Table;
        var marked = Enumerable.Range(0, table.Count).Where(row => PacketText.Marker(table[row]) == "*").Select(row => row + 1L);
        Assert.Equal(bad.Order(), marked);
        var retransmission = Tshark.Frames(Lossy, "tcp.analysis.retransmission && !tcp.analysis.fast_retransmission").First();
        screen.Window.SelectPacket(retransmission);
        screen.Refresh();
        var line = screen.PacketRows().Single(r => r.Frame == retransmission).Line;
        Assert.Equal('*', line[2]);
        Assert.Contains("[TCP Retransmission]", line);
        Assert.Contains("* tcp trouble", screen.Text);
    }

    [Fact]
    public void The_detail_tree_shows_the_seq_ack_analysis_tshark_shows()
    {
        var dup = Tshark.Fields(Lossy, "tcp.analysis.duplicate_ack", "frame.number", "tcp.analysis.duplicate_ack_num", "tcp.analysis.duplicate_ack_frame")[0];
        using var screen = Screen.OpenPath(Lossy);
        screen.Window.SelectPacket(long.Parse(dup[0]));
        var details = string.Join('\n', DetailLines(screen));
        Assert.Contains("SEQ/ACK analysis", details);
        Assert.Contains($"Duplicate ACK #{dup[1]} of the ACK in frame {dup[2]}", details);
        Assert.Contains("Duplicate ACK (note, tcp.analysis.duplicate_ack)", details);

        var acked = Tshark.Fields(Lossy, "tcp.analysis.ack_rtt", "frame.number", "tcp.analysis.acks_frame", "tcp.analysis.ack_rtt")[0];
        screen.Window.SelectPacket(long.Parse(acked[0]));
        details = string.Join('\n', DetailLines(screen));
        Assert.Contains($"This is an ACK to the segment in frame: {acked[1]}", details);
        Assert.Contains($"The RTT to ACK the segment was: {acked[2]} seconds", details);
    }

    [Fact]
    public void The_expert_view_groups_every_event_as_tshark_counts_them_and_enter_goes_to_the_packet()
    {
        using var screen = Screen.OpenPath(Lossy);
        screen.Press(Key.D6);
        var expert = Assert.IsType<ExpertView>(screen.Window.Current);
        foreach (var info in TcpAnalysisNames.All)
            Assert.Equal(Tshark.Frames(Lossy, "tcp.analysis." + info.Name), expert.Events(info.Flag).Select(r => r + 1L));
        Assert.Contains("This frame is a (suspected) retransmission", screen.Text);
        // Warnings first: an out-of-order segment before the notes.
        Assert.True(screen.Text.IndexOf("out-of-order", StringComparison.Ordinal) < screen.Text.IndexOf("Duplicate ACK", StringComparison.Ordinal));

        expert.Table.SetSelection(0, 0, false);
        screen.Press(Key.Enter);
        screen.Press(Key.CursorDown);
        screen.Press(Key.Enter);
        Assert.IsType<PacketsView>(screen.Window.Current);
        long first = Tshark.Frames(Lossy, "tcp.analysis.out_of_order").First();
        Assert.Equal(first - 1, screen.Window.Packets.SelectedRow);
    }

    [Fact]
    public void The_connections_view_shows_health_rtt_and_retransmissions_as_conns_does()
    {
        using var screen = Screen.OpenPath(Lossy);
        screen.Press(Key.D2);
        int retransmissions = Tshark.Frames(Lossy, "tcp.analysis.retransmission").Count;
        using var stdout = new MemoryStream();
        Assert.Equal(0, ProtoScope.Cli.ProtoScopeCli.Run(["conns", Lossy, "--format", "jsonl"], stdout, new StringWriter(), stopping: TestContext.Current.CancellationToken));
        using var json = System.Text.Json.JsonDocument.Parse(System.Text.Encoding.UTF8.GetString(stdout.ToArray()).Split('\n')[0]);
        var view = Assert.IsType<Connections.ConnectionsView>(screen.Window.Current);
        var table = view.Table.Table!;
        string Cell(string column) => (string)table[0, Array.IndexOf(table.ColumnNames, column)];
        Assert.Equal(json.RootElement.GetProperty("health").GetString(), Cell("Health"));
        Assert.Equal(retransmissions.ToString(System.Globalization.CultureInfo.InvariantCulture), Cell("Retr"));
        Assert.Equal(((double)json.RootElement.GetProperty("initial_rtt").GetDecimal() * 1000).ToString("0.###", System.Globalization.CultureInfo.InvariantCulture), Cell("iRTT ms"));
    }

    private static IEnumerable<string> DetailLines(Screen screen)
    {
        var details = screen.Window.Packets.Details;
        details.ExpandAll();
        return Flatten(details.Objects!).Select(n => n.Text);
    }

    private static IEnumerable<ITreeNode> Flatten(IEnumerable<ITreeNode> nodes) =>
        nodes.SelectMany(n => new[] { n }.Concat(Flatten(n.Children)));
}
