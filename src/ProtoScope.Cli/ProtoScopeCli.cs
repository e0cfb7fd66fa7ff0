using System.CommandLine;
using System.Text;
using ProtoScope.Capture;
using ProtoScope.Core.Formatting;

namespace ProtoScope.Cli;

/// <summary>Where a verb writes: stdout is the program's own output (people pipe it to jq), stderr is for people.</summary>
internal sealed class CliContext(Stream stdout, TextWriter stderr, bool stdoutIsTerminal, CancellationToken stopping)
{
    public Stream Stdout { get; } = stdout;
    public TextWriter Stderr { get; } = stderr;
    /// <summary>True only when the real stdout is a terminal: the one case where colour may be added.</summary>
    public bool StdoutIsTerminal { get; } = stdoutIsTerminal;

    /// <summary>
    /// Fires on SIGINT (Ctrl-C), SIGTERM or SIGHUP: long-running verbs stop cleanly (flush files, close
    /// connections with FIN, print their summary) and exit 0, as tcpdump does.
    /// </summary>
    public CancellationToken Stopping { get; } = stopping;

    /// <summary>A one-line warning on stderr (escaped like <see cref="Fail"/>); the exit code is unchanged.</summary>
    public void Warn(string? message)
    {
        if (message is not null) Stderr.WriteLine($"protoscope: {TerminalText.Escape(message)}");
    }

    /// <summary>
    /// Writes one line to stdout at once, from any thread (peer logs arrive from many connections). The line is
    /// escaped (<see cref="TerminalText"/>): peer logs carry endpoints, sizes and reasons, never payload bytes, but an
    /// exception message or a future field could carry a peer's text.
    /// </summary>
    public void WriteLine(string line)
    {
        var bytes = Encoding.UTF8.GetBytes(TerminalText.Escape(line) + "\n");
        lock (Stdout)
        {
            Stdout.Write(bytes);
            Stdout.Flush();
        }
    }

    public StreamWriter OpenText() => new(Stdout, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { AutoFlush = false };

    /// <summary>
    /// Prints the one-line error and returns exit code 2. The message is escaped (<see cref="TerminalText"/>): it
    /// often quotes a file name or an argument, which may hold escape sequences of their own.
    /// </summary>
    public int Fail(string message)
    {
        Stderr.WriteLine($"protoscope: {TerminalText.Escape(message)}");
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
    /// <summary>The program's entry point. <paramref name="stopping"/> lets tests stop a long-running verb as a signal would.</summary>
    public static int Run(string[] args, Stream stdout, TextWriter stderr, bool stdoutIsTerminal = false, CancellationToken stopping = default)
    {
        using var signals = new StopSignals(stopping);
        var ctx = new CliContext(stdout, stderr, stdoutIsTerminal, signals.Token);
        var root = new RootCommand("ProtoScope: capture and inspect TCP and UDP traffic, with length-prefix framing and handshake ladders.");
        root.Subcommands.Add(ReadCommand.Create(ctx));
        TuiCommand.AddTo(root, ctx);
        root.Subcommands.Add(ConnsCommand.Create(ctx));
        root.Subcommands.Add(LadderCommand.Create(ctx));
        root.Subcommands.Add(FramesCommand.Create(ctx));
        root.Subcommands.Add(FollowCommand.Create(ctx));
        root.Subcommands.Add(DevicesCommand.Create(ctx));
        root.Subcommands.Add(CaptureCommand.Create(ctx));
        root.Subcommands.Add(ReplayCommand.Create(ctx));
        root.Subcommands.Add(EchoCommand.Create(ctx));
        root.Subcommands.Add(DemoCommand.Create(ctx));

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
                stderr.WriteLine($"protoscope: {TerminalText.Escape(error.Message)}");
            stderr.WriteLine("Run 'protoscope --help' for usage.");
            return ExitCodes.BadInput;
        }
        try
        {
            // Signals are ours (StopSignals): System.CommandLine's own handling would end the process with 130.
            return parse.Invoke(new InvocationConfiguration { Output = stderr, Error = stderr, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });
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

    internal static bool IsBrokenPipe(IOException e) => e.HResult == 32 || e.Message.Contains("Broken pipe", StringComparison.OrdinalIgnoreCase);
}
