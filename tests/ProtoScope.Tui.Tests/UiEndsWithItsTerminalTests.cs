using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ProtoScope.Tui.Tests;

/// <summary>
/// The published program in a real terminal, in every state a user can leave it in, ended the ways a server ends
/// it: the terminal closes (an SSH session drops; tmux kill-server closes the pseudo-terminal and the kernel hangs
/// the line up), the same with SIGHUP ignored (started under nohup: only the dead descriptors tell), and SIGTERM.
/// The process must be gone within one second each time; after SIGTERM the shell gets its terminal back.
/// </summary>
public class UiEndsWithItsTerminalTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(1);
    private readonly string _dir = Directory.CreateTempSubdirectory("psui").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A state: the arguments, the keys that lead there once the first screen is up, and text that shows it is there.</summary>
    private sealed record State(string Arguments, string FirstScreen, string[] Keys, string There);

    private static string Handshake => Path.Combine(Repo.Root, "captures", "handshake.pcap");

    private static State StateNamed(string name) => name switch
    {
        "packet list" => new(Handshake, "Legend:", [], "handshake 1/3"),
        "filter bar" => new(Handshake, "Legend:", ["/", "t", "c", "p"], "Filter (/): tcp"),
        "connections" => new(Handshake, "Legend:", ["2"], "Connections"),
        "ladder" => new(Handshake, "Legend:", ["l"], "Ladder"),
        "frames" => new(Handshake, "Legend:", ["f"], "Frames"),
        "follow" => new(Handshake, "Legend:", ["F"], "Follow"),
        "help dialog" => new(Handshake, "Legend:", ["?"], "ProtoScope keys"),
        "save dialog" => new(Handshake, "Legend:", ["s"], "Save packets as pcap"),
        "replay" => new($"--replay {Handshake}", "Legend:", [], "replaying"),
        "start screen" => new("", "Choose what to look at", [], "Capture on lo"),
        "file dialog" => new("", "Choose what to look at", ["Enter"], "Open a capture file"),
        "demo" => new("demo handshake", "Legend:", [], "Legend:"),
        "live capture" => new("-i lo -f 'tcp port 9'", "capturing", [], "capturing"),
        _ => throw new ArgumentException(name),
    };

    public static TheoryData<string> States =>
    [
        "packet list", "filter bar", "connections", "ladder", "frames", "follow", "help dialog", "save dialog", "replay",
        "start screen", "file dialog", "demo", "live capture",
    ];

    /// <summary>Every state, with SIGHUP delivered and with SIGHUP ignored (started under nohup: only the dead descriptors tell).</summary>
    public static TheoryData<string, bool> StatesAndHangupSignal =>
        new(States.SelectMany(row => new[] { (row.Data, false), (row.Data, true) }));

    [Theory]
    [MemberData(nameof(StatesAndHangupSignal))]
    public void Closing_the_terminal_ends_the_UI_within_a_second(string state, bool sighupIgnored)
    {
        using var terminal = new RealTerminal();
        int pid = Start(terminal, StateNamed(state), sighupIgnored);

        long closed = Stopwatch.GetTimestamp();
        terminal.Close();

        AssertEndsInTime(pid, closed, state);
    }

    [Theory]
    [MemberData(nameof(States))]
    public void SIGTERM_ends_the_UI_within_a_second_and_gives_the_terminal_back(string state)
    {
        using var terminal = new RealTerminal();
        int pid = Start(terminal, StateNamed(state), sighupIgnored: false);

        long signalled = Stopwatch.GetTimestamp();
        Signal(pid, "TERM");

        AssertEndsInTime(pid, signalled, state);
        terminal.WaitForScreen(s => s.Contains("exit=0"), TimeSpan.FromSeconds(5));
        Assert.False(terminal.AlternateScreen, "the terminal was left on the alternate screen");
        terminal.Type("stty -a | tr ' ' '\\n' | grep -x -e icanon -e echo | tr '\\n' ' '; echo");
        terminal.WaitForScreen(s => s.Contains("icanon echo"), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void A_live_capture_written_with_w_is_flushed_and_closed_when_the_terminal_closes()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        string file = Path.Combine(_dir, "live.pcap");
        using var terminal = new RealTerminal();
        int pid = Start(terminal, new State($"-i lo -f 'tcp port {port}' -w {file}", "capturing", [], "capturing"), sighupIgnored: false);
        const int Messages = 20;
        using (var client = new TcpClient())
        {
            client.Connect(IPAddress.Loopback, port);
            using var accepted = listener.AcceptTcpClient();
            for (int i = 0; i < Messages; i++)
            {
                client.GetStream().Write("hello from the test\n"u8);
                Thread.Sleep(20);
            }
        }
        terminal.WaitForScreen(s => s.Contains("FIN"), TimeSpan.FromSeconds(10));

        long closed = Stopwatch.GetTimestamp();
        terminal.Close();
        AssertEndsInTime(pid, closed, "live capture with -w");

        var read = Tshark.Run(["-n", "-r", file, "-T", "fields", "-e", "tcp.len"]);
        Assert.Equal(0, read.ExitCode);
        Assert.DoesNotContain(read.Stderr.Split('\n'), l => l.Length > 0);
        var lengths = read.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToList();
        Assert.Equal(Messages * "hello from the test\n".Length, lengths.Sum());
        Assert.True(lengths.Count >= 3 + Messages, $"{lengths.Count} packets in the file");
    }

    /// <summary>Starts protoscope from the shell, waits for its first screen, and leads it into the state.</summary>
    private static int Start(RealTerminal terminal, State state, bool sighupIgnored)
    {
        string program = PublishedProgram.ShellCommand;
        terminal.Type($"{(sighupIgnored ? "trap '' HUP; " : "")}{program} {state.Arguments}; echo exit=$?");
        int pid = terminal.FindChild(PublishedProgram.File, TimeSpan.FromSeconds(30));
        terminal.WaitForScreen(s => s.Contains(state.FirstScreen), TimeSpan.FromSeconds(60));
        foreach (var key in state.Keys)
        {
            terminal.Keys(key);
            Thread.Sleep(100);
        }
        terminal.WaitForScreen(s => s.Contains(state.There), TimeSpan.FromSeconds(20));
        return pid;
    }

    private static void AssertEndsInTime(int pid, long since, string state)
    {
        var took = RealTerminal.TimeToEnd(pid, Limit, since);
        if (took is null) Signal(pid, "KILL");
        Assert.True(took is not null, $"{state}: protoscope (pid {pid}) still ran {Limit.TotalSeconds} s later");
    }

    private static void Signal(int pid, string name) => ProgramRun.Run("kill", [$"-{name}", pid.ToString()]);
}
