using System.CommandLine;
using ProtoScope.Capture;
using ProtoScope.Core.Filtering;
using ProtoScope.Core.Formatting;
using ProtoScope.Core.Session;

namespace ProtoScope.Cli;

/// <summary>`protoscope read FILE`: one line (or JSON object) per packet, like `tcpdump -r`.</summary>
internal static class ReadCommand
{
    public static Command Create(CliContext ctx)
    {
        var file = CommonOptions.CaptureFile();
        var format = CommonOptions.Format();
        var count = new Option<long?>("--count", "-c") { Description = "Stop after this many packets." };
        var maxConns = CommonOptions.MaxConnections();
        var filter = CommonOptions.DisplayFilter("Print only the packets this display filter keeps (tshark's -Y); --count still counts every packet read, as tshark's -c does.");
        var cmd = new Command("read", "Print every packet of a capture, tcpdump-style or as JSON Lines.") { file, format, count, filter, maxConns };
        cmd.SetAction(r => CommonOptions.TryParseFilter(r.GetValue(filter), out var displayFilter, out var error)
            ? Run(ctx, r.GetValue(file)!, r.GetValue(format)!, r.GetValue(count), r.GetValue(maxConns), displayFilter)
            : ctx.Fail(error!));
        return cmd;
    }

    internal static int Run(CliContext ctx, string path, string format, long? limit, int maxConns = ConversationTable.DefaultMaxConversations, DisplayFilter? filter = null)
    {
        using var source = CaptureFile.Open(path);
        var session = new CaptureSession(source.LinkType, source.TimestampUnit, maxConversations: maxConns);
        using var text = format == "text" ? ctx.OpenText() : null;
        using var json = format == "jsonl" ? new JsonLines(ctx.Stdout) : null;
        var tcpdump = new TcpdumpFormat();
        ReadStatus status;
        while ((limit is null || session.PacketCount < limit) && (status = source.ReadDecoded(out var header, out var data, ref session.Next)) != ReadStatus.End)
        {
            if (status == ReadStatus.Error)
            {
                text?.Flush();
                json?.Flush();
                ctx.Warn(CommonOptions.LimitWarning(session));
                return ctx.Fail($"{source.Error}; the {session.PacketCount} packets before it are shown");
            }
            session.AddDecoded(header, data);
            if (filter is not null && !filter.Matches(session.Current, session.CurrentAnalysis)) continue;
            if (text is not null)
            {
                text.Write(tcpdump.Format(header, session.Current, session.CurrentAnalysis, session.CurrentBytes(data)));
                text.Write('\n');
            }
            else if (json is not null)
            {
                PacketJson.Write(json.Writer, header, session.Current, session.CurrentAnalysis, session.CurrentBytes(data));
                json.EndLine();
            }
        }
        text?.Flush();
        json?.Flush();
        ctx.Warn(CommonOptions.LimitWarning(session));
        return ExitCodes.Ok;
    }
}
