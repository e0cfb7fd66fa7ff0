using System.CommandLine;
using ProtoScope.Capture;
using ProtoScope.Core.Formatting;
using ProtoScope.Core.Session;

namespace ProtoScope.Cli;

/// <summary>`protoscope ladder FILE --conn N`: one TCP connection drawn as a sequence diagram.</summary>
internal static class LadderCommand
{
    public static Command Create(CliContext ctx)
    {
        var file = CommonOptions.CaptureFile();
        var conn = new Option<int>("--conn") { Description = "The connection to draw: its id in 'protoscope conns' (tcp.stream).", Required = true };
        var expand = new Option<bool>("--expand") { Description = "Draw every packet; do not collapse runs of data and ACKs." };
        var color = new Option<string>("--color") { Description = "Colour: auto (when stdout is a terminal), always or never.", DefaultValueFactory = _ => "auto" };
        color.AcceptOnlyFromAmong("auto", "always", "never");
        var maxConns = CommonOptions.MaxConnections();
        var cmd = new Command("ladder", "Draw one TCP connection as a ladder: handshake, data and teardown with each side's TCP state.") { file, conn, expand, color, maxConns };
        cmd.SetAction(r => Run(ctx, r.GetValue(file)!, r.GetValue(conn), r.GetValue(expand), r.GetValue(color)!, r.GetValue(maxConns)));
        return cmd;
    }

    internal static int Run(CliContext ctx, string path, int id, bool expand, string color, int maxConns = ConversationTable.DefaultMaxConversations)
    {
        using var source = CaptureFile.Open(path);
        var session = new CaptureSession(source.LinkType, maxConversations: maxConns);
        var steps = new List<LadderStep>();
        string? error = SessionReader.ReadAll(source, session, s =>
        {
            ref readonly var a = ref s.CurrentAnalysis;
            ref readonly var p = ref s.Current;
            if (a.Conversation != id || !p.IsTcp || !p.HasPorts) return;
            steps.Add(new LadderStep(a.Frame, p.Src, p.SrcPort, p.Flags, a.RelativeSeq, a.RelativeAck, a.HasRelativeAck,
                p.PayloadLength, a.Role, a.SenderState, a.ReceiverState));
        });
        ctx.Warn(CommonOptions.LimitWarning(session));
        var tcp = session.Conversations.Tcp;
        if (CommonOptions.NoSuchConnection(path, id, tcp.Count, "draw") is { } missing) return ctx.Fail(error ?? missing);

        bool colour = color == "always" || (color == "auto" && ctx.StdoutIsTerminal && Environment.GetEnvironmentVariable("NO_COLOR") is null or "");
        using var text = ctx.OpenText();
        // A damaged file still draws the packets before the damage, then says what is wrong.
        text.Write(LadderFormat.Render(tcp[id], steps, expand, colour));
        text.Flush();
        return error is null ? ExitCodes.Ok : ctx.Fail(error);
    }
}
