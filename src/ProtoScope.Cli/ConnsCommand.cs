using System.CommandLine;
using ProtoScope.Capture;
using ProtoScope.Core.Formatting;
using ProtoScope.Core.Session;

namespace ProtoScope.Cli;

/// <summary>`protoscope conns FILE`: one line (or JSON object) per TCP connection and UDP conversation, in order of first packet.</summary>
internal static class ConnsCommand
{
    public static Command Create(CliContext ctx)
    {
        var file = new Argument<string>("file") { Description = "A pcap or pcapng capture file." };
        var format = CommonOptions.Format();
        var cmd = new Command("conns", "List the TCP connections and UDP conversations of a capture: how each opened and closed, Zeek's conn_state and history.") { file, format };
        cmd.SetAction(r => Run(ctx, r.GetValue(file)!, r.GetValue(format)!));
        return cmd;
    }

    private static int Run(CliContext ctx, string path, string format)
    {
        using var source = CaptureFile.Open(path);
        var session = new CaptureSession(source.LinkType);
        string? error = SessionReader.ReadAll(source, session, null);
        if (error is not null) return ctx.Fail(error);

        var all = session.Conversations.Tcp.Cast<Conversation>().Concat(session.Conversations.Udp)
            .OrderBy(c => c.FirstFrame).ThenBy(c => c.Proto, StringComparer.Ordinal);
        if (format == "jsonl")
        {
            using var json = new JsonLines(ctx.Stdout);
            foreach (var c in all)
            {
                ConnectionJson.Write(json.Writer, c);
                json.EndLine();
            }
        }
        else
        {
            using var text = ctx.OpenText();
            text.Write(ConnectionTableFormat.Header);
            text.Write('\n');
            foreach (var c in all)
            {
                text.Write(ConnectionTableFormat.Line(c));
                text.Write('\n');
            }
        }
        return ExitCodes.Ok;
    }
}
