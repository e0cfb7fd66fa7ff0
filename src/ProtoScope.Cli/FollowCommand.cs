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
        var cmd = new Command("follow", "Print one TCP connection's reassembled conversation, both directions.") { file, conn, hex };
        cmd.SetAction(r => Run(ctx, r.GetValue(file)!, r.GetValue(conn), r.GetValue(hex)));
        return cmd;
    }

    private static int Run(CliContext ctx, string path, int conn, bool hex)
    {
        if (conn < 0) return ctx.Fail($"--conn {conn} is negative; give a TCP stream number as `protoscope read` shows it");
        using var text = ctx.OpenText();
        var view = new FollowView(text, conn, hex);
        string? failure = OnePass.Run(path, new Reassembler(view));
        if (failure is null && !view.Found)
        {
            text.Flush();
            return ctx.Fail($"{path} has no TCP stream {conn} with data or a handshake; `protoscope read {path}` shows the stream numbers");
        }
        view.Summary();
        text.Flush();
        return failure is null ? ExitCodes.Ok : ctx.Fail(failure);
    }

    /// <summary>Prints both directions of one connection as the reassembler delivers them.</summary>
    private sealed class FollowView(TextWriter text, int conn, bool hex) : IStreamConsumerFactory
    {
        private readonly StringBuilder _line = new();
        private readonly long[] _bytes = new long[2];
        private readonly long[] _gaps = new long[2];
        private readonly string[] _ends = ["", ""];
        private Direction? _last;
        private byte[] _carry = [];
        private TcpConnection? _connection;

        public bool Found => _connection is not null;

        public IStreamConsumer? Create(TcpConnection connection, Direction direction)
        {
            if (connection.Id != conn) return null;
            if (_connection is null)
            {
                _connection = connection;
                text.Write(string.Create(CultureInfo.InvariantCulture,
                    $"Follow TCP stream {conn}: {Endpoint(connection.OrigAddress.ToString(), connection.OrigPort)} (orig) <-> {Endpoint(connection.RespAddress.ToString(), connection.RespPort)} (resp)\n"));
            }
            return new Side(this, direction);
        }

        private static string Endpoint(string address, ushort port) => address.Contains(':') ? $"[{address}]:{port}" : $"{address}:{port}";

        private void Header(Direction d, long offset, long frame)
        {
            if (_last == d) return;
            FlushText();
            _last = d;
            string arrow = d == Direction.Orig ? "orig -> resp" : "resp -> orig";
            text.Write(string.Create(CultureInfo.InvariantCulture, $"\n=== {arrow} (offset {offset}, packet {frame}) ===\n"));
        }

        private void Data(Direction d, ReadOnlySpan<byte> bytes, long offset, long frame)
        {
            Header(d, offset, frame);
            _bytes[(int)d] += bytes.Length;
            if (hex)
            {
                HexDump(bytes, offset);
                return;
            }
            // A UTF-8 character may straddle two segments: keep its first bytes until the next one.
            byte[] joined = _carry.Length == 0 ? bytes.ToArray() : [.. _carry, .. bytes];
            int used = TerminalText.AppendEscaped(_line, joined, multiline: true, final: false);
            _carry = joined[used..];
            text.Write(_line);
            _line.Clear();
        }

        private void HexDump(ReadOnlySpan<byte> bytes, long offset)
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

        private void FlushText()
        {
            if (_carry.Length > 0)
            {
                TerminalText.AppendEscaped(_line, _carry, multiline: true);
                text.Write(_line);
                _line.Clear();
                _carry = [];
            }
            if (_last is not null && !hex) text.Write('\n');
        }

        private void Gap(Direction d, in StreamGap gap)
        {
            FlushText();
            _last = null;
            if (gap.LengthKnown) _gaps[(int)d] += gap.Length;
            text.Write(string.Create(CultureInfo.InvariantCulture,
                $"\n[gap in {OnePass.DirectionName(d)} at offset {gap.Offset}, packet {gap.Frame}: {gap.Describe()}]\n"));
        }

        private void End(Direction d, StreamEnd end, long offset)
        {
            _ends[(int)d] = end switch
            {
                StreamEnd.Fin => "FIN",
                StreamEnd.Reset => "RST",
                _ => "open at capture end",
            };
        }

        public void Summary()
        {
            FlushText();
            text.Write(string.Create(CultureInfo.InvariantCulture,
                $"\n=== orig -> resp: {_bytes[0]} bytes, {_gaps[0]} missing, {Or(_ends[0])}; resp -> orig: {_bytes[1]} bytes, {_gaps[1]} missing, {Or(_ends[1])} ===\n"));
        }

        private static string Or(string end) => end.Length > 0 ? end : "no data";

        private sealed class Side(FollowView view, Direction direction) : IStreamConsumer
        {
            public void OnData(ReadOnlySpan<byte> bytes, long offset, long frame) => view.Data(direction, bytes, offset, frame);
            public void OnGap(in StreamGap gap) => view.Gap(direction, gap);
            public void OnEnd(StreamEnd end, long offset, long frame) => view.End(direction, end, offset);
        }
    }
}
