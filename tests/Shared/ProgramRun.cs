using System.Diagnostics;

namespace ProtoScope.Tests;

/// <summary>
/// Runs a program (the oracles: tshark; tmux) to its end: what it wrote on stdout and stderr, and its exit code.
/// One file, linked into every test project that runs one.
/// </summary>
internal static class ProgramRun
{
    public static (string Stdout, string Stderr, int ExitCode) Run(string program, IEnumerable<string> args, string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (workingDirectory is not null) psi.WorkingDirectory = workingDirectory;
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        // Both pipes are drained at once, so a program that fills one while we wait on the other cannot stall.
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (stdout, stderr.Result, p.ExitCode);
    }
}
