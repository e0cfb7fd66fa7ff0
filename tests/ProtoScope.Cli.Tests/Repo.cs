namespace ProtoScope.Cli.Tests;

/// <summary>Paths of the checkout and of the shared third-party corpus beside it (../shared/corpus).</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string Corpus => Path.GetFullPath(Path.Combine(Root, "..", "shared", "corpus"));

    public static string Captures => Path.Combine(Root, "captures");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ProtoScope.sln"))) return dir.FullName;
        throw new InvalidOperationException("ProtoScope.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Every capture of the shared corpus, as paths relative to it.</summary>
    public static IEnumerable<string> CorpusCaptures() =>
        Directory.EnumerateFiles(Corpus, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".pcap", StringComparison.Ordinal) || f.EndsWith(".pcapng", StringComparison.Ordinal))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}generated{Path.DirectorySeparatorChar}"))
            .Select(f => Path.GetRelativePath(Corpus, f))
            .Order(StringComparer.Ordinal);
}
