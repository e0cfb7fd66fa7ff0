namespace ProtoScope.Cli.Tests;

/// <summary>
/// Every case of tests/golden/TESTLIST prints exactly what tests/golden/expected holds: reviewable outputs of `read`,
/// `conns`, `ladder`, `frames` and `follow`, as tcpdump's test suite keeps them. scripts/golden.sh regenerates them
/// with the published program when output changes on purpose; the diff is then the review.
/// </summary>
public class GoldenOutputTests
{
    private static string Golden => Path.Combine(Repo.Root, "tests", "golden");

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var line in File.ReadLines(Path.Combine(Golden, "TESTLIST")))
            if (line.Length > 0 && !line.StartsWith('#')) data.Add(line);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Output_matches_the_golden_file(string testCase)
    {
        var (name, args) = Arguments(testCase);
        var r = CliRunner.Run(args);
        AssertGolden(name, r.ExitCode, r.Stdout, r.Stderr);
    }

    /// <summary>
    /// The same cases through the program scripts/protoscope built, a Native AOT binary where clang is present: its
    /// trimmed System.CommandLine, JSON writers and formatters must print what the in-process CLI prints.
    /// </summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Published_program_prints_the_golden_output(string testCase)
    {
        var (name, args) = Arguments(testCase);
        var command = PublishedProgram.With(args);
        var (stdout, stderr, code) = ProgramRun.Run(command[0], command[1..]);
        AssertGolden(name, code, stdout, stderr);
    }

    private static string Shared => Path.GetFullPath(Path.Combine(Repo.Root, "..", "shared"));

    private static (string Name, string[] Args) Arguments(string testCase)
    {
        var words = testCase.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        string capture = words[2].StartsWith("corpus/", StringComparison.Ordinal)
            ? Path.Combine(Shared, words[2])
            : Path.Combine(Repo.Root, words[2]);
        return (words[0], [words[1], capture, .. words[3..]]);
    }

    private static void AssertGolden(string name, int exitCode, string stdout, string stderr)
    {
        string Relative(string text) => text.Replace(Shared, "../shared").Replace(Repo.Root + "/", "");
        Assert.Equal(File.ReadAllText(Path.Combine(Golden, "expected", name + ".out")), Relative(stdout));
        Assert.Equal(File.ReadAllText(Path.Combine(Golden, "expected", name + ".err")), Relative($"exit {exitCode}\n{stderr}"));
    }
}
