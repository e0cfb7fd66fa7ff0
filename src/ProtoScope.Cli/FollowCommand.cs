using System.CommandLine;
using ProtoScope.Core.Filtering;
using ProtoScope.Core.Decoding;
using ProtoScope.Core.Formatting;
using ProtoScope.Core.Framing;
using ProtoScope.Core.Reassembly;
using ProtoScope.Core.Session;
using ProtoScope.Core.Tcp;

namespace ProtoScope.Cli;

/// <summary>
/// `protoscope follow FILE --conn N`: one TCP connection's reassembled bytes, both ways, in the order they were
/// delivered, like Wireshark's Follow TCP Stream; gaps are marked where bytes are missing. With --framing, message by
/// message instead: each frame, line or HTTP message under a header, an HTTP body de-chunked.
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
        var framing = new FramingOptions(textFramings: true);
        framing.Spec.DefaultValueFactory = null;
        framing.Spec.Description = "Show the conversation message by message, cut with this framing: "
            + string.Join(", ", [.. FramingSpec.Names, .. FramingSpec.TextNames]) + " (HTTP bodies de-chunked). Without it, turn by turn as sent.";
        var cmd = new Command("follow", "Print one TCP connection's reassembled conversation, both directions.") { file, conn, filter, hex, maxConns };
        framing.AddTo(cmd);
        cmd.SetAction(r =>
        {
            if (!CommonOptions.TryParseFilter(r.GetValue(filter), out var displayFilter, out var error)) return ctx.Fail(error!);
            FramingSpec? spec = null;
            if (r.GetValue(framing.Spec) is not null && !framing.TryRead(r, out spec, out error)) return ctx.Fail(error!);
            return Run(ctx, r.GetValue(file)!, r.GetValue(conn), displayFilter, r.GetValue(hex), r.GetValue(maxConns), spec);
        });
        return cmd;
    }

    private static int Run(CliContext ctx, string path, int? chosen, DisplayFilter? filter, bool hex, int maxConns, FramingSpec? spec)
    {
        if (chosen is null && filter is null)
            return ctx.Fail("give the connection to follow: --conn N, or -Y FILTER for the connection of its first matching packet");
        if (chosen is not null && filter is not null)
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
        var follower = new StreamFollower(conn, spec is null ? output : new HeadingAndGaps(output), hex);
        IStreamConsumerFactory streams = follower;
        if (spec is not null)
        {
            // The follower still names the connection, marks gaps and sums each direction up; the messages replace its turns.
            var options = new ConversationFramerOptions { Spec = spec, KeepPayloads = true, Include = c => c.Transport == Transport.Tcp && c.Id == conn };
            streams = new BothConsumers(follower, new ConversationFramer(options, new FollowMessagesText(text, hex)));
        }
        string? failure = OnePass.Run(ctx, path, new Reassembler(streams), maxConns);
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

/// <summary>The follower's heading and gap marks, without its turns: `follow --framing` shows messages instead.</summary>
file sealed class HeadingAndGaps(IFollowOutput output) : IFollowOutput
{
    public void Opened(Conversation c) => output.Opened(c);
    public void Turn(Direction direction, long offset, long frame) { }
    public void Text(Direction direction, string text) { }
    public void Bytes(Direction direction, ReadOnlySpan<byte> bytes, long offset) { }
    public void TurnEnded(Direction direction) { }
    public void Gap(Direction direction, in StreamGap gap) => output.Gap(direction, gap);
}

/// <summary>Hands each direction's reassembled bytes to two consumers, in the order given: one pass feeds both.</summary>
file sealed class BothConsumers(IStreamConsumerFactory first, IStreamConsumerFactory second) : IStreamConsumerFactory
{
    public IStreamConsumer? Create(TcpConnection connection, Direction direction) =>
        (first.Create(connection, direction), second.Create(connection, direction)) switch
        {
            (null, var b) => b,
            (var a, null) => a,
            (var a, var b) => new Pair(a, b),
        };

    private sealed class Pair(IStreamConsumer a, IStreamConsumer b) : IStreamConsumer
    {
        public void OnData(ReadOnlySpan<byte> bytes, long offset, long frame)
        {
            a.OnData(bytes, offset, frame);
            b.OnData(bytes, offset, frame);
        }

        public void OnGap(in StreamGap gap)
        {
            a.OnGap(gap);
            b.OnGap(gap);
        }

        public void OnEnd(StreamEnd end, long offset, long frame)
        {
            a.OnEnd(end, offset, frame);
            b.OnEnd(end, offset, frame);
        }
    }
}
