using System.Globalization;
using System.Text;
using ProtoScope.Core.Framing;
using ProtoScope.Core.Reassembly;
using ProtoScope.Core.Session;

namespace ProtoScope.Core.Formatting;

/// <summary>The words the `follow` output and the terminal UI's Follow view share.</summary>
public static class FollowFormat
{
    /// <summary>How a direction ended: "FIN", "RST" or "open at capture end".</summary>
    public static string EndName(StreamEnd end) => end switch
    {
        StreamEnd.Fin => "FIN",
        StreamEnd.Reset => "RST",
        _ => "open at capture end",
    };

    /// <summary>16 bytes a line: offset, hex in two groups of eight, printable ASCII between bars (hexdump -C).</summary>
    public static void AppendHexDump(StringBuilder sb, ReadOnlySpan<byte> bytes, long offset)
    {
        var i = CultureInfo.InvariantCulture;
        for (int row = 0; row < bytes.Length; row += 16)
        {
            var part = bytes.Slice(row, Math.Min(16, bytes.Length - row));
            sb.Append(i, $"{offset + row:x8}  ");
            for (int k = 0; k < 16; k++)
                sb.Append(k < part.Length ? part[k].ToString("x2", i) + " " : "   ").Append(k == 7 ? " " : "");
            sb.Append(" |");
            foreach (byte b in part) sb.Append(b is >= 0x20 and < 0x7f ? (char)b : '.');
            sb.Append("|\n");
        }
    }
}

/// <summary>
/// `protoscope follow` as text: a heading, a header per turn, the text (or a hex dump), gaps marked; then
/// <see cref="Summary"/>. The text reaching it is already escaped by <see cref="StreamFollower"/>.
/// </summary>
public sealed class FollowText(TextWriter text, int conn, bool hex) : IFollowOutput
{
    private readonly StringBuilder _line = new();

    public void Opened(Conversation c) =>
        text.Write(string.Create(CultureInfo.InvariantCulture,
            $"Follow TCP stream {conn}: {EndpointText.Of(c.OrigAddress, c.OrigPort)} (orig) <-> {EndpointText.Of(c.RespAddress, c.RespPort)} (resp)\n"));

    public void Turn(Direction d, long offset, long frame) =>
        text.Write(string.Create(CultureInfo.InvariantCulture, $"\n=== {Arrow(d)} (offset {offset}, packet {frame}) ===\n"));

    public void Text(Direction d, string escaped) => text.Write(escaped);

    public void TurnEnded(Direction d)
    {
        if (!hex) text.Write('\n');
    }

    public void Bytes(Direction d, ReadOnlySpan<byte> bytes, long offset)
    {
        FollowFormat.AppendHexDump(_line, bytes, offset);
        text.Write(_line);
        _line.Clear();
    }

    public void Gap(Direction d, in StreamGap gap) =>
        text.Write(string.Create(CultureInfo.InvariantCulture,
            $"\n[gap in {d.Name()} at offset {gap.Offset}, packet {gap.Frame}: {gap.Describe()}]\n"));

    /// <summary>The closing line: bytes, missing bytes and the end of each direction.</summary>
    public void Summary(FollowedDirection orig, FollowedDirection resp) =>
        text.Write(string.Create(CultureInfo.InvariantCulture,
            $"\n=== {Arrow(Direction.Orig)}: {Totals(orig)}; {Arrow(Direction.Resp)}: {Totals(resp)} ===\n"));

    private static string Arrow(Direction d) => d == Direction.Orig ? "orig -> resp" : "resp -> orig";

    private static string Totals(FollowedDirection t) =>
        string.Create(CultureInfo.InvariantCulture, $"{t.Bytes} bytes, {t.Missing} missing, {(t.End is { } end ? FollowFormat.EndName(end) : "no data")}");
}

/// <summary>
/// `protoscope follow --framing F`: the conversation message by message instead of turn by turn: a header per
/// message (direction, kind, index, offset, packets, and for HTTP the head's summary), then its payload (an HTTP
/// body de-chunked) as escaped text or a hex dump; a framing failure where framing stopped.
/// </summary>
public sealed class FollowMessagesText(TextWriter text, bool hex) : IMessageSink
{
    private readonly StringBuilder _body = new();

    public void OnMessage(in FramedMessage m, ReadOnlySpan<byte> payload, string? error)
    {
        var i = CultureInfo.InvariantCulture;
        string packets = m.FirstFrame == m.LastFrame ? string.Create(i, $"packet {m.FirstFrame}") : string.Create(i, $"packets {m.FirstFrame}-{m.LastFrame}");
        string head = m.Http is { } http ? ": " + MessageFormat.HttpSummary(http) : "";
        string cut = m.Incomplete ? ", incomplete" : "";
        text.Write(string.Create(i, $"\n=== {m.Direction.Name()} {MessageFormat.KindName(m.Kind)} {m.Index} (offset {m.Offset}, {m.Length} bytes, {packets}{cut}){head} ===\n"));
        if (payload.IsEmpty) return;
        if (hex) FollowFormat.AppendHexDump(_body, payload, 0);
        else TerminalText.AppendEscaped(_body, payload, multiline: true);
        text.Write(_body);
        if (!hex) text.Write('\n');
        _body.Clear();
    }

    public void OnFailure(in FramingFailure f) =>
        text.Write(f.NotFramed
            ? $"\n=== {f.Direction.Name()} {MessageFormat.NotFramed(f)} ===\n"
            : string.Create(CultureInfo.InvariantCulture, $"\n=== {f.Direction.Name()} framing error at offset {f.Offset}, packet {f.Frame}: {f.Reason} ===\n"));
}
