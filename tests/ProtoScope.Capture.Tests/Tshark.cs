namespace ProtoScope.Capture.Tests;

/// <summary>tshark as the oracle: what a written file holds, field by field.</summary>
public static class Tshark
{
    /// <summary>One row per frame, the fields tab-separated as tshark prints them. Fails when tshark cannot read the file.</summary>
    public static List<string[]> Fields(string capture, params string[] fields)
    {
        var args = new List<string> { "-n", "-r", capture, "-T", "fields", "-E", "separator=\t", "-E", "occurrence=f" };
        foreach (var f in fields) { args.Add("-e"); args.Add(f); }
        var r = Host.Run("tshark", args, TimeSpan.FromSeconds(60));
        Assert.True(r.ExitCode == 0, $"tshark could not read {capture}: {r.Stderr}");
        Assert.DoesNotContain("cut short", r.Stderr);
        Assert.DoesNotContain("appears to be damaged", r.Stderr);
        return r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).ToList();
    }
}
