namespace ProtoScope.Tests;

/// <summary>
/// Debian's tshark as the oracle: its fields per frame, the frames a display filter keeps, or any other run.
/// One file over <see cref="ProgramRun"/>, linked into every test project that asks tshark.
/// </summary>
internal static class Tshark
{
    /// <summary>
    /// tshark with <paramref name="args"/>; its stderr without the "Running as user root" warning, which tshark
    /// prints whenever the tests run as root (the live tests must) and which says nothing about the file.
    /// </summary>
    public static (string Stdout, string Stderr, int ExitCode) Run(IEnumerable<string> args)
    {
        var (stdout, stderr, exitCode) = ProgramRun.Run("tshark", args);
        var kept = stderr.Split('\n').Where(l => !l.StartsWith("Running as user", StringComparison.Ordinal));
        return (stdout, string.Join('\n', kept), exitCode);
    }

    /// <summary>
    /// One row per frame that <paramref name="filter"/> keeps (every frame when null), each field's first occurrence
    /// ("" when absent). Fails unless tshark read the file whole.
    /// </summary>
    public static List<string[]> Fields(string capture, string? filter, params string[] fields) =>
        Rows(capture, filter, "occurrence=f", fields).Select(l => l.Split('\t')).ToList();

    /// <summary>
    /// One row per frame: field name → every occurrence, since tunnels and ICMP errors repeat layers.
    /// Fails unless tshark read the file whole.
    /// </summary>
    public static List<Dictionary<string, string[]>> Occurrences(string capture, params string[] fields)
    {
        var rows = new List<Dictionary<string, string[]>>();
        foreach (var line in Rows(capture, null, "occurrence=a", fields))
        {
            var cells = line.Split('\t');
            var row = new Dictionary<string, string[]>();
            for (int i = 0; i < fields.Length; i++)
                row[fields[i]] = i < cells.Length && cells[i].Length > 0 ? cells[i].Split('|') : [];
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>The frame numbers that tshark's display filter <paramref name="filter"/> keeps.</summary>
    public static List<long> Frames(string capture, string filter) =>
        Fields(capture, filter, "frame.number").Select(r => long.Parse(r[0], System.Globalization.CultureInfo.InvariantCulture)).ToList();

    /// <summary>
    /// Fails when tshark did not read the file whole: an exit code other than 0, or a record "cut short" or a
    /// file that "appears to be damaged" (tshark says so on stderr).
    /// </summary>
    public static void AssertReadWhole(string capture, (string Stdout, string Stderr, int ExitCode) run)
    {
        Assert.True(run.ExitCode == 0, $"tshark could not read {capture}: {run.Stderr}");
        Assert.DoesNotContain("cut short", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("appears to be damaged", run.Stderr, StringComparison.Ordinal);
    }

    private static IEnumerable<string> Rows(string capture, string? filter, string occurrence, string[] fields)
    {
        var args = new List<string> { "-n", "-r", capture, "-T", "fields", "-E", occurrence, "-E", "aggregator=|", "-E", "separator=\t" };
        if (filter is not null) { args.Add("-Y"); args.Add(filter); }
        foreach (var f in fields) { args.Add("-e"); args.Add(f); }
        var run = Run(args);
        AssertReadWhole(capture, run);
        return run.Stdout.Split('\n').Where(l => l.Length > 0);
    }
}
