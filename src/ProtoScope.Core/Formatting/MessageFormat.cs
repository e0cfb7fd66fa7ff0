using System.Globalization;
using System.Text.Json;
using ProtoScope.Core.Decoding;
using ProtoScope.Core.Framing;
using ProtoScope.Core.Session;

namespace ProtoScope.Core.Formatting;

/// <summary>The words the `frames` outputs and the terminal UI's Frames view share.</summary>
public static class MessageFormat
{
    /// <summary>
    /// "frame" for a length-prefixed message (the README's name), "datagram" for a whole UDP datagram, "line",
    /// "request", "response".
    /// </summary>
    public static string KindName(MessageKind kind) => kind switch
    {
        MessageKind.LengthPrefixed => "frame",
        MessageKind.Datagram => "datagram",
        MessageKind.Line => "line",
        MessageKind.Request => "request",
        _ => "response",
    };

    /// <summary>Whether a message of this kind lies at an offset of a stream or datagram (all but a whole datagram).</summary>
    public static bool HasOffset(MessageKind kind) => kind != MessageKind.Datagram;

    /// <summary>Whether a message of this kind may be cut short (<see cref="FramedMessage.Incomplete"/>): lines and HTTP messages.</summary>
    public static bool MayBeIncomplete(MessageKind kind) => kind is MessageKind.Line or MessageKind.Request or MessageKind.Response;

    /// <summary>
    /// An HTTP message's head in one line: "GET /index.html HTTP/1.1, 3 headers" or "HTTP/1.1 200 OK, 5 headers,
    /// chunked", with the body's delimiting ("content-length 120", "chunked", "until close"; nothing when it has none).
    /// </summary>
    public static string HttpSummary(HttpHead h)
    {
        var i = CultureInfo.InvariantCulture;
        string start = h.IsRequest ? $"{h.Method} {h.Uri} {h.Version}"
            : h.StatusCode == 0 ? $"{h.Version} response (no status line)"
            : string.Create(i, $"{h.Version} {h.StatusCode}") + (h.Reason is { Length: > 0 } reason ? " " + reason : "");
        string body = h.Body switch
        {
            HttpBody.ContentLength => string.Create(i, $", content-length {h.ContentLength}"),
            HttpBody.Chunked => ", chunked",
            HttpBody.UntilClose => ", until close",
            _ => "",
        };
        return start + string.Create(i, $", {h.HeaderCount} {(h.HeaderCount == 1 ? "header" : "headers")}") + body;
    }

    /// <summary>The JSON Lines fields of an HTTP head (after <c>kind</c>'s object has its common fields).</summary>
    public static void WriteHttp(Utf8JsonWriter w, HttpHead h)
    {
        if (h.IsRequest)
        {
            w.WriteString(JsonField.Method, h.Method);
            w.WriteString(JsonField.Uri, h.Uri);
        }
        else
        {
            if (h.StatusCode != 0) w.WriteNumber(JsonField.Status, h.StatusCode);
            if (h.Reason is not null) w.WriteString(JsonField.Reason, h.Reason);
        }
        w.WriteString(JsonField.Version, h.Version);
        w.WriteNumber(JsonField.Headers, h.HeaderCount);
        if (h.ContentLength is { } length) w.WriteNumber(JsonField.ContentLength, length);
        w.WriteBoolean(JsonField.Chunked, h.Chunked);
        w.WriteString(JsonField.Body, BodyName(h.Body));
        w.WriteNumber(JsonField.HeadLength, h.HeadLength);
    }

    /// <summary>"none", "content-length", "chunked", "until-close".</summary>
    public static string BodyName(HttpBody body) => body switch
    {
        HttpBody.ContentLength => "content-length",
        HttpBody.Chunked => "chunked",
        HttpBody.UntilClose => "until-close",
        _ => "none",
    };

