namespace ProtoScope.Cli.Tests;

/// <summary>
/// The program as scripts/protoscope builds it: native where clang is present, and with a Unix tool's manners
/// (help and version on stdout with exit 0, errors on stderr with exit 2).
/// </summary>
public class PublishedProgramTests
{
    private static (string Stdout, string Stderr, int ExitCode) Run(params string[] args)
    {
        var command = PublishedProgram.With(args);
        return ProgramRun.Run(command[0], command[1..]);
    }

    [Fact]
    public void Scripts_build_a_native_executable_when_clang_is_present()
    {
        bool toolchain = Environment.GetEnvironmentVariable("PATH")!.Split(':').Any(d => File.Exists(Path.Combine(d, "clang")))
            && File.Exists("/usr/include/zlib.h");
        Assert.SkipUnless(toolchain, "clang or zlib1g-dev is not installed: scripts/protoscope builds ReadyToRun");

        Assert.True(PublishedProgram.IsNative, "clang is present but scripts/protoscope did not build the native binary");
        string binary = PublishedProgram.File;
        var magic = new byte[4];
        using (var f = File.OpenRead(binary)) f.ReadExactly(magic);
        Assert.Equal("\u007fELF"u8.ToArray(), magic);
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(binary)!, "protoscope.dll")), "a protoscope.dll beside the native binary");
        var (stdout, _, code) = Run("--version");
        Assert.Equal(0, code);
        Assert.EndsWith(", native)\n", stdout);
    }

    /// <summary>
    /// Terminal.Gui binds its whole configuration (built-in themes, ~/.tui and ./.tui files, TUI_CONFIG) in a module
    /// initializer, which Native AOT runs before Main: every verb paid for the UI's configuration, most of a small
    /// `conns`. The native build stubs it and the UI runs it itself; a verb must not read ./.tui/config.json.
    /// </summary>
    [Theory]
    [InlineData("--version")]
    [InlineData("conns", "CAPTURE")]
    public void A_verb_does_not_read_the_uis_configuration(params string[] args)
    {
        string dir = Directory.CreateTempSubdirectory("protoscope-verb-").FullName;
        try
        {
            string config = Path.Combine(dir, ".tui", "config.json");
            Directory.CreateDirectory(Path.GetDirectoryName(config)!);
            File.WriteAllText(config, """{ "Theme": "TurboPascal 5" }""");
            string trace = Path.Combine(dir, "trace");
            var command = PublishedProgram.With(args.Select(a => a == "CAPTURE" ? Path.Combine(Repo.Captures, "loopback-echo.pcap") : a).ToArray());
            var (_, stderr, code) = ProgramRun.Run("strace", ["-f", "-qq", "-e", "trace=open,openat,openat2", "-o", trace, .. command], dir);
            Assert.True(code == 0, stderr);
            string opened = File.ReadAllText(trace);
            // The trace is the program's own: the capture a verb reads is in it.
            if (args[0] == "conns") Assert.Contains("loopback-echo.pcap", opened);
            Assert.DoesNotContain(".tui", opened);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Version_goes_to_stdout_with_the_commit_and_the_build_kind()
    {
        var (stdout, stderr, code) = Run("--version");
        Assert.Equal(0, code);
        Assert.Equal("", stderr);
        Assert.Matches(@"^protoscope \d+\.\d+\.\d+\S* \(commit [0-9a-f]{12}, (native|ReadyToRun)\)\n$", stdout);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("conns", "--help")]
    [InlineData("capture", "--help")]
    public void Help_goes_to_stdout_with_exit_0(params string[] args)
    {
        var (stdout, stderr, code) = Run(args);
        Assert.Equal(0, code);
        Assert.Equal("", stderr);
        Assert.Contains("Usage:", stdout);
    }

    [Fact]
    public void A_verbs_usage_line_does_not_carry_the_uis_file_argument()
    {
        var (stdout, _, _) = Run("conns", "--help");
        Assert.Contains("\n  protoscope conns <file> [options]\n", stdout);
        Assert.DoesNotContain("terminal UI", stdout);
        // The root's help still shows it: `protoscope FILE` opens the UI.
        Assert.Contains("[<file>]", Run("--help").Stdout);
    }

    [Theory]
    [InlineData("conns")]
    [InlineData("conns", "/nonexistent.pcap")]
    [InlineData("no-such-verb")]
    public void Errors_go_to_stderr_with_exit_2(params string[] args)
    {
        var (stdout, stderr, code) = Run(args);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.StartsWith("protoscope: ", stderr);
    }
}
