using System.Diagnostics;

namespace ProtoScope.Tests;

/// <summary>
/// The program as users run it: scripts/protoscope builds it into .build/cli on first use, a Native AOT binary when
/// clang and zlib1g-dev are there, otherwise a ReadyToRun protoscope.dll (.build/cli/.kind says which). Tests that
/// run `protoscope` as a process start it through here. One file, linked into every test project that does.
/// </summary>
internal static class PublishedProgram
{
    private static readonly Lazy<bool> s_native = new(Build);

    private static string Directory => Path.Combine(Repo.Root, ".build", "cli");

    /// <summary>True when scripts/protoscope built the native binary.</summary>
    public static bool IsNative => s_native.Value;

    /// <summary>The file the kernel executes (native), or the dll the `dotnet` host runs: what shows in /proc/PID/cmdline.</summary>
    public static string File => Path.Combine(Directory, IsNative ? "protoscope" : "protoscope.dll");

    /// <summary>The program and its first arguments: [binary] or [dotnet, protoscope.dll].</summary>
    public static string[] Command => IsNative ? [File] : ["dotnet", File];

    /// <summary>`protoscope ARGS...` as argv, ready to be prefixed (ip netns exec NS, setpriv ...).</summary>
    public static string[] With(params string[] args) => [.. Command, .. args];

    /// <summary><see cref="Command"/> as words for a shell command line.</summary>
    public static string ShellCommand => string.Join(' ', Command.Select(w => $"'{w}'"));

    private static bool Build()
    {
        var psi = new ProcessStartInfo(Path.Combine(Repo.Root, "scripts", "protoscope"), "--version")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        // A native build on a clean machine restores the ILCompiler package first: minutes, not seconds.
        if (!p.WaitForExit(TimeSpan.FromMinutes(15))) throw new TimeoutException("building protoscope took over 15 minutes");
        if (p.ExitCode != 0) throw new InvalidOperationException($"scripts/protoscope --version failed: {stderr.Result}");
        return System.IO.File.ReadAllText(Path.Combine(Directory, ".kind")).Trim() == "native";
    }
}
