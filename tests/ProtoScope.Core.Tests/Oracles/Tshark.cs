namespace ProtoScope.Core.Tests.Oracles;

/// <summary>Debian's tshark as the oracle: its frame numbers for a display filter, and its per-frame fields.</summary>
public static class Tshark
{
    /// <summary>The frame numbers tshark's display filter <paramref name="filter"/> keeps.</summary>
    public static List<long> Frames(string capture, string filter) =>
        Lines(Run("-n", "-r", capture, "-Y", filter, "-T", "fields", "-e", "frame.number")).Select(long.Parse).ToList();

    /// <summary>One row per frame, each field's first occurrence ("" when absent).</summary>
    public static List<string[]> Fields(string capture, params string[] fields)
    {
        var args = new List<string> { "-n", "-r", capture, "-T", "fields", "-E", "occurrence=f", "-E", "separator=\t" };
        foreach (var f in fields) { args.Add("-e"); args.Add(f); }
        return Lines(Run([.. args])).Select(l => l.Split('\t')).ToList();
    }

    private static IEnumerable<string> Lines(string output) => output.Split('\n').Where(l => l.Length > 0);

    private static string Run(params string[] args)
    {
        var (stdout, stderr, exitCode) = ProgramRun.Run("tshark", args);
        if (exitCode != 0) throw new InvalidOperationException($"tshark {string.Join(' ', args)} exited {exitCode}: {stderr}");
        return stdout;
    }
}
