using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace ProtoScope.Live.Tests;

/// <summary>Runs programs (tcpdump, ip, the published protoscope) with a timeout, and signals them.</summary>
public static partial class Host
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    /// <summary>Runs a program to the end and returns its exit code and output.</summary>
    public static Result Run(string program, params string[] args) => Run(program, args, TimeSpan.FromSeconds(60));

    public static Result Run(string program, IEnumerable<string> args, TimeSpan timeout)
    {
        using var p = Start(program, args);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not end within {timeout}");
        }
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    public static Process Start(string program, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        return Process.Start(psi)!;
    }

    /// <summary>`protoscope ARGS...` as a process (the published program), optionally prefixed (ip netns exec NS, setpriv ...).</summary>
    public static string[] Cli(params string[] args) => PublishedProgram.With(args);

    public static Result RunCli(params string[] args)
    {
        var command = Cli(args);
        return Run(command[0], command[1..], TimeSpan.FromSeconds(60));
    }

    public static void Signal(int pid, int signal)
    {
        if (kill(pid, signal) != 0) throw new InvalidOperationException($"kill({pid}, {signal}) failed: {Marshal.GetLastPInvokeErrorMessage()}");
    }

    public const int SIGHUP = 1, SIGINT = 2, SIGTERM = 15;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);
}

/// <summary>
/// A long-running process whose stderr is watched, e.g. a capture that says "listening on" once its device
/// is open (protoscope and tcpdump both do): start traffic only after that line.
/// </summary>
public sealed class Background : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private readonly MemoryStream _stdout = new();
    private readonly Task _stdoutCopy;
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Background(string[] command)
    {
        _process = Host.Start(command[0], command[1..]);
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (_stderr) _stderr.AppendLine(e.Data);
            if (e.Data.Contains("listening on", StringComparison.Ordinal)) _listening.TrySetResult();
        };
        _process.BeginErrorReadLine();
        _stdoutCopy = _process.StandardOutput.BaseStream.CopyToAsync(_stdout);
    }

    public int Pid => _process.Id;

    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    public void WaitUntilListening()
    {
        var done = Task.WhenAny(_listening.Task, _process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(30))).Result;
        if (!_listening.Task.IsCompleted)
            throw new InvalidOperationException($"the capture did not start (exited: {_process.HasExited}):\n{Stderr}");
    }

    /// <summary>Waits for the end; returns the exit code and everything written to stdout.</summary>
    public (int ExitCode, byte[] Stdout) WaitForExit(TimeSpan? timeout = null)
    {
        if (!_process.WaitForExit(timeout ?? TimeSpan.FromSeconds(30)))
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the process did not end:\n{Stderr}");
        }
        _process.WaitForExit();
        _stdoutCopy.Wait();
        return (_process.ExitCode, _stdout.ToArray());
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}
