using System.Reflection;
using System.Runtime.CompilerServices;

namespace ProtoScope.Cli;

/// <summary>What `protoscope --version` says: the version, the commit the program was built from, and how it was built.</summary>
internal static class BuildInfo
{
    private static readonly Assembly Self = typeof(BuildInfo).Assembly;

    /// <summary>
    /// "native" for a Native AOT binary (it alone cannot generate code at run time), "ReadyToRun" for the published
    /// framework-dependent build (the project stamps it), "JIT" for a plain `dotnet build` (tests, `dotnet run`).
    /// </summary>
    public static string Kind =>
        !RuntimeFeature.IsDynamicCodeSupported ? "native"
        : Self.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "ProtoScope.BuildKind")?.Value ?? "JIT";

    /// <summary>The SDK writes the commit after a '+' in the informational version (SourceLink); none outside a git checkout.</summary>
    public static (string Version, string? Commit) VersionAndCommit()
    {
        string informational = Self.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        int plus = informational.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? (informational, null) : (informational[..plus], informational[(plus + 1)..]);
    }

    /// <summary>One line: "protoscope 1.0.0 (commit b5d5a98db048, native)".</summary>
    public static string VersionLine()
    {
        var (version, commit) = VersionAndCommit();
        string built = commit is null ? Kind : $"commit {commit[..Math.Min(12, commit.Length)]}, {Kind}";
        return $"protoscope {version} ({built})";
    }
}
