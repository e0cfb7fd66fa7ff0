using System.CommandLine;
using ProtoScope.Core.Session;

namespace ProtoScope.Cli;

internal static class CommonOptions
{
    /// <summary>The capture file every reading verb takes first.</summary>
    public static Argument<string> CaptureFile() => new("file") { Description = "A pcap or pcapng capture file." };

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

    /// <summary>The warning printed after a pass that hit the conversation limit; null when it was not hit.</summary>
    public static string? LimitWarning(CaptureSession session) => session.Conversations.UntrackedPackets == 0 ? null
        : $"warning: the limit of {session.Conversations.MaxConversations} tracked connections was reached; "
          + $"{session.Conversations.UntrackedPackets} packets of further connections were shown untracked (raise it with --max-conns)";
}
