namespace ProtoScope.Tests;

/// <summary>
/// Paths of the checkout and of the shared third-party corpus beside it (../shared/corpus).
/// One file, linked into every test project that reads a capture from either.
/// </summary>
internal static class Repo
{
    public static string Root { get; } = FindRoot();

    /// <summary>The shared corpus directory: tcpdump's, Zeek's and generated captures with their expected outputs.</summary>
    public static string Corpus => Path.GetFullPath(Path.Combine(Root, "..", "shared", "corpus"));

    /// <summary>A file of the shared corpus by its path relative to <see cref="Corpus"/>.</summary>
    public static string CorpusFile(string relative) => Path.Combine(Corpus, relative);

    /// <summary>The checkout's own sample captures.</summary>
    public static string Captures => Path.Combine(Root, "captures");

    /// <summary>captures/loopback-echo.pcap: what scripts/record-loopback.sh sent over 127.0.0.1.</summary>
    public static string LoopbackEcho => Path.Combine(Captures, "loopback-echo.pcap");

    /// <summary>Every capture of the shared corpus but the generated ones, as paths relative to <see cref="Corpus"/>.</summary>
    public static IEnumerable<string> CorpusCaptures() =>
        Directory.EnumerateFiles(Corpus, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".pcap", StringComparison.Ordinal) || f.EndsWith(".pcapng", StringComparison.Ordinal))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}generated{Path.DirectorySeparatorChar}"))
            .Select(f => Path.GetRelativePath(Corpus, f))
            .Order(StringComparer.Ordinal);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ProtoScope.sln"))) return dir.FullName;
        throw new InvalidOperationException("ProtoScope.sln not found above " + AppContext.BaseDirectory);
    }
}
