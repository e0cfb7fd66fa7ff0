using ProtoScope.Core.Decoding;
using ProtoScope.Core.Reassembly;
using ProtoScope.Core.Session;

namespace ProtoScope.Core.Framing;

/// <summary>
/// What the framers of messages whose end is found in the bytes themselves (<see cref="LineFramer"/>,
/// <see cref="HttpFramer"/>) share: the message in progress (where it starts, the packets that carry it, sticky or
/// split, as <see cref="StreamFramer"/> tells them for length prefixes), the part of its payload that is kept, and
/// how a message or a failure reaches the sink.
/// </summary>
/// <remarks>
/// A length prefix says in advance how much to keep; a line or a chunked body does not, so the kept payload grows
/// as it arrives: up to <see cref="ConversationFramerOptions.PreviewBytes"/>, or, when payloads are asked for, up to
/// the message (which the framers bound by <see cref="FramingSpec.MaxMessage"/>). The buffer is the owner's,
/// reused from message to message.
/// </remarks>
internal abstract class TextFramer : IStreamConsumer
{
    private readonly ConversationFramer _owner;
    private readonly int _conversation;
    private readonly Direction _direction;
    private long _index;
    private long _call;

    private long _messageOffset;
    private long _firstFrame;
    private long _lastFrame;
    private long _lastCall;
    private int _segments;
    private bool _stickyStart;
    private byte[] _payload = [];
    private int _payloadKept;

    protected TextFramer(ConversationFramer owner, int conversation, Direction direction)
    {
        _owner = owner;
        _conversation = conversation;
        _direction = direction;
        Spec = owner.Spec;
    }

    protected FramingSpec Spec { get; }

    /// <summary>Framing has stopped on this direction for good (a failure, or the end).</summary>
    protected bool Stopped { get; private set; }

    /// <summary>A message has begun and is not complete yet.</summary>
    protected bool InMessage { get; private set; }

    /// <summary>Payload bytes of the message in progress so far (kept or not).</summary>
    protected long PayloadLength { get; private set; }

    /// <summary>The frame number of the last packet that carried bytes of the message in progress.</summary>
    protected long LastFrame => _lastFrame;

    /// <summary>Whether a message's whole payload is handed on; otherwise a preview.</summary>
    protected bool KeepPayloads => _owner.KeepPayloads;

    /// <summary>How much of a payload of <paramref name="length"/> bytes the sink is shown.</summary>
    protected int KeptLength(long length) => (int)(KeepPayloads ? length : Math.Min(length, _owner.PreviewBytes));

    /// <summary>The payload bytes kept so far.</summary>
    protected ReadOnlySpan<byte> Kept => _payload.AsSpan(0, _payloadKept);

    public void OnData(ReadOnlySpan<byte> bytes, long offset, long frame)
    {
        if (Stopped) return;
        _call++;
        Cut(bytes, offset, frame);
    }

    public abstract void OnGap(in StreamGap gap);

    public abstract void OnEnd(StreamEnd end, long offset, long frame);

    /// <summary>Cuts one delivery of in-order bytes; <paramref name="offset"/> is the stream offset of its first byte.</summary>
    protected abstract void Cut(ReadOnlySpan<byte> bytes, long offset, long frame);

    /// <summary>A message starts at stream offset <paramref name="offset"/>, in packet <paramref name="frame"/>, after other bytes of that packet when <paramref name="sticky"/>.</summary>
    protected void Begin(long offset, long frame, bool sticky)
    {
        InMessage = true;
        _messageOffset = offset;
        _firstFrame = _lastFrame = frame;
        _segments = 1;
        _lastCall = _call;
        _stickyStart = sticky;
        PayloadLength = 0;
        _payloadKept = 0;
    }

    /// <summary>Packet <paramref name="frame"/> carries bytes of the message in progress: counted once per packet.</summary>
    protected void Touch(long frame)
    {
        if (_lastCall != _call)
        {
            _segments++;
            _lastCall = _call;
        }
        _lastFrame = frame;
    }

    /// <summary>Adds payload bytes of the message in progress, keeping what the sink will be shown of them.</summary>
    protected void AddPayload(ReadOnlySpan<byte> bytes)
    {
        long want = KeepPayloads ? PayloadLength + bytes.Length : Math.Min(PayloadLength + bytes.Length, _owner.PreviewBytes);
        int copy = (int)(want - _payloadKept);
        if (copy > 0)
        {
            if (want > _payload.Length)
            {
                byte[] grown = _owner.RentBuffer((int)Math.Max(want, Math.Min(2L * _payload.Length, int.MaxValue)));
                Kept.CopyTo(grown);
                _owner.ReturnBuffer(_payload);
                _payload = grown;
            }
            bytes[..copy].CopyTo(_payload.AsSpan(_payloadKept));
            _payloadKept += copy;
        }
        PayloadLength += bytes.Length;
    }

    /// <summary>Hands the message in progress to the sink; <paramref name="payload"/> is what it is shown (valid during the call).</summary>
    protected void Complete(MessageKind kind, long length, ReadOnlySpan<byte> payload, bool stickyEnd, bool incomplete = false, HttpHead? http = null)
    {
        InMessage = false;
        var message = new FramedMessage(_conversation, Transport.Tcp, kind, _direction, _index++, _messageOffset,
            length, _firstFrame, _lastFrame, _segments, _stickyStart || stickyEnd)
        { Incomplete = incomplete, Http = http };
        _owner.Sink.OnMessage(message, payload, null);
        _payloadKept = 0;
        PayloadLength = 0;
    }

    /// <summary>
    /// Stops framing on this direction and tells the sink why; a failure before the first message is "not framed"
    /// when the caller says the bytes may simply be of another protocol and the options ask for that guess.
    /// </summary>
    protected void Fail(string reason, long frame, bool notFramedCandidate, long? offset = null)
    {
        bool notFramed = notFramedCandidate && _owner.DetectNotFramed && _index == 0;
        long at = offset ?? _messageOffset;
        Stop();
        _owner.Sink.OnFailure(new FramingFailure(_conversation, Transport.Tcp, _direction, at, frame, reason, notFramed));
    }

    /// <summary>
    /// Stops framing on this direction because the bytes from <paramref name="offset"/> on are another protocol that
    /// both sides agreed on: reported as "not framed" with the reason, not as an error.
    /// </summary>
    protected void HandOver(string reason, long offset, long frame)
    {
        Stop();
        _owner.Sink.OnFailure(new FramingFailure(_conversation, Transport.Tcp, _direction, offset, frame, reason, NotFramed: true));
    }

    /// <summary>Nothing more is framed on this direction; the kept payload's buffer goes back to the owner.</summary>
    protected void Stop()
    {
        Stopped = true;
        InMessage = false;
        _owner.ReturnBuffer(_payload);
        _payload = [];
        _payloadKept = 0;
        Release();
    }

    /// <summary>Gives back what a framer holds of its own once framing has stopped.</summary>
    protected virtual void Release() { }
}
