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
        var words = testCase.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        string name = words[0];
        string shared = Path.GetFullPath(Path.Combine(Repo.Root, "..", "shared"));
        string capture = words[2].StartsWith("corpus/", StringComparison.Ordinal)
            ? Path.Combine(shared, words[2])
            : Path.Combine(Repo.Root, words[2]);

        var r = CliRunner.Run([words[1], capture, .. words[3..]]);

        string Relative(string text) => text.Replace(shared, "../shared").Replace(Repo.Root + "/", "");
        Assert.Equal(File.ReadAllText(Path.Combine(Golden, "expected", name + ".out")), Relative(r.Stdout));
        Assert.Equal(File.ReadAllText(Path.Combine(Golden, "expected", name + ".err")), Relative($"exit {r.ExitCode}\n{r.Stderr}"));
    }
}
