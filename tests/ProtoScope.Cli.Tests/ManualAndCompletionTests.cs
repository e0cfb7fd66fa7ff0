using System.Text.RegularExpressions;

namespace ProtoScope.Cli.Tests;

/// <summary>
/// `protoscope generate man|bash|zsh`: the manual page is valid roff and names every verb and option `--help`
/// names; the bash completion completes verbs, options, fixed values, demo scenarios and interfaces.
/// </summary>
public partial class ManualAndCompletionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("psman").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Generated(string what)
    {
        var r = CliRunner.Run("generate", what);
        Assert.Equal(0, r.ExitCode);
        string path = Path.Combine(_dir, what);
        File.WriteAllText(path, r.Stdout);
        return path;
    }

    /// <summary>The verbs of `protoscope --help`, then for each its options from `protoscope VERB --help`.</summary>
    private static IEnumerable<(string Verb, string Option)> HelpOptions()
    {
        static IEnumerable<string> Section(string help, string title) =>
            help.Split('\n').SkipWhile(l => l != title).Skip(1).TakeWhile(l => l.StartsWith("  ", StringComparison.Ordinal)).Select(l => l.Trim());
        string root = CliRunner.Run("--help").Stdout;
        foreach (var line in Section(root, "Options:"))
            foreach (var spelling in line.Split("  ")[0].Split(' ')[0..].Where(w => w.StartsWith('-')))
                yield return ("", spelling.TrimEnd(','));
        foreach (var verb in Section(root, "Commands:").Select(l => l.Split(' ')[0]))
        {
            yield return (verb, "");
            foreach (var line in Section(CliRunner.Run(verb, "--help").Stdout, "Options:"))
                foreach (var spelling in line.Split("  ")[0].Split(' ').Where(w => w.StartsWith('-')))
                    yield return (verb, spelling.TrimEnd(','));
        }
    }

    [Fact]
    public void The_manual_is_clean_roff_and_names_every_verb_and_option_of_help()
    {
        string page = Generated("man");
        var groff = ProgramRun.Run("groff", ["-man", "-Tutf8", "-ww", "-z", page]);
        Assert.Equal(0, groff.ExitCode);
        Assert.Equal("", groff.Stderr);

        string text = FontChange().Replace(File.ReadAllText(page), "").Replace("\\-", "-");
        foreach (var (verb, option) in HelpOptions())
        {
            if (option == "") Assert.Contains($".SS protoscope {verb}", text);
            else if (option is not ("-?" or "-h" or "--help")) Assert.Contains(option, text);
        }
        foreach (var section in new[] { "EXIT STATUS", "DISPLAY FILTER", "FILES AND FORMATS" })
            Assert.Contains($".SH {section}", text);
        Assert.Contains("tcp.stream", text);
        Assert.Contains("zeek-json", text);
    }

    [GeneratedRegex(@"\\f[BIRP]")]
    private static partial Regex FontChange();

    [Theory]
    [InlineData("protoscope co", "conns")]
    [InlineData("protoscope conns --format ", "zeek zeek-json")]
    [InlineData("protoscope conns --", "--format --max-conns")]
    [InlineData("protoscope capture -i ", "lo any")]
    [InlineData("protoscope -i ", "lo")]
    [InlineData("protoscope demo ", "handshake all")]
    [InlineData("protoscope frames --framing ", "u32le u16be line http none")]
    [InlineData("protoscope follow --framing ", "u32le line http")]
    [InlineData("protoscope echo ", "tcp-server udp-client")]
    [InlineData("protoscope echo tcp-client --", "--framing --half-close")]
    [InlineData("protoscope ladder --color ", "auto always never")]
    [InlineData("protoscope ladder --conn 3 --", "--expand")]
    public void Bash_completes(string line, string expected)
    {
        string script = Generated("bash");
        // The words as bash splits them; a trailing space starts an empty word, the one being completed.
        var words = line.Split(' ');
        string array = string.Join(' ', words.Select(w => $"'{w}'"));
        var r = ProgramRun.Run("bash", ["-c", $"cd '{_dir}' && source '{script}' && COMP_WORDS=({array}) && COMP_CWORD={words.Length - 1} && _protoscope && printf '%s\\n' \"${{COMPREPLY[@]}}\""]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var offered = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (var word in expected.Split(' '))
            Assert.Contains(word, offered);
    }

    [Fact]
    public void The_zsh_completion_has_a_function_for_every_verb()
    {
        string script = File.ReadAllText(Generated("zsh"));
        Assert.StartsWith("#compdef protoscope\n", script);
        foreach (var verb in HelpOptions().Where(h => h.Option == "").Select(h => h.Verb))
            Assert.Contains($"_protoscope_{verb.Replace('-', '_')}() {{", script);
        Assert.Contains("(jsonl text zeek zeek-json)", script);
        Assert.Contains("_protoscope_interfaces", script);
    }
}
