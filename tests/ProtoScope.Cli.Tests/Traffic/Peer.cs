using System.Diagnostics;
using System.Text;

namespace ProtoScope.Cli.Tests.Traffic;

/// <summary>A child process (echo_peer.py, tcpdump), optionally inside a network namespace, with its output collected.</summary>
internal sealed class Peer : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private Peer(string program, IEnumerable<string> args, string? netns)
    {
        var psi = new ProcessStartInfo(netns is null ? program : "ip")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
        };
        if (netns is not null)
            foreach (string a in new[] { "netns", "exec", netns, program }) psi.ArgumentList.Add(a);
        foreach (string a in args) psi.ArgumentList.Add(a);
        _process = new Process { StartInfo = psi };
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_stdout) _stdout.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.AppendLine(e.Data); };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public static string Script => Path.Combine(AppContext.BaseDirectory, "Traffic", "echo_peer.py");

    public static Peer Python(string? netns, params string[] args) => new("python3", [Script, .. args], netns);

    /// <summary>Starts tcpdump writing <paramref name="pcap"/> and returns once it says it is listening.</summary>
    /// <param name="snaplen">
    /// Keep it near the link's largest frame: in immediate mode each slot of the kernel ring is snaplen-sized, so the
    /// default 262144 leaves room for a few dozen packets and a fast sender overflows it.
    /// </param>
    public static Peer Tcpdump(string? netns, string iface, string pcap, string filter, int snaplen)
    {
        // Immediate mode: otherwise libpcap hands packets over in blocks, and those still in a block when SIGINT comes are lost.
        var p = new Peer("tcpdump", ["-i", iface, "-n", "-s", $"{snaplen}", "-B", "65536", "--immediate-mode", "-w", pcap, filter], netns);
        p.WaitFor(() => p.Stderr.Contains("listening on"), "tcpdump to start listening");
        return p;
    }

    /// <summary>Runs a command to its end; returns stdout and stderr together.</summary>
    public static string Run(string program, string[] args, out int exitCode)
    {
        using var p = new Peer(program, args, null);
        exitCode = p.WaitForExit(60);
        return p.Stdout + p.Stderr;
    }

    public string Stdout { get { lock (_stdout) return _stdout.ToString(); } }
    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    public void WaitFor(Func<bool> condition, string what, int seconds = 15)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (_process.HasExited && !condition())
                throw new InvalidOperationException($"gave up waiting for {what}: process exited {_process.ExitCode}; stderr: {Stderr}");
            if (clock.Elapsed > TimeSpan.FromSeconds(seconds))
                throw new TimeoutException($"gave up waiting for {what}; stdout: {Stdout}; stderr: {Stderr}");
            Thread.Sleep(20);
        }
    }

    public void WaitForReady() => WaitFor(() => Stdout.Contains("ready"), "the echo server");

    public int WaitForExit(int seconds = 120)
    {
        if (!_process.WaitForExit(TimeSpan.FromSeconds(seconds)))
            throw new TimeoutException($"process still running after {seconds} s; stdout: {Stdout}; stderr: {Stderr}");
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>Stops tcpdump and checks it lost nothing: a drop would show up as a gap and fail the test for the wrong reason.</summary>
    public void StopCapture()
    {
        Interrupt();
        if (!System.Text.RegularExpressions.Regex.IsMatch(Stderr, @"^0 packets dropped by kernel", System.Text.RegularExpressions.RegexOptions.Multiline))
            throw new InvalidOperationException($"tcpdump dropped packets: {Stderr}");
    }

    /// <summary>SIGINT, as tcpdump expects: it flushes its file and prints its counters.</summary>
    public void Interrupt()
    {
        Thread.Sleep(200);
        using var kill = Process.Start("kill", ["-INT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        WaitForExit(30);
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}

/// <summary>
/// Two network namespaces joined by a veth pair with MTU 1500 (10.77.0.1 in A, 10.77.0.2 in B), so TCP segments
/// are at most 1448 payload bytes as on Ethernet. Offloads (TSO/GSO/GRO) are off, so the capture sees the
/// segments as they go on the wire rather than the kernel's 64 KB super-packets. Removed on dispose.
/// </summary>
internal sealed class NamespacePair : IDisposable
{
    public const string AddressA = "10.77.0.1", AddressB = "10.77.0.2";

    public NamespacePair()
    {
        string tag = $"{Environment.ProcessId % 100000}";
        A = $"psreasm-a-{tag}";
        B = $"psreasm-b-{tag}";
        LinkA = $"psra{tag}";
        LinkB = $"psrb{tag}";
        Ip("netns", "add", A);
        Ip("netns", "add", B);
        Ip("link", "add", LinkA, "netns", A, "type", "veth", "peer", "name", LinkB, "netns", B);
        Ip("-n", A, "addr", "add", $"{AddressA}/24", "dev", LinkA);
        Ip("-n", B, "addr", "add", $"{AddressB}/24", "dev", LinkB);
        foreach (var (ns, link) in new[] { (A, LinkA), (B, LinkB) })
        {
            Ip("-n", ns, "link", "set", link, "mtu", "1500", "gso_max_size", "1500", "gro_max_size", "1500", "up");
            Ip("-n", ns, "link", "set", "lo", "up");
        }
    }

    public string A { get; }
    public string B { get; }
    public string LinkA { get; }
    public string LinkB { get; }

    private static void Ip(params string[] args)
    {
        string output = Peer.Run("ip", args, out int code);
        if (code != 0) throw new InvalidOperationException($"ip {string.Join(' ', args)} failed ({code}): {output}");
    }

    public void Dispose()
    {
        Peer.Run("ip", ["netns", "del", A], out _);
        Peer.Run("ip", ["netns", "del", B], out _);
    }
}
