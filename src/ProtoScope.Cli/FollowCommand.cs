using System.CommandLine;
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
        var conn = new Option<int>("--conn") { Description = "The TCP stream number (tshark's tcp.stream).", Required = true };
        var hex = new Option<bool>("--hex") { Description = "Hex dump instead of text." };
        var maxConns = CommonOptions.MaxConnections();
        var cmd = new Command("follow", "Print one TCP connection's reassembled conversation, both directions.") { file, conn, hex, maxConns };
        cmd.SetAction(r => Run(ctx, r.GetValue(file)!, r.GetValue(conn), r.GetValue(hex), r.GetValue(maxConns)));
        return cmd;
    }

    private static int Run(CliContext ctx, string path, int conn, bool hex, int maxConns)
    {
        if (conn < 0) return ctx.Fail($"--conn {conn} is negative; give a TCP stream number as `protoscope read` shows it");
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
