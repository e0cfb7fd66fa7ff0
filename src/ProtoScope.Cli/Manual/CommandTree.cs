using System.CommandLine;
using System.CommandLine.Completions;

namespace ProtoScope.Cli.Manual;

/// <summary>
/// What the manual page and the shell completions read from the System.CommandLine tree that `--help` prints:
/// the visible verbs, their options and arguments, names, defaults and accepted values. One source, so the three
/// cannot drift apart.
/// </summary>
internal static class CommandTree
{
    /// <summary>The verbs under <paramref name="command"/> that users see (the hidden `generate` is not one).</summary>
    public static IEnumerable<Command> Verbs(Command command) => command.Subcommands.Where(c => !c.Hidden);

    public static IEnumerable<Option> Options(Command command) => command.Options.Where(o => !o.Hidden);

    public static IEnumerable<Argument> Arguments(Command command) => command.Arguments.Where(a => !a.Hidden);

    /// <summary>An option's spellings, long first: "--interface", "-i" (the help option's /? and /h left out).</summary>
    public static IEnumerable<string> Spellings(Option option) =>
        new[] { option.Name }.Concat(option.Aliases.Where(a => a.StartsWith('-')).OrderByDescending(a => a.Length));

    /// <summary>True for a switch (--replay): it takes no value.</summary>
    public static bool IsSwitch(Option option) => option.Arity.MaximumNumberOfValues == 0 || option.ValueType == typeof(bool);

    /// <summary>The placeholder of an option's or argument's value: "FILE", "MAX-CONNS".</summary>
    public static string ValueName(Option option) => (option.HelpName ?? option.Name.TrimStart('-')).ToUpperInvariant();

    public static string ValueName(Argument argument) => (argument.HelpName ?? argument.Name).ToUpperInvariant();

    /// <summary>The values an option accepts when they are a fixed list (--format, --color, --framing); empty otherwise.</summary>
    public static IReadOnlyList<string> Values(Option option) => IsSwitch(option)
        ? []
        : option.GetCompletions(CompletionContext.Empty).Select(c => c.Label).ToList();

    public static IReadOnlyList<string> Values(Argument argument) =>
        argument.GetCompletions(CompletionContext.Empty).Select(c => c.Label).ToList();

    /// <summary>The default as `--help` shows it, or null when there is none worth saying (a switch's false).</summary>
    public static string? Default(Option option)
    {
        if (!option.HasDefaultValue || IsSwitch(option)) return null;
        return option.GetDefaultValue() switch
        {
            null => null,
            IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
            var v => v.ToString(),
        };
    }
}
