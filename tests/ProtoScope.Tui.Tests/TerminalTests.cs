using System.Diagnostics;

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
        string dll = BuildProtoscope();
        string session = $"protoscope-test-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40];
        Tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "40", "env", "-i", $"PATH={Environment.GetEnvironmentVariable("PATH")}",
            "HOME=/tmp", "TERM=xterm-256color", "PS1=$ ", "bash", "--norc", "--noprofile");
        try
        {
            Tmux("send-keys", "-t", session, "echo shell-before", "Enter");
            Tmux("send-keys", "-t", session, $"dotnet {dll} {Repo.Corpus(Capture)}", "Enter");
            string screen = WaitForScreen(session, s => s.Contains("Legend:") && s.Contains(": loaded"), TimeSpan.FromSeconds(60));
            Assert.Equal("1", Tmux("display-message", "-p", "-t", session, "#{alternate_on}").Trim());

            var expected = Tshark.Fields(Repo.Corpus(Capture), null, "frame.number", "ip.src", "ip.dst");
            var lines = screen.Split('\n');
            foreach (var e in expected)
                Assert.Contains(lines, l => l.Contains($" {e[0]} ") && l.Contains(e[1]) && l.Contains(e[2]));
            Assert.Contains($"{expected.Count} packets", screen);

            Tmux("send-keys", "-t", session, "q");
            WaitForScreen(session, s => s.Contains("shell-before") && !s.Contains("Legend:"), TimeSpan.FromSeconds(20));
            Assert.Equal("0", Tmux("display-message", "-p", "-t", session, "#{alternate_on}").Trim());
            Tmux("send-keys", "-t", session, "echo exit=$?", "Enter");
            WaitForScreen(session, s => s.Contains("exit=0"), TimeSpan.FromSeconds(10));
        }
        finally
        {
            Tmux("kill-session", "-t", session);
        }
    }

    /// <summary>Builds the program the way users run it (scripts/protoscope builds Release into .build/cli) and returns the dll.</summary>
    private static string BuildProtoscope()
    {
        var psi = new ProcessStartInfo(Path.Combine(Repo.Root, "scripts", "protoscope"), "--help")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(5)), "building protoscope took over 5 minutes");
        Assert.True(p.ExitCode == 0, $"scripts/protoscope --help failed: {stderr.Result}");
        return Path.Combine(Repo.Root, ".build", "cli", "protoscope.dll");
    }

    private static string WaitForScreen(string session, Func<string, bool> ready, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        string screen = "";
        while (DateTime.UtcNow < deadline)
        {
            screen = Tmux("capture-pane", "-p", "-t", session);
            if (ready(screen)) return screen;
            Thread.Sleep(200);
        }
        Assert.Fail($"the screen did not get there in {timeout.TotalSeconds} s:\n{screen}");
        return screen;
    }

    private static string Tmux(params string[] args) => ProgramRun.Run("tmux", args).Stdout;
}
