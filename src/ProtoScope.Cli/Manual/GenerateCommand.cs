using System.CommandLine;
using System.Text;

namespace ProtoScope.Cli.Manual;

/// <summary>
/// `protoscope generate man|bash|zsh`, hidden: prints the manual page or a completion script rendered from the
/// command tree this very run parsed with, so the manual, the completions and `--help` cannot drift apart.
/// scripts/install.sh and scripts/package.sh call it.
/// </summary>
internal static class GenerateCommand
{
    public static Command Create(CliContext ctx, RootCommand root)
    {
        var what = new Argument<string>("what") { Description = "man (roff for man(1)), bash or zsh (completion scripts)." };
        what.AcceptOnlyFromAmong("man", "bash", "zsh");
        var cmd = new Command("generate", "Print the manual page or a shell completion script, made from this program's command tree.") { what };
        cmd.Hidden = true;
        cmd.SetAction(r =>
        {
            string text = r.GetValue(what) switch
            {
                "man" => ManPage.Render(root, BuildInfo.VersionLine()),
                "bash" => ShellCompletion.Bash(root),
                _ => ShellCompletion.Zsh(root),
            };
            ctx.Stdout.Write(new UTF8Encoding(false).GetBytes(text));
            ctx.Stdout.Flush();
            return ExitCodes.Ok;
        });
        return cmd;
    }
}
