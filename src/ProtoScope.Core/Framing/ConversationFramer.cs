using System.Buffers;
using ProtoScope.Core.Decoding;
using ProtoScope.Core.Reassembly;
using ProtoScope.Core.Session;
using ProtoScope.Core.Tcp;

namespace ProtoScope.Core.Framing;

/// <summary>How <see cref="ConversationFramer"/> cuts conversations into messages.</summary>
public sealed record ConversationFramerOptions
{
    /// <summary>
    /// The length prefix, or lines or HTTP for TCP (UDP datagrams are then messages of their own only); null for UDP
    /// datagrams only (TCP directions are then not framed at all).
    /// </summary>
    public FramingSpec? Spec { get; init; } = FramingSpec.Default;

    /// <summary>Hand each message's whole payload to the sink; otherwise only its first <see cref="PreviewBytes"/>.</summary>
    public bool KeepPayloads { get; init; }

    public int PreviewBytes { get; init; } = 64;

    /// <summary>
    /// Framing is a guess, not a given: a direction whose first message fails (a first length over the maximum, or a
    /// first message that ends past the stream's end) is reported as not framed instead of as an error.
    /// </summary>
    public bool DetectNotFramed { get; init; }

    /// <summary>Which conversations to frame; null for all.</summary>
    public Func<Conversation, bool>? Include { get; init; }
}

/// <summary>
/// Makes the messages of a capture: for each TCP direction (as the reassembler's consumer factory) a
/// <see cref="StreamFramer"/>, <see cref="LineFramer"/> or <see cref="HttpFramer"/> as the spec's method says, and
/// for UDP each datagram as a message followed by the length-prefixed messages it holds when its payload is exactly
/// one or more whole ones. Give it to a <see cref="Reassembler"/> as both factory and datagram consumer.
/// </summary>
public sealed class ConversationFramer : IStreamConsumerFactory, IDatagramConsumer
{
    private readonly ConversationFramerOptions _options;
    private readonly List<long[]?> _udpCounters = [];
    /// <summary>
    /// Preview buffers of messages in progress, reused: a message spanning segments needs one until it completes. Kept
    /// here rather than in the shared ArrayPool, which may trim its arrays on any full GC and allocate again.
    /// </summary>
    private readonly Stack<byte[]> _spareBuffers = new();
    /// <summary>
    /// A connection's request pairing, from its first direction's <see cref="Create"/> until its second's: the two
    /// HTTP framers share it, and the table forgets it then (a connection seen one way only leaves its entry).
    /// </summary>
    private readonly Dictionary<int, HttpRequests> _unpairedHttp = [];

    public ConversationFramer(ConversationFramerOptions options, IMessageSink sink)
    {
        _options = options;
        Sink = sink;
    }

    internal IMessageSink Sink { get; }
    internal FramingSpec Spec => _options.Spec!;
    internal bool KeepPayloads => _options.KeepPayloads;
    internal int PreviewBytes => _options.PreviewBytes;
    internal bool DetectNotFramed => _options.DetectNotFramed;

    /// <summary>A buffer of at least <paramref name="length"/> bytes for a message in progress; give it back with <see cref="ReturnBuffer"/>.</summary>
    internal byte[] RentBuffer(int length)
    {
        if (length > PreviewBytes) return ArrayPool<byte>.Shared.Rent(length);
        return _spareBuffers.TryPop(out byte[]? buffer) ? buffer : new byte[PreviewBytes];
    }

    internal void ReturnBuffer(byte[] buffer)
    {
        if (buffer.Length == PreviewBytes) _spareBuffers.Push(buffer);
        else if (buffer.Length > 0) ArrayPool<byte>.Shared.Return(buffer);
    }

    public IStreamConsumer? Create(TcpConnection connection, Direction direction)
    {
        if (_options.Spec is null || !(_options.Include?.Invoke(connection) ?? true)) return null;
        return ForStream(connection.Id, direction);
    }

    /// <summary>
    /// A framer for one direction of a stream that no capture holds: a peer's socket. Feed it with
    /// <see cref="IStreamConsumer.OnData"/> (offsets counted from 0, any frame number) as bytes arrive and
    /// <see cref="IStreamConsumer.OnEnd"/> at the close; its messages and failures go to this framer's sink, with
    /// <paramref name="conversation"/> as their conversation. The two directions of one conversation share what HTTP
    /// pairs (a HEAD request's response has no body), so a client that feeds its own requests to one and the
    /// server's bytes to the other reads responses to HEAD right. The same code cuts the inspector's streams.
    /// </summary>
    public IStreamConsumer ForStream(int conversation, Direction direction) => (_options.Spec ?? FramingSpec.Default).Method switch
    {
        FramingMethod.Line => new LineFramer(this, conversation, direction),
        FramingMethod.Http => new HttpFramer(this, conversation, direction, RequestsOf(conversation)),
        _ => new StreamFramer(this, conversation, direction),
    };

    private HttpRequests RequestsOf(int connection)
    {
        if (_unpairedHttp.Remove(connection, out HttpRequests? requests)) return requests;
        return _unpairedHttp[connection] = new HttpRequests();
    }

    public void OnDatagram(UdpConversation conversation, Direction direction, ReadOnlySpan<byte> payload, in DecodedPacket packet, long frame)
    {
        if (!(_options.Include?.Invoke(conversation) ?? true)) return;
        while (_udpCounters.Count <= conversation.Id) _udpCounters.Add(null);
        // Per direction: datagrams so far, length-prefixed messages so far.
        long[] counters = _udpCounters[conversation.Id] ??= new long[4];
        int d = (int)direction;
        string? error = packet.HasError ? packet.Error.ToString() : null;
        var datagram = new FramedMessage(conversation.Id, Transport.Udp, MessageKind.Datagram, direction, counters[d]++, 0,
            packet.PayloadLength, frame, frame, 1, false);
        Sink.OnMessage(datagram, KeepPayloads ? payload : payload[..Math.Min(payload.Length, PreviewBytes)], error);
        if (_options.Spec is not { Method: FramingMethod.LengthPrefix } || payload.IsEmpty || payload.Length < packet.PayloadLength) return;

        // The datagram is framed only when it is exactly one or more whole messages: count them first.
        int count = 0, at = 0;
        while (at < payload.Length && NextMessage(payload, at, out _, out int next))
        {
            count++;
            at = next;
        }
        if (at != payload.Length || count == 0) return;
        at = 0;
        for (int i = 0; i < count; i++)
        {
            NextMessage(payload, at, out long length, out int next);
            var message = new FramedMessage(conversation.Id, Transport.Udp, MessageKind.LengthPrefixed, direction, counters[2 + d]++, at,
                length, frame, frame, 1, count > 1);
            long shown = KeepPayloads ? length : Math.Min(length, PreviewBytes);
            at = next;
            Sink.OnMessage(message, payload.Slice(next - (int)length, (int)shown), null);
        }
    }

    /// <summary>Reads the message at <paramref name="at"/>: false when its prefix is bad or it does not fit in the datagram.</summary>
    private bool NextMessage(ReadOnlySpan<byte> datagram, int at, out long length, out int next)
    {
        next = at;
        if (datagram.Length - at < Spec.HeaderSize
            || !MessageReader.TryReadPayloadLength(datagram[at..], Spec, out length, out _)
            || length > datagram.Length - at - Spec.HeaderSize)
        {
            length = 0;
            return false;
        }
        next = at + Spec.HeaderSize + (int)length;
        return true;
    }
}
