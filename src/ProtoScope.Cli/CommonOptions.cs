using System.CommandLine;
using ProtoScope.Core.Filtering;
using ProtoScope.Core.Session;

namespace ProtoScope.Cli;

internal static class CommonOptions
{
    /// <summary>The capture file every reading verb takes first.</summary>
    public static Argument<string> CaptureFile() => new("file") { Description = "A pcap or pcapng capture file; - reads it from standard input." };

    public static Option<string> Format()
    {
        var option = new Option<string>("--format") { Description = "Output format: text or jsonl (one JSON object per line).", DefaultValueFactory = _ => "text" };
        option.AcceptOnlyFromAmong("text", "jsonl");
        return option;
    }

    /// <summary>`conns`' formats: those of <see cref="Format"/> and Zeek's conn.log, as TSV or JSON.</summary>
    public static Option<string> ConnsFormat()
    {
        var option = new Option<string>("--format")
        {
            Description = "Output format: text, jsonl (one JSON object per line), zeek (Zeek's conn.log, tab-separated) or zeek-json (Zeek's JSON conn.log).",
            DefaultValueFactory = _ => "text",
        };
        option.AcceptOnlyFromAmong("text", "jsonl", "zeek", "zeek-json");
        return option;
    }

    /// <summary>The session's limit of tracked TCP connections and UDP conversations (see ConversationTable).</summary>
    public static Option<int> MaxConnections()
    {
        var option = new Option<int>("--max-conns")
        {
            Description = "Track at most this many TCP connections and UDP conversations; packets of further ones are shown untracked and counted.",
            DefaultValueFactory = _ => ConversationTable.DefaultMaxConversations,
        };
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1) r.AddError("--max-conns must be at least 1");
        });
        return option;
    }

    /// <summary>tshark's <c>-Y</c>: the UI's display filter language, on the command line.</summary>
    public static Option<string?> DisplayFilter(string description) =>
        new("--display-filter", "-Y") { Description = description + " The language of the UI's / bar (README: Display filters)." };

    /// <summary>
    /// Parses the text of <c>-Y</c>; no text is no filter (null). A mistake is returned as the one line
    /// <see cref="CliContext.Fail"/> prints: what is wrong and at which column.
    /// </summary>
    public static bool TryParseFilter(string? text, out DisplayFilter? filter, out string? error)
    {
        filter = null;
        error = null;
        if (text is null) return true;
        if (Core.Filtering.DisplayFilter.TryParse(text, out filter, out var mistake)) return true;
        error = $"bad display filter '{text}': {mistake}";
        return false;
    }

    /// <summary>
    /// The one-line reason <c>--conn <paramref name="id"/></c> picks none of a capture's <paramref name="count"/> TCP
    /// connections (what the verb wanted to <paramref name="purpose"/>, e.g. "draw"); null when it picks one.
    /// </summary>
    public static string? NoSuchConnection(string path, int id, int count, string purpose) =>
        id >= 0 && id < count ? null
        : count == 0 ? $"{path} has no TCP connection to {purpose}"
        : $"no TCP connection {id} in {path}: ids go from 0 to {count - 1} (see 'protoscope conns {path}')";

    /// <summary>The warning printed after a pass that hit the conversation limit; null when it was not hit.</summary>
    public static string? LimitWarning(CaptureSession session) => session.Conversations.UntrackedPackets == 0 ? null
        : $"warning: the limit of {session.Conversations.MaxConversations} tracked connections was reached; "
          + $"{session.Conversations.UntrackedPackets} packets of further connections were shown untracked (raise it with --max-conns)";
}
