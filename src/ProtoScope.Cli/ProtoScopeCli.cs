using System.CommandLine;
using System.Text;
using ProtoScope.Capture;

namespace ProtoScope.Cli;

/// <summary>Where a verb writes: stdout is the program's own output (people pipe it to jq), stderr is for people.</summary>
internal sealed class CliContext(Stream stdout, TextWriter stderr)
{
    public Stream Stdout { get; } = stdout;
    public TextWriter Stderr { get; } = stderr;

    public StreamWriter OpenText() => new(Stdout, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { AutoFlush = false };

    public int Fail(string message)
    {
        Stderr.WriteLine($"protoscope: {message}");
        return ExitCodes.BadInput;
    }
}

internal static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>The program ran but found what it checks for wrong (e.g. an echo mismatch).</summary>
    public const int Failed = 1;
    /// <summary>Bad input: a usage error, a missing or unreadable file, a bad filter. One line on stderr.</summary>
    public const int BadInput = 2;
}

public static class ProtoScopeCli
{
    public static int Run(string[] args, Stream stdout, TextWriter stderr)
    {
        var ctx = new CliContext(stdout, stderr);
        var root = new RootCommand("ProtoScope: capture and inspect TCP and UDP traffic, with length-prefix framing and handshake ladders.");
        root.Subcommands.Add(ReadCommand.Create(ctx));
        TuiCommand.AddTo(root, ctx);

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
                stderr.WriteLine($"protoscope: {error.Message}");
            stderr.WriteLine("Run 'protoscope --help' for usage.");
            return ExitCodes.BadInput;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = stderr, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (CaptureError e)
        {
            return ctx.Fail(e.Message);
        }
        catch (IOException e) when (IsBrokenPipe(e))
        {
            // The reader went away (`protoscope read x | head`): not an error, as for any Unix filter.
            return ExitCodes.Ok;
        }
    }

    private static bool IsBrokenPipe(IOException e) => e.HResult == 32 || e.Message.Contains("Broken pipe", StringComparison.OrdinalIgnoreCase);
}
