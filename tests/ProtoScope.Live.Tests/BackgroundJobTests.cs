using System.Net;

namespace ProtoScope.Live.Tests;

/// <summary>
/// The verbs that run until stopped, started as a script starts them: `protoscope ... &amp;` in a non-interactive
/// shell, which starts background jobs with SIGINT ignored. `kill -INT` must still stop them, as it stops tcpdump.
/// </summary>
public class BackgroundJobTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("psbg").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Kill_INT_stops_a_background_capture_and_its_file_reads_back_whole()
    {
        int port = Traffic.FreeUdpPort();
        string file = Path.Combine(_dir, "bg.pcap");
        using var job = new ShellJob(_dir, $"capture -i lo -f 'udp dst port {port}' -w '{file}'");
        job.WaitForOutput("listening on");
        Assert.True(job.IgnoresInterruptInitially, "the shell did not start the job with SIGINT ignored: the test proves nothing");
        var sent = Traffic.SendUdp(new IPEndPoint(IPAddress.Loopback, port), 50, "bg", 100);
        Thread.Sleep(300);

        Host.Signal(job.Pid, Host.SIGINT);

        Assert.Equal(0, job.WaitForExit(TimeSpan.FromSeconds(10)));
        Assert.Equal(sent.Select(Traffic.Hex), Tshark.Fields(file, null, "data.data").Select(r => r[0]));
        Assert.Contains("50 packets captured", job.Output);
    }

    [Fact]
    public void Kill_INT_stops_a_background_echo_server()
    {
        int port = Traffic.FreeTcpPort();
        using var job = new ShellJob(_dir, $"echo tcp-server --port {port}");
        job.WaitForOutput("listening");
        Assert.True(job.IgnoresInterruptInitially, "the shell did not start the job with SIGINT ignored: the test proves nothing");

        Host.Signal(job.Pid, Host.SIGINT);

        Assert.Equal(0, job.WaitForExit(TimeSpan.FromSeconds(10)));
        Assert.Contains("stopped:", job.Output);
    }

    /// <summary>
    /// `bash -c 'protoscope ARGS >LOG 2>&amp;1 &amp; ...'`: the job's pid, its output, and the exit code the shell's
    /// `wait` reports. Whether the job inherited SIGINT ignored is read from the shell's own child before protoscope
    /// starts (a `sleep` started the same way).
    /// </summary>
    private sealed class ShellJob : IDisposable
    {
        private readonly System.Diagnostics.Process _shell;
        private readonly string _log;

        public ShellJob(string dir, string arguments)
        {
            _log = Path.Combine(dir, $"job-{Guid.NewGuid():N}.log");
            string script =
                $"sleep 5 & sleep 0.2; grep -q '^SigIgn:.*[2367abef]$' /proc/$!/status && echo ignored; kill $! 2>/dev/null\n" +
                $"{PublishedProgram.ShellCommand} {arguments} >'{_log}' 2>&1 &\n" +
                "echo pid=$!\nwait $!\necho exit=$?\n";
            _shell = Host.Start("bash", ["-c", script]);
            string? line;
            while ((line = _shell.StandardOutput.ReadLine()) is not null && !line.StartsWith("pid=", StringComparison.Ordinal))
                if (line == "ignored") IgnoresInterruptInitially = true;
            Pid = int.Parse(line![4..]);
        }

        public int Pid { get; }
        public bool IgnoresInterruptInitially { get; }
        public string Output => File.Exists(_log) ? File.ReadAllText(_log) : "";

        public void WaitForOutput(string text)
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!Output.Contains(text, StringComparison.Ordinal))
            {
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"'{text}' never came:\n{Output}");
                Thread.Sleep(50);
            }
        }

        public int WaitForExit(TimeSpan timeout)
        {
            var rest = _shell.StandardOutput.ReadToEndAsync();
            if (!rest.Wait(timeout))
                throw new TimeoutException($"protoscope did not stop on SIGINT:\n{Output}");
            var exit = rest.Result.Split('\n').Single(l => l.StartsWith("exit=", StringComparison.Ordinal));
            return int.Parse(exit[5..]);
        }

        public void Dispose()
        {
            if (!_shell.HasExited) _shell.Kill(entireProcessTree: true);
            _shell.Dispose();
        }
    }
}
