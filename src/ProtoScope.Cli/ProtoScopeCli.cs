using System.CommandLine;
using System.Text;
using ProtoScope.Capture;
using ProtoScope.Core.Formatting;

namespace ProtoScope.Cli;

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
        root.Subcommands.Add(GraphCommand.Create(ctx));
        root.Subcommands.Add(DevicesCommand.Create(ctx));
        root.Subcommands.Add(CaptureCommand.Create(ctx));
        root.Subcommands.Add(ReplayCommand.Create(ctx));
        root.Subcommands.Add(EchoCommand.Create(ctx));
        root.Subcommands.Add(DemoCommand.Create(ctx));
        root.Subcommands.Add(Manual.GenerateCommand.Create(ctx, root));
        HelpAndVersion.Install(root, root.Arguments.Single());

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
            // Help and version are the output asked for: stdout, as every Unix tool has them.
            using var output = new StreamWriter(stdout, new UTF8Encoding(false), 1 << 12, leaveOpen: true) { AutoFlush = true };
            // Signals are ours (StopSignals): System.CommandLine's own handling would end the process with 130.
            return parse.Invoke(new InvocationConfiguration { Output = output, Error = stderr, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });
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
