using System.Diagnostics;

namespace ProtoScope.Cli.Tests;

/// <summary>
/// `protoscope VERB -` reads the capture from standard input, as `tcpdump -r -` and `tshark -r -` do, so that a
/// capture can be piped in (`tcpdump -w - | protoscope read -`). Run as the real program with the capture coming
/// through a pipe, and compared with the same verb reading the file.
/// </summary>
public sealed class StandardInputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("protoscope-stdin-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>`cat CAPTURE | protoscope ARGS...`, the program's stdout and stderr kept apart.</summary>
    private (int ExitCode, string Stdout, string Stderr) Piped(string capture, params string[] args)
    {
        string stdout = Path.Combine(_dir, "stdout"), stderr = Path.Combine(_dir, "stderr");
        var psi = new ProcessStartInfo("bash") { UseShellExecute = false };
        foreach (var a in new[] { "-c", "cat \"$0\" | \"${@:3}\" >\"$1\" 2>\"$2\"", capture, stdout, stderr }.Concat(PublishedProgram.With(args)))
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        Assert.True(p.WaitForExit(TimeSpan.FromSeconds(60)), "protoscope did not exit");
        return (p.ExitCode, File.ReadAllText(stdout), File.ReadAllText(stderr));
    }

    public static TheoryData<string> Captures => new()
    {
        Path.Combine(Repo.Root, "captures", "sticky.pcap"),
        Path.Combine(Repo.Root, "captures", "loopback-echo.pcap"),
        Path.Combine(Repo.Corpus, "zeek", "captures", "pcapng-multi-interface.pcapng"),
    };

    [Theory]
    [MemberData(nameof(Captures))]
    public void A_capture_piped_in_reads_as_the_file_does(string capture)
    {
        foreach (var verb in new[] { new[] { "read", "--format", "jsonl" }, ["conns", "--format", "jsonl"], ["frames"] })
        {
            var piped = Piped(capture, [.. verb, "-"]);
            var file = CliRunner.Run([.. verb, capture]);
            Assert.Equal(0, piped.ExitCode);
            Assert.Equal("", piped.Stderr);
            Assert.NotEqual("", file.Stdout);
            Assert.Equal(file.Stdout, piped.Stdout);
        }
    }

    [Fact]
    public void What_is_not_a_capture_on_standard_input_is_one_line_and_exit_2()
    {
        var path = Path.Combine(_dir, "not-a-capture");
        File.WriteAllText(path, "hello\n");
        var r = Piped(path, "conns", "-");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("protoscope: standard input: not a capture file libpcap can read (unknown file format); expected pcap or pcapng\n", r.Stderr);
    }

    /// <summary>A pipe given by its path would lose its first bytes to the checks a file gets: it is refused with the way that works.</summary>
    [Fact]
    public void A_pipe_given_as_a_path_says_to_give_dash()
    {
        var r = Piped(Path.Combine(Repo.Root, "captures", "sticky.pcap"), "read", "/dev/stdin");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("protoscope: /dev/stdin: not a regular file; to read a capture from a pipe, give '-' and pipe it in\n", r.Stderr);
        Assert.Equal("", r.Stdout);
    }

    [Fact]
    public void A_verb_that_reads_the_capture_twice_says_so()
    {
        var r = Piped(Path.Combine(Repo.Root, "captures", "sticky.pcap"), "follow", "-Y", "tcp", "-");
        Assert.Equal(2, r.ExitCode);
        Assert.EndsWith("protoscope: standard input can be read only once, and this reads the capture twice: give it as a file\n", r.Stderr);
    }
}
