using ProtoScope.Core.Decoding;
using ProtoScope.Core.Session;

namespace ProtoScope.Core.Framing;

/// <summary>One message as the log keeps it: where it lies, its first bytes (the framer's preview) and the datagram's decode error if any.</summary>
public readonly record struct LoggedMessage(FramedMessage Message, byte[] Preview, string? Error);

/// <summary>
/// Keeps the messages and framing failures of every conversation for an interactive view, compactly: the
/// message's position (<see cref="FramedMessage"/>) and only the preview the framer hands over, never whole
/// payloads (the packets' bytes stay in the <see cref="PacketTable"/>). A framing error marks
/// <see cref="PacketFault.Framing"/> on the packet it happened in, so the display filter's <c>framing.error</c>
/// finds it; a direction that is "not framed" (it never parsed as frames) is not an error.
/// </summary>
/// <remarks>
/// Threading: the session's thread writes (through <see cref="IMessageSink"/>); any thread reads with
/// <see cref="Read"/>. A lock guards the lists: the writer holds it for one list append.
/// </remarks>
/// <param name="table">Where framing errors are marked on their packets, if anywhere.</param>
/// <param name="keepMessages">False to keep only the failures (and the marks): a whole capture's messages cost a preview each.</param>
public sealed class FramedMessageLog(PacketTable? table = null, bool keepMessages = true) : IMessageSink
{
    private readonly object _gate = new();
    private readonly List<Entry?> _tcp = [];
    private readonly List<Entry?> _udp = [];

    private sealed class Entry
    {
        public readonly List<LoggedMessage> Messages = [];
        public readonly List<FramingFailure> Failures = [];
    }

    /// <summary>How many messages conversation <paramref name="conversation"/> has so far.</summary>
    public int Count(Transport transport, int conversation)
    {
        lock (_gate) return Find(transport, conversation)?.Messages.Count ?? 0;
    }

    /// <summary>Appends the conversation's messages from index <paramref name="from"/> on to <paramref name="messages"/>, and returns its failures so far.</summary>
    public FramingFailure[] Read(Transport transport, int conversation, int from, List<LoggedMessage> messages)
    {
        lock (_gate)
        {
            if (Find(transport, conversation) is not { } e) return [];
            for (int i = from; i < e.Messages.Count; i++) messages.Add(e.Messages[i]);
            return [.. e.Failures];
        }
    }

    public void OnMessage(in FramedMessage message, ReadOnlySpan<byte> payload, string? error)
    {
        if (!keepMessages) return;
        var logged = new LoggedMessage(message, payload.ToArray(), error);
        lock (_gate) Get(message.Transport, message.Conversation).Messages.Add(logged);
    }

    public void OnFailure(in FramingFailure failure)
    {
        lock (_gate) Get(failure.Transport, failure.Conversation).Failures.Add(failure);
        if (!failure.NotFramed && failure.Frame > 0) table?.AddFault((int)(failure.Frame - 1), PacketFault.Framing);
    }

    private Entry? Find(Transport transport, int conversation)
    {
        var list = transport == Transport.Tcp ? _tcp : _udp;
        return conversation >= 0 && conversation < list.Count ? list[conversation] : null;
    }

    private Entry Get(Transport transport, int conversation)
    {
        var list = transport == Transport.Tcp ? _tcp : _udp;
        while (list.Count <= conversation) list.Add(null);
        return list[conversation] ??= new Entry();
    }
}
