using System.Buffers;
using System.Text.Json;
using ProtoScope.Capture;
using ProtoScope.Core.Formatting;
using ProtoScope.Core.Framing;
using ProtoScope.Core.Reassembly;
using ProtoScope.Core.Session;
using ProtoScope.Core.Tcp;

namespace ProtoScope.Cli.Tests.Fuzzing;

/// <summary>
/// Everything ProtoScope does with a capture file, run on one (possibly hostile) file with the checks that must hold
/// for any input: libpcap reading, the one pass (decode, conversations, TCP tracking), the read text and JSON
/// lines, the conns table and JSON, the ladder of every TCP connection, the framing codec over each direction's
/// payload bytes in every prefix width, and the terminal escaping of every payload. Throws on any violation.
/// </summary>
public static class Pipeline
{
    /// <summary>Payload bytes kept per connection direction for the framing pass.</summary>
    private const int StreamCap = 256 * 1024;

    /// <summary>Ladders drawn per file; a scan capture has thousands of one-packet connections.</summary>
    private const int LaddersPerFile = 64;

    /// <summary>Runs the pipeline on the capture at <paramref name="path"/>. Returns the packets read.</summary>
    public static int Run(string path)
    {
        CaptureFile source;
        try
        {
            source = CaptureFile.Open(path);
        }
        catch (CaptureError e)
        {
            AssertOneLine(e.Message, "open error");
            return 0;
        }
        using (source)
        {
            // Reassembly and framing in the same pass, as `frames` runs them, with every payload previewed as text.
            var framer = new ConversationFramer(new ConversationFramerOptions { KeepPayloads = true, DetectNotFramed = true }, new PreviewSink());
            var reassembler = new Reassembler(framer, framer);
            var session = new CaptureSession(source.LinkType, source.TimestampUnit) { Reassembly = reassembler };
            var tcpdump = new TcpdumpFormat();
            var json = new ArrayBufferWriter<byte>(1024);
            var ladders = new Dictionary<int, List<LadderStep>>();
            var streams = new Dictionary<(int, Direction), ArrayBufferWriter<byte>>();
            ReadStatus status;
            while ((status = source.Read(out var header, out var data)) != ReadStatus.End)
            {
                if (status == ReadStatus.Error)
                {
                    AssertOneLine(source.Error ?? throw new InvalidOperationException("an error without a message"), "read error");
                    break;
                }
                session.Add(header, data);
                ref readonly var p = ref session.Current;
                ref readonly var a = ref session.CurrentAnalysis;
                // The fragment that completes a datagram is decoded from the whole datagram: its offsets point there.
                var bytes = session.CurrentBytes(data);

                AssertInert(tcpdump.Format(header, p, a, bytes).ToString(), "read text");
                json.ResetWrittenCount();
                using (var w = new Utf8JsonWriter(json)) PacketJson.Write(w, header, p, a, bytes);
                using (JsonDocument.Parse(json.WrittenMemory)) { }

                if (!p.HasPorts) continue;
                var payload = p.Payload(bytes);
                AssertInert(TerminalText.Escape(payload), "escaped payload");
                if (p.IsUdp)
                {
                    MessageReader.TryReadDatagram(payload.ToArray(), FramingSpec.Default, out _, out var datagramError);
                    AssertInert(datagramError.ToString(), "datagram error");
                }
                else if (a.Conversation >= 0)
                {
                    if (a.Conversation < LaddersPerFile)
                    {
                        if (!ladders.TryGetValue(a.Conversation, out var steps)) ladders[a.Conversation] = steps = [];
                        steps.Add(new LadderStep(a.Frame, p.Src, p.SrcPort, p.Flags, a.RelativeSeq, a.RelativeAck, a.HasRelativeAck,
                            p.PayloadLength, a.Role, a.SenderState, a.ReceiverState));
                    }
                    if (!streams.TryGetValue((a.Conversation, a.Direction), out var stream))
                        streams[(a.Conversation, a.Direction)] = stream = new ArrayBufferWriter<byte>();
                    if (stream.WrittenCount + payload.Length <= StreamCap) stream.Write(payload);
                }
            }

            reassembler.Finish(session.PacketCount);
            foreach (var c in session.Conversations.Tcp.Cast<Conversation>().Concat(session.Conversations.Udp))
            {
                AssertInert(ConnectionTableFormat.Line(c), "conns text");
                json.ResetWrittenCount();
                using (var w = new Utf8JsonWriter(json)) ConnectionJson.Write(w, c);
                using (JsonDocument.Parse(json.WrittenMemory)) { }
            }
            foreach (var (id, steps) in ladders)
            {
                var conn = session.Conversations.Tcp[id];
                AssertInert(LadderFormat.Render(conn, steps, expand: true, colour: false), "ladder");
                LadderFormat.Render(conn, steps, expand: false, colour: true);
            }
            foreach (var stream in streams.Values)
                ReadFrames(stream.WrittenMemory);
            return (int)session.PacketCount;
        }
    }

    /// <summary>Each framed message's payload as `frames --payload` shows it: escaped text or hex, checked inert.</summary>
    private sealed class PreviewSink : IMessageSink
    {
        public void OnMessage(in FramedMessage m, ReadOnlySpan<byte> bytes, string? error)
        {
            AssertInert(TerminalText.Preview(bytes, m.Length, int.MaxValue), "frame payload");
            if (error is not null) AssertInert(error, "frame error");
        }

        public void OnFailure(in FramingFailure failure) => AssertInert(failure.Reason, "framing failure");
    }

    /// <summary>Cuts the bytes into frames with every prefix width, until the end or a framing error.</summary>
    private static void ReadFrames(ReadOnlyMemory<byte> bytes)
    {
        foreach (var name in FramingSpec.Names)
        {
            var spec = FramingSpec.Parse(name);
            var buffer = new ReadOnlySequence<byte>(bytes);
            MessageStatus status;
            long payloads = 0;
            while ((status = MessageReader.TryReadMessage(ref buffer, spec, out var payload, out var error)) == MessageStatus.Message)
                payloads += payload.Length;
            if (payloads > bytes.Length) throw new InvalidOperationException($"{name}: {payloads} payload bytes out of {bytes.Length}");
            if (status == MessageStatus.Incomplete) AssertInert(MessageReader.DescribeTruncation(buffer, spec).ToString(), "framing");
        }
    }

    public static void AssertOneLine(string message, string what)
    {
        if (string.IsNullOrWhiteSpace(message)) throw new InvalidOperationException($"{what}: empty message");
        AssertInert(message, what);
    }

    /// <summary>
    /// Nothing a terminal acts on: only printable characters, newlines (the ladder's lines) and tabs (`follow` keeps
    /// a stream's own newlines and tabs, as <c>cat -v</c> does: they only move the cursor forward).
    /// </summary>
    public static void AssertInert(string text, string what)
    {
        foreach (char c in text)
        {
            if (c is '\n' or '\t') continue;
            if (c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F) || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.Format)
                throw new InvalidOperationException($"{what}: U+{(int)c:X4} would reach the terminal: {text}");
        }
    }
}
