using System.Globalization;
using System.Text.Json;
using ProtoScope.Core.Decoding;
using ProtoScope.Core.Framing;
using ProtoScope.Core.Session;

namespace ProtoScope.Core.Formatting;

/// <summary>The words the `frames` outputs and the terminal UI's Frames view share.</summary>
public static class MessageFormat
{
    /// <summary>"frame" for a length-prefixed message (the README's name), "datagram" for a whole UDP datagram.</summary>
    public static string KindName(MessageKind kind) => kind == MessageKind.LengthPrefixed ? "frame" : "datagram";

    /// <summary>Why a direction was not taken for length-prefixed: "not framed: REASON (offset N)".</summary>
    public static string NotFramed(in FramingFailure failure) =>
        string.Create(CultureInfo.InvariantCulture, $"not framed: {failure.Reason} (offset {failure.Offset})");
}

/// <summary>
/// `protoscope frames` as text: a line per message ("tcp 0 orig frame 3 @120 17 bytes, packets 9-10 split(2)" and
/// a preview, or the whole payload escaped) and per framing failure. Every byte goes through <see cref="TerminalText"/>.
/// </summary>
public sealed class MessageText(TextWriter text, bool payload) : IMessageSink
{
    public void OnMessage(in FramedMessage m, ReadOnlySpan<byte> bytes, string? error)
    {
        var i = CultureInfo.InvariantCulture;
        string packets = m.FirstFrame == m.LastFrame ? string.Create(i, $"packet {m.FirstFrame}") : string.Create(i, $"packets {m.FirstFrame}-{m.LastFrame}");
        string how = (m.Sticky ? " sticky" : "") + (m.Split ? string.Create(i, $" split({m.Segments})") : "");
        string at = m.Kind == MessageKind.LengthPrefixed ? string.Create(i, $" @{m.Offset}") : "";
        text.Write(string.Create(i, $"{m.Transport.Name()} {m.Conversation} {m.Direction.Name()} {MessageFormat.KindName(m.Kind)} {m.Index}{at} {m.Length} bytes, {packets}{how}"));
        if (error is not null) text.Write($" [{error}]");
        text.Write("  ");
        text.Write(TerminalText.Preview(bytes, m.Length, payload ? int.MaxValue : 48));
        text.Write('\n');
    }

    public void OnFailure(in FramingFailure f)
    {
        string start = string.Create(CultureInfo.InvariantCulture, $"{f.Transport.Name()} {f.Conversation} {f.Direction.Name()} ");
        text.Write(f.NotFramed
            ? start + MessageFormat.NotFramed(f) + "\n"
            : start + string.Create(CultureInfo.InvariantCulture, $"framing error at offset {f.Offset}: {f.Reason}\n"));
    }
}

/// <summary>
/// `protoscope frames --format jsonl`: an object per message (conn, proto, kind, dir, index, offset, length,
/// first_frame, last_frame, segments, sticky, payload_b64, error) and per framing failure, as the README documents.
/// </summary>
public sealed class MessageJson(JsonLines json, bool payload) : IMessageSink
{
    public void OnMessage(in FramedMessage m, ReadOnlySpan<byte> bytes, string? error)
    {
        Utf8JsonWriter w = json.Writer;
        w.WriteStartObject();
        w.WriteNumber("conn", m.Conversation);
        w.WriteString("proto", m.Transport.Name());
        w.WriteString("kind", MessageFormat.KindName(m.Kind));
        w.WriteString("dir", m.Direction.Name());
        w.WriteNumber("index", m.Index);
        if (m.Kind == MessageKind.LengthPrefixed) w.WriteNumber("offset", m.Offset);
        w.WriteNumber("length", m.Length);
        w.WriteNumber("first_frame", m.FirstFrame);
        w.WriteNumber("last_frame", m.LastFrame);
        w.WriteNumber("segments", m.Segments);
        w.WriteBoolean("sticky", m.Sticky);
        if (payload) w.WriteBase64String("payload_b64", bytes);
        if (error is not null) w.WriteString("error", error);
        w.WriteEndObject();
        json.EndLine();
    }

    public void OnFailure(in FramingFailure f)
    {
        Utf8JsonWriter w = json.Writer;
        w.WriteStartObject();
        w.WriteNumber("conn", f.Conversation);
        w.WriteString("proto", f.Transport.Name());
        if (f.NotFramed) w.WriteString("kind", "not_framed");
        w.WriteString("dir", f.Direction.Name());
        w.WriteString(f.NotFramed ? "reason" : "error", f.Reason);
        w.WriteNumber("offset", f.Offset);
        w.WriteEndObject();
        json.EndLine();
    }
}
