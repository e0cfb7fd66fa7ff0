namespace ProtoScope.Tui.Tests;

/// <summary>
/// The real program in a real terminal: tmux runs a shell, the shell runs `protoscope FILE`, the test reads the
/// screen, presses q, and checks that the terminal is the shell's again (alternate screen left, prompt back).
/// </summary>
public class TerminalTests
{
    private const string Capture = "tcpdump/captures/dns_tcp.pcap";

    [Fact]
    public void Protoscope_shows_the_capture_in_tmux_and_q_restores_the_terminal()
    {
        using var terminal = new RealTerminal();
        terminal.Type("echo shell-before");
        string screen = terminal.OpenCapture(Repo.CorpusFile(Capture));
        Assert.True(terminal.AlternateScreen);

        var expected = Tshark.Fields(Repo.CorpusFile(Capture), null, "frame.number", "ip.src", "ip.dst");
        var lines = screen.Split('\n');
        foreach (var e in expected)
            Assert.Contains(lines, l => l.Contains($" {e[0]} ") && l.Contains(e[1]) && l.Contains(e[2]));
        Assert.Contains($"{expected.Count} packets", screen);

        terminal.Keys("q");
        terminal.WaitForScreen(s => s.Contains("shell-before") && !s.Contains("Legend:"), TimeSpan.FromSeconds(20));
        Assert.False(terminal.AlternateScreen);
        terminal.Type("echo exit=$?");
        terminal.WaitForScreen(s => s.Contains("exit=0"), TimeSpan.FromSeconds(10));
    }

    /// <summary>
    /// The detail tree PacketDotNet builds, in the binary users run (Native AOT where clang is there): its Ethernet
    /// node and the verified UDP checksum of the open UDP node, which ProtoScope's own decoder does not make.
    /// </summary>
    [Fact]
    public void The_selected_packets_detail_tree_comes_from_packetdotnet_in_the_published_program()
    {
        string capture = Path.Combine(Repo.Captures, "udp.pcap");
        using var terminal = new RealTerminal();
        terminal.OpenCapture(capture);
        terminal.Keys("Down");
        var sum = Tshark.Fields(capture, "frame.number == 2", "udp.checksum").Single()[0];
        string screen = terminal.WaitForScreen(s => s.Contains("Ethernet II, Src:"), TimeSpan.FromSeconds(20));
        Assert.Contains($"Checksum: {sum} [", screen);
        terminal.Quit();
    }

    /// <summary>
    /// At 80×24 the packet list gives the Info column (the role and the numbers) its room from the first screen on:
    /// Time, Protocol, Length and Flags give way. The columns are fitted during the first layout, and the table kept
    /// the columns it had laid out before until it was told to update.
    /// </summary>
    [Fact]
    public void At_80_by_24_the_first_screen_shows_the_info_column()
    {
        using var terminal = new RealTerminal(80, 24);
        string screen = terminal.OpenCapture(Path.Combine(Repo.Captures, "handshake.pcap"));
        string header = screen.Split('\n').First(l => l.Contains("No."));
        Assert.Contains("Info", header);
        Assert.DoesNotContain("Time", header);
        Assert.Contains(screen.Split('\n'), l => l.Contains("handshake 1/3 (SYN)"));
        terminal.Quit();
    }

    /// <summary>
    /// The native build stubs Terminal.Gui's configuration initializer (every verb paid for it before Main) and the
    /// UI applies the configuration itself: a theme chosen in ./.tui/config.json still colours the published
    /// program's UI, and the text is the same as with the default theme.
    /// </summary>
    [Fact]
    public void A_theme_in_tui_config_colours_the_published_programs_ui()
    {
        string dir = Directory.CreateTempSubdirectory("protoscope-theme-").FullName;
        try
        {
            string capture = Path.Combine(Repo.Captures, "handshake.pcap");
            var (plain, plainColours) = StatusLine(dir, capture);
            Directory.CreateDirectory(Path.Combine(dir, ".tui"));
            File.WriteAllText(Path.Combine(dir, ".tui", "config.json"), """{ "Theme": "TurboPascal 5" }""");
            var (themed, themedColours) = StatusLine(dir, capture);
            Assert.Equal(plain, themed);
            Assert.NotEqual(plainColours, themedColours);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The status bar (the screen's last line) of `protoscope CAPTURE` run in DIR, as text and with its colours.</summary>
    private static (string Text, string Colours) StatusLine(string dir, string capture)
    {
        using var terminal = new RealTerminal(80, 24);
        string screen = terminal.OpenCapture(capture, dir);
        string colours = terminal.ScreenWithColours.TrimEnd('\n').Split('\n')[^1];
        terminal.Quit();
        return (screen.TrimEnd('\n').Split('\n')[^1], colours);
    }

    /// <summary>
    /// The lossy sample capture in a real terminal: its troubled rows carry the * marker and Wireshark's words, and
    /// view 6 lists the analysis events with tshark's counts.
    /// </summary>
    [Fact]
    public void The_expert_view_of_a_lossy_capture_shows_in_tmux()
    {
        string capture = Path.Combine(Repo.Captures, "lossy-transfer.pcap");
        using var terminal = new RealTerminal();
        terminal.OpenCapture(capture);
        long dup = Tshark.Frames(capture, "tcp.analysis.duplicate_ack").First();
        terminal.Keys("/");
        terminal.Type($"frame.number >= {dup}");
        string list = terminal.WaitForScreen(s => s.Contains("[TCP Dup ACK"), TimeSpan.FromSeconds(20));
        Assert.Contains(list.Split('\n'), l => l.Contains(" * ") && l.Contains("[TCP Dup ACK"));

        // Escape alone, then 6: sent together, the terminal would read them as Alt+6.
        terminal.Keys("Escape");
        Thread.Sleep(500);
        terminal.Keys("6");
        int dupAcks = Tshark.Frames(capture, "tcp.analysis.duplicate_ack").Count;
        string expert = terminal.WaitForScreen(s => s.Contains("Expert:"), TimeSpan.FromSeconds(20));
        Assert.Contains(expert.Split('\n'), l => l.Contains("Duplicate ACK") && l.Contains($" {dupAcks} "));

        terminal.Keys("q");
        terminal.WaitForScreen(s => !s.Contains("Expert:"), TimeSpan.FromSeconds(20));
        Assert.False(terminal.AlternateScreen);
    }
}
