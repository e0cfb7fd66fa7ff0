using System.Diagnostics;

namespace ProtoScope.Tui.Tests;

/// <summary>
/// A real terminal: a tmux server of its own (its own socket, so closing it touches nothing else) with one pane
/// running a plain bash. The test types into it, reads the screen, finds the program the shell started, and can
/// close the whole terminal as a dropped SSH session does (the pseudo-terminal's master goes away, the kernel
/// hangs the line up).
/// </summary>
public sealed class RealTerminal : IDisposable
{
    private readonly string _socket = $"ps{Environment.ProcessId}-{Guid.NewGuid():N}"[..24];
    private bool _closed;

    public RealTerminal(int width = 120, int height = 40)
    {
        Tmux("new-session", "-d", "-s", "t", "-x", width.ToString(), "-y", height.ToString(), "env", "-i",
            $"PATH={Environment.GetEnvironmentVariable("PATH")}", "HOME=/tmp", "TERM=xterm-256color", "PS1=$ ",
            "bash", "--norc", "--noprofile");
        ShellPid = int.Parse(Tmux("display-message", "-p", "-t", "t", "#{pane_pid}").Trim());
    }

    /// <summary>The shell in the pane.</summary>
    public int ShellPid { get; }

    /// <summary>Types a line into the shell.</summary>
    public void Type(string line) => Tmux("send-keys", "-t", "t", line, "Enter");

    /// <summary>Sends keys as tmux names them ("?", "Enter", "F").</summary>
    public void Keys(params string[] keys) => Tmux(["send-keys", "-t", "t", .. keys]);

    public string Screen => Tmux("capture-pane", "-p", "-t", "t");

    /// <summary>The screen with the escape sequences that set its colours and attributes.</summary>
    public string ScreenWithColours => Tmux("capture-pane", "-e", "-p", "-t", "t");

    /// <summary>True while the terminal shows the alternate screen (a full-screen program has it).</summary>
    public bool AlternateScreen => Tmux("display-message", "-p", "-t", "t", "#{alternate_on}").Trim() == "1";

    public string WaitForScreen(Func<string, bool> ready, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        string screen = "";
        while (DateTime.UtcNow < deadline)
        {
            screen = Screen;
            if (ready(screen)) return screen;
            Thread.Sleep(100);
        }
        Assert.Fail($"the screen did not get there in {timeout.TotalSeconds} s:\n{screen}");
        return screen;
    }

    /// <summary>
    /// Runs the published program on <paramref name="capture"/> (after `cd` to <paramref name="directory"/> when given)
    /// and waits until its status line counts every packet tshark counts. Not the ": loaded" message: at 80 columns a
    /// long path cuts it short.
    /// </summary>
    public string OpenCapture(string capture, string? directory = null)
    {
        int packets = Tshark.Fields(capture, null, "frame.number").Count;
        Type($"{(directory is null ? "" : $"cd {directory} && ")}{PublishedProgram.ShellCommand} {capture}");
        string count = $"{packets.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} packets |";
        return WaitForScreen(s => s.Contains("Legend:") && s.Contains(count), TimeSpan.FromSeconds(60));
    }

    /// <summary>Presses q and waits until the program's screen is gone.</summary>
    public void Quit()
    {
        Keys("q");
        WaitForScreen(s => !s.Contains("Legend:"), TimeSpan.FromSeconds(20));
    }

    /// <summary>The pid of the shell's child whose command line holds <paramref name="marker"/>.</summary>
    public int FindChild(string marker, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
                try
                {
                    if (ParentOf(pid) == ShellPid && File.ReadAllText(Path.Combine(dir, "cmdline")).Contains(marker, StringComparison.Ordinal))
                        return pid;
                }
                catch (IOException)
                {
                    // The process ended while we looked.
                }
            }
            Thread.Sleep(50);
        }
        throw new TimeoutException($"no child of the shell runs {marker}");
    }

    /// <summary>Closes the terminal: the tmux server goes, and with it the pseudo-terminal's master.</summary>
    public void Close()
    {
        _closed = true;
        Tmux("kill-server");
    }

    /// <summary>True once <paramref name="pid"/> has ended (a zombie that nobody reaped yet counts as ended).</summary>
    public static bool HasEnded(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return true;
        }
    }

    /// <summary>How long <paramref name="pid"/> took to end, from now, or null if it still runs after <paramref name="limit"/>.</summary>
    public static TimeSpan? TimeToEnd(int pid, TimeSpan limit, long startTimestamp)
    {
        while (Stopwatch.GetElapsedTime(startTimestamp) <= limit)
        {
            if (HasEnded(pid)) return Stopwatch.GetElapsedTime(startTimestamp);
            Thread.Sleep(10);
        }
        return null;
    }

    private static int ParentOf(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1]);
    }

    private string Tmux(params string[] args) => ProgramRun.Run("tmux", ["-L", _socket, .. args]).Stdout;

    public void Dispose()
    {
        if (!_closed) Close();
    }
}
