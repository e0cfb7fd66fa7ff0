using System.Buffers;
using System.CommandLine;
using System.Text;
using ProtoScope.Capture;
using ProtoScope.Core.Decoding;
using ProtoScope.Core.Filtering;
using ProtoScope.Core.Formatting;
using ProtoScope.Core.Session;

namespace ProtoScope.Cli;

/// <summary>`protoscope conns FILE`: one line (or JSON object) per TCP connection and UDP conversation, in order of first packet.</summary>
internal static class ConnsCommand
{
    public static Command Create(CliContext ctx)
    {
        var file = CommonOptions.CaptureFile();
        var format = CommonOptions.ConnsFormat();
        var maxConns = CommonOptions.MaxConnections();
        var filter = CommonOptions.DisplayFilter("List only the connections with at least one packet this display filter keeps.");
        var cmd = new Command("conns", "List the TCP connections and UDP conversations of a capture: how each opened and closed, Zeek's conn_state and history.") { file, format, filter, maxConns };
        cmd.SetAction(r => CommonOptions.TryParseFilter(r.GetValue(filter), out var displayFilter, out var error)
            ? Run(ctx, r.GetValue(file)!, r.GetValue(format)!, r.GetValue(maxConns), displayFilter)
            : ctx.Fail(error!));
        return cmd;
    }

    private static int Run(CliContext ctx, string path, string format, int maxConns, DisplayFilter? filter)
    {
        using var source = CaptureFile.Open(path);
        var session = new CaptureSession(source.LinkType, maxConversations: maxConns);
        var matching = filter is null ? null : new HashSet<(Transport, int)>();
        // A damaged file still lists the connections of the packets before the damage, then says what is wrong.
        string? error = SessionReader.ReadAll(source, session, filter is null ? null : FilterPass.CollectMatching(filter, matching!));

        var all = InOrderOfFirstPacket(session.Conversations).Where(c => matching is null || matching.Contains((c.Transport, c.Id))).ToList();
        if (format is "jsonl" or "zeek-json")
        {
            ParallelLines.Write(ctx.Stdout, all, (chunk, list, first, count) =>
            {
                using var json = new JsonLines(chunk);
                for (int i = first; i < first + count; i++)
                {
                    if (format == "jsonl") ConnectionJson.Write(json.Writer, list[i]);
                    else ZeekConnLog.WriteJson(json.Writer, list[i]);
                    json.EndLine();
                }
            });
        }
        else if (format == "zeek")
        {
            using (var text = ctx.OpenText()) text.Write(ZeekConnLog.Header(all.Count == 0 ? 0 : all[0].StartTime));
            ParallelLines.Write(ctx.Stdout, all, (chunk, list, first, count) =>
            {
                var text = new StringBuilder(count * 256);
                for (int i = first; i < first + count; i++) text.Append(ZeekConnLog.Line(list[i])).Append('\n');
                Utf8(chunk, text);
            });
            using (var text = ctx.OpenText()) text.Write(ZeekConnLog.Footer(all.Count == 0 ? 0 : all.Max(c => c.EndTime)));
        }
        else
        {
            using (var text = ctx.OpenText())
            {
                text.Write(ConnectionTableFormat.Header);
                text.Write('\n');
            }
            ParallelLines.Write(ctx.Stdout, all, (chunk, list, first, count) =>
            {
                var text = new StringBuilder(count * 128);
                for (int i = first; i < first + count; i++)
                {
                    ConnectionTableFormat.Append(text, list[i]);
                    text.Append('\n');
                }
                Utf8(chunk, text);
            });
        }
        ctx.Stdout.Flush();
        // On stderr, so stdout stays the table or JSON Lines: the connections beyond the limit are not in it.
        ctx.Warn(CommonOptions.LimitWarning(session));
        return error is null ? ExitCodes.Ok : ctx.Fail(error);
    }

    private static void Utf8(ArrayBufferWriter<byte> chunk, StringBuilder text)
    {
        // One encoder over the builder's pieces, so that a character split between two pieces is still encoded whole.
        var encoder = Encoding.UTF8.GetEncoder();
        foreach (var part in text.GetChunks()) EncodingExtensions.Convert(encoder, part.Span, chunk, flush: false, out _, out _);
        EncodingExtensions.Convert(encoder, [], chunk, flush: true, out _, out _);
    }

    /// <summary>
    /// TCP connections and UDP conversations merged by first packet: each list is already in that order (a
    /// conversation is numbered when its first packet is seen), so no sort is needed, and no packet starts both.
    /// </summary>
    private static IEnumerable<Conversation> InOrderOfFirstPacket(ConversationTable table)
    {
        var (tcp, udp) = (table.Tcp, table.Udp);
        int t = 0, u = 0;
        while (t < tcp.Count || u < udp.Count)
        {
            if (u == udp.Count || (t < tcp.Count && tcp[t].FirstFrame <= udp[u].FirstFrame)) yield return tcp[t++];
            else yield return udp[u++];
        }
    }
}
