using System.Text;
using System.Text.Json;

namespace ProtoScope.Cli.Tests;

public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public IEnumerable<JsonElement> JsonLines() =>
        Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement);
}

/// <summary>Runs the CLI in-process, as the `protoscope` executable would, capturing stdout and stderr.</summary>
public static class CliRunner
{
    public static CliResult Run(params string[] args)
    {
        using var stdout = new MemoryStream();
        var stderr = new StringWriter();
        int code = ProtoScopeCli.Run(args, stdout, stderr);
        return new CliResult(code, Encoding.UTF8.GetString(stdout.ToArray()), stderr.ToString());
    }
}
