using System.CommandLine;
using ProtoScope.Core.Filtering;
using ProtoScope.Core.Formatting;
using ProtoScope.Core.Framing;
using ProtoScope.Core.Reassembly;
using ProtoScope.Core.Session;

namespace ProtoScope.Cli;

/// <summary>
/// `protoscope frames FILE`: every TCP direction reassembled and cut into length-prefixed frames (or lines, or HTTP
/// requests and responses), every UDP datagram as a message (and the frames it holds), with the packets each message
/// came from.
/// </summary>
internal static class FramesCommand
{
    public static Command Create(CliContext ctx)
    {
        var file = CommonOptions.CaptureFile();
        var framing = new FramingOptions(allowNone: true, textFramings: true);
        var port = new Option<int?>("--port") { Description = "Frame only conversations on this port; without it every conversation is tried and those that do not parse are reported as not framed." };
        var conn = new Option<int?>("--conn") { Description = "Only TCP stream / UDP conversation N (tshark's tcp.stream / udp.stream)." };
        var payload = new Option<bool>("--payload") { Description = "Include each payload: base64 in JSONL (payload_b64), escaped text or hex in text." };
        var format = CommonOptions.Format();
        var maxConns = CommonOptions.MaxConnections();
        var filter = CommonOptions.DisplayFilter("Only the conversations with at least one packet this display filter keeps (all of their messages).");
        var cmd = new Command("frames", "Cut reassembled TCP streams and UDP datagrams into length-prefixed frames, lines or HTTP messages.")
        {
            file, port, conn, payload, format, filter, maxConns,
        };
        framing.AddTo(cmd);
        cmd.SetAction(r =>
        {
            if (!framing.TryRead(r, out var spec, out var error) || !CommonOptions.TryParseFilter(r.GetValue(filter), out var displayFilter, out error))
                return ctx.Fail(error!);
            return Run(ctx, r.GetValue(file)!, spec, r.GetValue(port), r.GetValue(conn), r.GetValue(payload), r.GetValue(format)!, r.GetValue(maxConns), displayFilter);
        });
        return cmd;
    }

    private static int Run(CliContext ctx, string path, FramingSpec? spec, int? port, int? conn, bool payload, string format, int maxConns, DisplayFilter? filter)
    {
        if (port is < 0 or > 65535)
            return ctx.Fail($"--port {port} is not a port number (0-65535)");
        // A message spans many packets and is cut long after the first of them: the conversations are chosen by a
        // pass of their own, then every message of each is shown, as `conns -Y` lists them.
        var matching = filter is null ? null : FilterPass.Conversations(path, filter, maxConns);

        using var text = format == "text" ? ctx.OpenText() : null;
        using var json = format == "jsonl" ? new JsonLines(ctx.Stdout) : null;
        IMessageSink sink = text is not null ? new MessageText(text, payload) : new MessageJson(json!, payload);
        var options = new ConversationFramerOptions
        {
            Spec = spec,
            KeepPayloads = payload,
            DetectNotFramed = port is null,
            Include = c => (conn is null || c.Id == conn) && (port is null || c.OrigPort == port || c.RespPort == port)
                && (matching is null || matching.Contains((c.Transport, c.Id))),
        };
        var framer = new ConversationFramer(options, sink);
        var reassembler = new Reassembler(framer, framer);
        string? failure = OnePass.Run(ctx, path, reassembler, maxConns, note =>
            ctx.Stderr.WriteLine($"protoscope: note: tcp {note.Conversation} {note.Direction.Name()} frame {note.Frame}: {note.Text}"));
        text?.Flush();
        json?.Flush();
        return failure is null ? ExitCodes.Ok : ctx.Fail(failure);
    }
}
