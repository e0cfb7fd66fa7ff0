namespace ProtoScope.Live.Tests;

/// <summary>
/// The ways ProtoScope reaches a machine: scripts/package.sh's Debian package (installed, run, removed) and
/// scripts/install.sh --setcap (capture rights on the native binary alone). Both carry the native binary, so both
/// need the native build.
/// </summary>
public class InstallTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("psinstall").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Script(string name) => Path.Combine(Repo.Root, "scripts", name);

    [Fact]
    public void The_package_installs_runs_without_dotnet_and_removes_cleanly()
    {
        Assert.SkipUnless(PublishedProgram.IsNative, "no native build here (clang or zlib1g-dev missing): the package carries the native binary");
        Assert.SkipWhen(Host.Run("dpkg", ["-s", "protoscope"], TimeSpan.FromSeconds(30)).ExitCode == 0,
            "a protoscope package is installed on this machine: the test leaves it alone");

        var built = Host.Run(Script("package.sh"), [_dir], TimeSpan.FromMinutes(15));
        Assert.True(built.ExitCode == 0, built.Stderr);
        string deb = built.Stdout.Trim();
        Assert.Contains("libpcap0.8", Host.Run("dpkg-deb", "-f", deb, "Depends").Stdout);
        string contents = Host.Run("dpkg-deb", "-c", deb).Stdout;
        foreach (var path in new[] { "./usr/bin/protoscope", "./usr/share/man/man1/protoscope.1.gz", "./usr/share/bash-completion/completions/protoscope", "./usr/share/zsh/vendor-completions/_protoscope" })
            Assert.Contains(path, contents);

        try
        {
            // No stdin, as in CI: the postinst must not ask anything.
            var install = Host.Run("dpkg", ["-i", deb], TimeSpan.FromMinutes(2));
            Assert.True(install.ExitCode == 0, install.Stdout + install.Stderr);

            // A machine without .NET: no dotnet on PATH, no DOTNET_ROOT to find one.
            var version = Host.Run("env", ["-i", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "DOTNET_ROOT=/nonexistent", "protoscope", "--version"], TimeSpan.FromSeconds(30));
            Assert.Equal(0, version.ExitCode);
            Assert.Matches(@"^protoscope \S+ \(commit [0-9a-f]+, native\)\n$", version.Stdout);

            var man = Host.Run("man", ["-w", "protoscope"], TimeSpan.FromSeconds(30));
            Assert.Equal(0, man.ExitCode);
            Assert.Equal("/usr/share/man/man1/protoscope.1.gz", man.Stdout.Trim());
        }
        finally
        {
            var remove = Host.Run("dpkg", ["-r", "protoscope"], TimeSpan.FromMinutes(2));
            Assert.True(remove.ExitCode == 0, remove.Stdout + remove.Stderr);
        }
        Assert.False(File.Exists("/usr/bin/protoscope"));
        Assert.False(File.Exists("/usr/share/man/man1/protoscope.1.gz"));
    }

    [Fact]
    public void Install_setcap_lets_a_user_without_privileges_capture_with_protoscope_alone()
    {
        Assert.SkipUnless(PublishedProgram.IsNative, "no native build here (clang or zlib1g-dev missing): install.sh installs the native binary");
        // Reachable by nobody: the prefix, and the directories above it.
        File.SetUnixFileMode(_dir, (UnixFileMode)0x1ED);

        var install = Host.Run("env", [$"PREFIX={_dir}", Script("install.sh"), "--setcap"], TimeSpan.FromMinutes(15));
        Assert.True(install.ExitCode == 0, install.Stderr);
        string program = Path.Combine(_dir, "bin", "protoscope");
        Assert.Contains("cap_net_admin,cap_net_raw=eip", Host.Run("getcap", program).Stdout);
        Assert.True(File.Exists(Path.Combine(_dir, "share", "man", "man1", "protoscope.1.gz")));
        Assert.True(File.Exists(Path.Combine(_dir, "share", "bash-completion", "completions", "protoscope")));

        string[] asNobody = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--inh-caps=-all"];
        var capture = Host.Run(asNobody[0], [.. asNobody[1..], program, "capture", "-i", "lo", "--duration", "0.5"], TimeSpan.FromSeconds(60));
        Assert.True(capture.ExitCode == 0, capture.Stderr);
        Assert.Contains("packets captured", capture.Stderr);
        // The capability is the file's: the same user running another program gets none.
        var other = Host.Run(asNobody[0], [.. asNobody[1..], "tcpdump", "-i", "lo", "-c", "1"], TimeSpan.FromSeconds(60));
        Assert.NotEqual(0, other.ExitCode);
    }
}
