namespace ProtoScope.Cli.Tests.Oracles;

/// <summary>Runs Debian's tshark as the per-packet oracle and reads its -T fields output.</summary>
public static class Tshark
{
    /// <summary>One row per frame: field name → all occurrences (tunnels and ICMP errors repeat layers).</summary>
    public static List<Dictionary<string, string[]>> Fields(string capture, params string[] fields)
    {
        var args = new List<string> { "-n", "-r", capture, "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=|", "-E", "separator=\t" };
        foreach (var f in fields) { args.Add("-e"); args.Add(f); }
        var output = Run("tshark", args);
        var rows = new List<Dictionary<string, string[]>>();
        foreach (var line in output.Split('\n'))
        {
            if (line.Length == 0) continue;
            var cells = line.Split('\t');
            var row = new Dictionary<string, string[]>();
            for (int i = 0; i < fields.Length; i++)
                row[fields[i]] = i < cells.Length && cells[i].Length > 0 ? cells[i].Split('|') : [];
            rows.Add(row);
        }
        return rows;
    }

    public static string Run(string program, IEnumerable<string> args) => ProgramRun.Run(program, args).Stdout;
}
