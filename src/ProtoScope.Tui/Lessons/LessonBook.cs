using System.Reflection;
using System.Text;

namespace ProtoScope.Tui.Lessons;

/// <summary>
/// The lesson texts of one language, read from the embedded data file <c>Lessons/lessons.LANG.txt</c>: a
/// <c>[key]</c> line, then the text up to the next key (lines are joined; a blank line starts a new paragraph).
/// Texts may name the numbers of the packet they explain as <c>{seq}</c>, <c>{ack}</c>, <c>{len}</c>,
/// <c>{next}</c>. The keys are listed by <see cref="LessonKeys"/>; a test checks every language has them all.
/// </summary>
public sealed class LessonBook
{
    /// <summary>The languages there is a file for; the first is the fallback.</summary>
    public static readonly IReadOnlyList<string> Languages = ["en", "zh"];

    private readonly Dictionary<string, string> _texts;

    private LessonBook(string language, Dictionary<string, string> texts)
    {
        Language = language;
        _texts = texts;
    }

    public string Language { get; }

    public IReadOnlyCollection<string> Keys => _texts.Keys;

    /// <summary>The text of <paramref name="key"/>, or null when the file has none.</summary>
    public string? Find(string key) => _texts.GetValueOrDefault(key);

    /// <summary>The text of <paramref name="key"/>; a key missing from the file shows as itself, so the gap is seen rather than hidden.</summary>
    public string this[string key] => _texts.GetValueOrDefault(key) ?? $"[{key}]";

    private static readonly Dictionary<string, LessonBook> Loaded = [];

    /// <summary>The book of <paramref name="language"/> ("en", "zh"); an unknown language gets English.</summary>
    public static LessonBook Load(string language)
    {
        if (!Languages.Contains(language)) language = Languages[0];
        lock (Loaded)
        {
            if (Loaded.TryGetValue(language, out var book)) return book;
            using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"ProtoScope.Tui.Lessons.lessons.{language}.txt")
                ?? throw new InvalidOperationException($"the lesson file for '{language}' is not embedded");
            using var reader = new StreamReader(stream, Encoding.UTF8);
            book = new LessonBook(language, Parse(reader.ReadToEnd()));
            Loaded[language] = book;
            return book;
        }
    }

    /// <summary>
    /// The language a locale name asks for ("zh_CN.UTF-8" → zh): LC_ALL, then LC_MESSAGES, then LANG, as
    /// gettext looks; anything but Chinese gets English.
    /// </summary>
    public static string LanguageOf(string? lcAll, string? lcMessages, string? lang)
    {
        string? locale = new[] { lcAll, lcMessages, lang }.FirstOrDefault(v => !string.IsNullOrEmpty(v));
        return locale is not null && locale.StartsWith("zh", StringComparison.OrdinalIgnoreCase) ? "zh" : "en";
    }

    /// <summary>The language of this process's locale (<see cref="LanguageOf"/>).</summary>
    public static string LanguageFromEnvironment() => LanguageOf(
        Environment.GetEnvironmentVariable("LC_ALL"), Environment.GetEnvironmentVariable("LC_MESSAGES"), Environment.GetEnvironmentVariable("LANG"));

    private static Dictionary<string, string> Parse(string file)
    {
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        string? key = null;
        var text = new StringBuilder();
        void Close()
        {
            if (key is null) return;
            if (!texts.TryAdd(key, text.ToString().Trim()))
                throw new InvalidOperationException($"lesson key [{key}] appears twice");
            text.Clear();
        }
        foreach (var raw in file.Split('\n'))
        {
            string line = raw.TrimEnd('\r');
            if (line.StartsWith('#')) continue;
            if (line.StartsWith('[') && line.EndsWith(']'))
            {
                Close();
                key = line[1..^1];
                continue;
            }
            if (line.Trim().Length == 0)
            {
                if (text.Length > 0 && text[^1] != '\n') text.Append('\n');
                continue;
            }
            // Chinese text joins without a space; English words need one.
            if (text.Length > 0 && text[^1] != '\n' && !IsWide(text[^1]) && !IsWide(line.TrimStart()[0])) text.Append(' ');
            text.Append(line.Trim());
        }
        Close();
        return texts;
    }

    private static bool IsWide(char c) => c >= 0x2E80;
}
