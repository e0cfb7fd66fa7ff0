using System.CommandLine;
using ProtoScope.Core.Filtering;
using ProtoScope.Core.Formatting;
using ProtoScope.Core.Reassembly;
using ProtoScope.Core.Session;

namespace ProtoScope.Cli;

/// <summary>
/// `protoscope follow FILE --conn N`: one TCP connection's reassembled bytes, both ways, in the order they were
/// delivered, like Wireshark's Follow TCP Stream; gaps are marked where bytes are missing.
/// </summary>
internal static class FollowCommand
{
    public static Command Create(CliContext ctx)
    {
        var file = CommonOptions.CaptureFile();
        var conn = new Option<int?>("--conn") { Description = "The TCP stream number (tshark's tcp.stream). Give this or -Y." };
        var hex = new Option<bool>("--hex") { Description = "Hex dump instead of text." };
        var maxConns = CommonOptions.MaxConnections();
        var filter = CommonOptions.DisplayFilter("Follow the connection of the first TCP packet this display filter keeps, as Wireshark follows the packet selected in a filtered list. Give this or --conn.");
        var cmd = new Command("follow", "Print one TCP connection's reassembled conversation, both directions.") { file, conn, filter, hex, maxConns };
        cmd.SetAction(r =>
        {
            if (!CommonOptions.TryParseFilter(r.GetValue(filter), out var displayFilter, out var error)) return ctx.Fail(error!);
            return Run(ctx, r.GetValue(file)!, r.GetValue(conn), displayFilter, r.GetValue(hex), r.GetValue(maxConns));
        });
        return cmd;
    }

    private static int Run(CliContext ctx, string path, int? chosen, DisplayFilter? filter, bool hex, int maxConns)
    {
        if ((chosen is null) == (filter is null))
            return ctx.Fail("give the connection to follow either as --conn N or as -Y FILTER (the connection of its first matching packet), not both");
        if (chosen < 0) return ctx.Fail($"--conn {chosen} is negative; give a TCP stream number as `protoscope read` shows it");
        int conn;
        if (filter is not null)
        {
            if (FilterPass.FirstTcpStream(path, filter, maxConns) is not { } first)
                return ctx.Fail($"no TCP packet of {path} matches the display filter '{filter.Text}'");
            conn = first.Stream;
            ctx.Warn($"note: following tcp.stream {conn}: frame {first.Frame} is the first packet that matches");
        }
        else conn = chosen!.Value;
        using var text = ctx.OpenText();
        var output = new FollowText(text, conn, hex);
        var follower = new StreamFollower(conn, output, hex);
        string? failure = OnePass.Run(ctx, path, new Reassembler(follower), maxConns);
        follower.Flush();
        if (failure is null && follower.Connection is null)
        {
            text.Flush();
            return ctx.Fail($"{path} has no TCP stream {conn} with data or a handshake; `protoscope read {path}` shows the stream numbers");
        }
        output.Summary(follower.Totals(Direction.Orig), follower.Totals(Direction.Resp));
        text.Flush();
        return failure is null ? ExitCodes.Ok : ctx.Fail(failure);
    }
}