    /// <summary>Why a direction was not taken for length-prefixed: "not framed: REASON (offset N)".</summary>
    public static string NotFramed(in FramingFailure failure) =>
        string.Create(CultureInfo.InvariantCulture, $"not framed: {failure.Reason} (offset {failure.Offset})");
}

/// <summary>
/// `protoscope frames` as text: a line per message ("tcp 0 orig frame 3 @120 17 bytes, packets 9-10 split(2)", for
/// HTTP the head's summary, and a preview, or the whole payload escaped) and per framing failure. Every byte goes
/// through <see cref="TerminalText"/>.
/// </summary>
public sealed class MessageText(TextWriter text, bool payload) : IMessageSink
{
    public void OnMessage(in FramedMessage m, ReadOnlySpan<byte> bytes, string? error)
    {
        var i = CultureInfo.InvariantCulture;
        string packets = m.FirstFrame == m.LastFrame ? string.Create(i, $"packet {m.FirstFrame}") : string.Create(i, $"packets {m.FirstFrame}-{m.LastFrame}");
        string how = (m.Sticky ? " sticky" : "") + (m.Split ? string.Create(i, $" split({m.Segments})") : "");
        string at = MessageFormat.HasOffset(m.Kind) ? string.Create(i, $" @{m.Offset}") : "";
        text.Write(string.Create(i, $"{m.Transport.Name()} {m.Conversation} {m.Direction.Name()} {MessageFormat.KindName(m.Kind)} {m.Index}{at} {m.Length} bytes, {packets}{how}"));
        if (m.Incomplete) text.Write(" incomplete");
        if (error is not null) text.Write($" [{error}]");
        if (m.Http is { } http) text.Write("  " + MessageFormat.HttpSummary(http));
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
/// first_frame, last_frame, segments, sticky, incomplete, the HTTP head's fields, payload_b64, error) and per framing
/// failure, as the README documents.
/// </summary>
public sealed class MessageJson(JsonLines json, bool payload) : IMessageSink
{
    public void OnMessage(in FramedMessage m, ReadOnlySpan<byte> bytes, string? error)
    {
        Utf8JsonWriter w = json.Writer;
        w.WriteStartObject();
        w.WriteNumber(JsonField.Conn, m.Conversation);
        w.WriteString(JsonField.Proto, m.Transport.Name());
        w.WriteString(JsonField.Kind, MessageFormat.KindName(m.Kind));
        w.WriteString(JsonField.Dir, m.Direction.Name());
        w.WriteNumber(JsonField.Index, m.Index);
        if (MessageFormat.HasOffset(m.Kind)) w.WriteNumber(JsonField.Offset, m.Offset);
        w.WriteNumber(JsonField.Length, m.Length);
        w.WriteNumber(JsonField.FirstFrame, m.FirstFrame);
        w.WriteNumber(JsonField.LastFrame, m.LastFrame);
        w.WriteNumber(JsonField.Segments, m.Segments);
        w.WriteBoolean(JsonField.Sticky, m.Sticky);
        if (MessageFormat.MayBeIncomplete(m.Kind)) w.WriteBoolean(JsonField.Incomplete, m.Incomplete);
        if (m.Http is { } http) MessageFormat.WriteHttp(w, http);
        if (payload) w.WriteBase64String(JsonField.PayloadB64, bytes);
        if (error is not null) w.WriteString(JsonField.Error, error);
        w.WriteEndObject();
        json.EndLine();
    }

    public void OnFailure(in FramingFailure f)
    {
        Utf8JsonWriter w = json.Writer;
        w.WriteStartObject();
        w.WriteNumber(JsonField.Conn, f.Conversation);
        w.WriteString(JsonField.Proto, f.Transport.Name());
        if (f.NotFramed) w.WriteString(JsonField.Kind, "not_framed");
        w.WriteString(JsonField.Dir, f.Direction.Name());
        w.WriteString(f.NotFramed ? "reason" : "error", f.Reason);
        w.WriteNumber(JsonField.Offset, f.Offset);
        w.WriteEndObject();
        json.EndLine();
    }
}
