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
        string program = PublishedProgram.ShellCommand;
        using var terminal = new RealTerminal();
        terminal.Type("echo shell-before");
        terminal.Type($"{program} {Repo.CorpusFile(Capture)}");
        string screen = terminal.WaitForScreen(s => s.Contains("Legend:") && s.Contains(": loaded"), TimeSpan.FromSeconds(60));
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
}
