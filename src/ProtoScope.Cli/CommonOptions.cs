using System.CommandLine;

namespace ProtoScope.Cli;

internal static class CommonOptions
{
    public static Option<string> Format()
    {
        var option = new Option<string>("--format") { Description = "Output format: text or jsonl (one JSON object per line).", DefaultValueFactory = _ => "text" };
        option.AcceptOnlyFromAmong("text", "jsonl");
        return option;
    }
}
