using System.CommandLine;
using ProtoScope.Tui.Lessons;

namespace ProtoScope.Cli;

/// <summary>The language of the UI's lesson pane, for the verbs that open the UI.</summary>
internal static class LessonOptions
{
    public static Option<string> Language()
    {
        var option = new Option<string>("--lang")
        {
            Description = "Language of the lesson pane: en or zh (default: from LC_ALL, LC_MESSAGES or LANG).",
            DefaultValueFactory = _ => LessonBook.LanguageFromEnvironment(),
        };
        option.AcceptOnlyFromAmong([.. LessonBook.Languages]);
        return option;
    }
}
