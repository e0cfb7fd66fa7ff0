using System.CommandLine;
using System.Globalization;
using System.Text;
using ProtoScope.Core.Formatting;
using ProtoScope.Core.Reassembly;
using ProtoScope.Core.Session;
using ProtoScope.Core.Tcp;

namespace ProtoScope.Cli;

/// <summary>
/// `protoscope follow FILE --conn N`: one TCP connection's reassembled bytes, both ways, in the order they were
/// delivered, like Wireshark's Follow TCP Stream; gaps are marked where bytes are missing.
/// </summary>
internal static class FollowCommand
{
    public static Command Create(CliContext ctx)
    {
        var file = new Argument<string>("file") { Description = "A pcap or pcapng capture file." };
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
        var output = new TextOutput(text, conn, hex);
        var follower = new StreamFollower(conn, output, hex);
        string? failure = OnePass.Run(ctx, path, new Reassembler(follower), maxConns);
        follower.Flush();
        if (failure is null && follower.Connection is null)
        {
            text.Flush();
            return ctx.Fail($"{path} has no TCP stream {conn} with data or a handshake; `protoscope read {path}` shows the stream numbers");
        }
        text.Write(string.Create(CultureInfo.InvariantCulture,
            $"\n=== orig -> resp: {follower.BytesOf(Direction.Orig)} bytes, {follower.MissingOf(Direction.Orig)} missing, {EndName(follower.EndOf(Direction.Orig))}; resp -> orig: {follower.BytesOf(Direction.Resp)} bytes, {follower.MissingOf(Direction.Resp)} missing, {EndName(follower.EndOf(Direction.Resp))} ===\n"));
        text.Flush();
        return failure is null ? ExitCodes.Ok : ctx.Fail(failure);
    }

    private static string EndName(StreamEnd? end) => end switch
    {
        StreamEnd.Fin => "FIN",
        StreamEnd.Reset => "RST",
        StreamEnd.CaptureEnd => "open at capture end",
        _ => "no data",
    };

    /// <summary>The follow text: a header per turn, the text (or a hex dump), gaps marked.</summary>
    private sealed class TextOutput(TextWriter text, int conn, bool hex) : IFollowOutput
    {
        private readonly StringBuilder _line = new();

        public void Opened(TcpConnection connection) =>
            text.Write(string.Create(CultureInfo.InvariantCulture,
                $"Follow TCP stream {conn}: {Endpoint(connection.OrigAddress.ToString(), connection.OrigPort)} (orig) <-> {Endpoint(connection.RespAddress.ToString(), connection.RespPort)} (resp)\n"));

        private static string Endpoint(string address, ushort port) => address.Contains(':') ? $"[{address}]:{port}" : $"{address}:{port}";

        public void Turn(Direction d, long offset, long frame)
        {
            string arrow = d == Direction.Orig ? "orig -> resp" : "resp -> orig";
            text.Write(string.Create(CultureInfo.InvariantCulture, $"\n=== {arrow} (offset {offset}, packet {frame}) ===\n"));
        }

        public void Text(Direction d, string escaped) => text.Write(escaped);

        public void TurnEnded(Direction d)
        {
            if (!hex) text.Write('\n');
        }

        public void Bytes(Direction d, ReadOnlySpan<byte> bytes, long offset)
        {
            var i = CultureInfo.InvariantCulture;
            for (int row = 0; row < bytes.Length; row += 16)
            {
                var part = bytes.Slice(row, Math.Min(16, bytes.Length - row));
                _line.Append(i, $"{offset + row:x8}  ");
                for (int k = 0; k < 16; k++)
                    _line.Append(k < part.Length ? part[k].ToString("x2", i) + " " : "   ").Append(k == 7 ? " " : "");
                _line.Append(" |");
                foreach (byte b in part) _line.Append(b is >= 0x20 and < 0x7f ? (char)b : '.');
                _line.Append("|\n");
            }
            text.Write(_line);
            _line.Clear();
        }

        public void Gap(Direction d, in StreamGap gap) =>
            text.Write(string.Create(CultureInfo.InvariantCulture,
                $"\n[gap in {OnePass.DirectionName(d)} at offset {gap.Offset}, packet {gap.Frame}: {gap.Describe()}]\n"));
    }
}
