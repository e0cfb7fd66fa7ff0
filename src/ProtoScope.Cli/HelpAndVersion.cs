using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace ProtoScope.Cli;

/// <summary>
/// `--help` and `--version` as Unix tools have them: on stdout (the invocation's output), exit 0. The version line
/// names the commit and the kind of build (<see cref="BuildInfo"/>).
/// </summary>
internal static class HelpAndVersion
{
    /// <summary>
    /// Replaces the root's help and version actions. <paramref name="rootFile"/> is the UI's optional FILE: shown in
    /// the root's help, hidden in a verb's, where System.CommandLine would otherwise print it in the usage line
    /// ("protoscope [&lt;file&gt;] conns &lt;file&gt;") and among the verb's arguments.
    /// </summary>
    public static void Install(RootCommand root, Argument rootFile)
    {
        foreach (var option in root.Options)
        {
            if (option is HelpOption help && help.Action is HelpAction builtIn)
                help.Action = new VerbHelp(builtIn, root, rootFile);
            else if (option is VersionOption version)
                version.Action = new PrintVersion();
        }
    }

    private sealed class VerbHelp(HelpAction builtIn, RootCommand root, Argument rootFile) : SynchronousCommandLineAction
    {
        // As the built-in help: `protoscope conns --help` needs no capture file.
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            rootFile.Hidden = parseResult.CommandResult.Command != root;
            try
            {
                return builtIn.Invoke(parseResult);
            }
            finally
            {
                rootFile.Hidden = false;
            }
        }
    }

    private sealed class PrintVersion : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine(BuildInfo.VersionLine());
            return ExitCodes.Ok;
        }
    }
}
