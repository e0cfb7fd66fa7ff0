using System.Runtime.CompilerServices;
using ProtoScope.Core.Decoding;
using ProtoScope.Core.Reassembly;
using ProtoScope.Core.Session;

namespace ProtoScope.Core.Framing;

/// <summary>
/// Cuts one reassembled TCP direction into length-prefixed messages (the prefix is read by <see cref="MessageReader"/>), and tells for
/// each message which packets carried it. Holds only what the message in progress needs: its length prefix (at most 8
/// bytes) and, when payloads are kept, its payload (at most <see cref="FramingSpec.MaxMessage"/>), else a preview.
/// </summary>
/// <remarks>
/// A bad length, a stream that ends mid-message or a gap in the stream stops framing on this direction for good:
/// with a bare length prefix there is no honest way to find the next message boundary.
/// </remarks>
public sealed class StreamFramer : IStreamConsumer
{
    private readonly ConversationFramer _owner;
    private readonly int _conversation;
    private readonly Direction _direction;
    private readonly FramingSpec _spec;
    private LengthPrefix _header;
    private int _headerHeld;
    private bool _stopped;
    private long _index;

    // The message in progress: the stream offset of its length prefix, the frame number of the packet carrying its first byte.
    private long _messageOffset;
    private long _firstFrame;
    private int _segments;
    private bool _stickyStart;
    private bool _inPayload;
    private long _payloadLength;
    private long _payloadGot;
    /// <summary>What is kept of the message in progress (all of it, or a preview), in a reused array of at least that length.</summary>
    private byte[] _payload = [];
    private int _payloadKept;

    internal StreamFramer(ConversationFramer owner, int conversation, Direction direction)
    {
        _owner = owner;
        _conversation = conversation;
        _direction = direction;
        _spec = owner.Spec;
    }

    public void OnData(ReadOnlySpan<byte> bytes, long offset, long frame)
    {
        if (_stopped) return;
        int n = bytes.Length, pos = 0, headerSize = _spec.HeaderSize;
        while (pos < n)
        {
            if (_inPayload)
            {
                int take = (int)Math.Min(_payloadLength - _payloadGot, n - pos);
                KeepPayload(bytes.Slice(pos, take));
                pos += take;
                _segments++;
                if (_payloadGot == _payloadLength)
                {
                    _inPayload = false;
                    Complete(frame, stickyEnd: pos < n, _payloadLength, _payload.AsSpan(0, _payloadKept));
                    ReturnPayload();
                }
                continue;
            }
            ReadOnlySpan<byte> prefix;
            if (_headerHeld == 0)
            {
                _messageOffset = offset + pos;
                _firstFrame = frame;
                _segments = 1;
                _stickyStart = pos > 0;
                if (n - pos >= headerSize)
                {
                    // The common case: the whole length prefix is in this segment, read it in place.
                    prefix = bytes.Slice(pos, headerSize);
                    pos += headerSize;
                }
                else
                {
                    bytes[pos..].CopyTo(_header);
                    _headerHeld = n - pos;
                    return;
                }
            }
            else
            {
                _segments++;
                int take = Math.Min(headerSize - _headerHeld, n - pos);
                bytes.Slice(pos, take).CopyTo(((Span<byte>)_header)[_headerHeld..]);
                _headerHeld += take;
                pos += take;
                if (_headerHeld < headerSize) return;
                _headerHeld = 0;
                prefix = ((ReadOnlySpan<byte>)_header)[..headerSize];
            }
            if (!MessageReader.TryReadPayloadLength(prefix, _spec, out long payloadLength, out FramingError error))
            {
                Fail(error.ToString(), frame, notFramedCandidate: true);
                return;
            }
            if (n - pos >= payloadLength)
            {
                // The whole payload is here too: hand it on straight from the segment, no copy.
                ReadOnlySpan<byte> payload = bytes.Slice(pos, (int)payloadLength);
                pos += (int)payloadLength;
                Complete(frame, stickyEnd: pos < n, payloadLength, payload[..(int)KeptLength(payloadLength)]);
                continue;
            }
            // The message continues in later segments: keep what a view will be shown of it.
            _inPayload = true;
            _payloadLength = payloadLength;
            _payloadGot = 0;
            _payloadKept = (int)KeptLength(payloadLength);
            _payload = _owner.RentBuffer(_payloadKept);
            KeepPayload(bytes[pos..]);
            return;
        }
    }

    public void OnGap(in StreamGap gap)
    {
        if (_stopped) return;
        bool inMessage = _inPayload || _headerHeld > 0;
        if (gap.Cause == GapCause.MidStream)
            Fail("capture started mid-stream: frame boundaries unknown", gap.Frame, notFramedCandidate: true, offset: 0);
        else if (inMessage)
            Fail($"gap inside a frame: {gap.Describe()} at stream offset {gap.Offset}", gap.Frame, notFramedCandidate: false);
        else
            Fail($"gap between frames: {gap.Describe()} at stream offset {gap.Offset}; frame boundaries after it are unknown", gap.Frame, notFramedCandidate: false, offset: gap.Offset);
    }

    public void OnEnd(StreamEnd end, long offset, long frame)
    {
        if (_stopped) return;
        if (_inPayload)
            Fail(new FramingError(FramingErrorKind.PayloadTruncated, (ulong)_payloadLength, 0, _payloadGot).ToString(), frame, notFramedCandidate: true);
        else if (_headerHeld > 0)
            Fail(new FramingError(FramingErrorKind.HeaderTruncated, (ulong)_spec.HeaderSize, 0, _headerHeld).ToString(), frame, notFramedCandidate: true);
        _stopped = true;
        ReturnPayload();
    }

    private long KeptLength(long payloadLength) => _owner.KeepPayloads ? payloadLength : Math.Min(payloadLength, _owner.PreviewBytes);

    private void KeepPayload(ReadOnlySpan<byte> bytes)
    {
        if (_payloadGot < _payloadKept)
        {
            int room = (int)Math.Min(_payloadKept - _payloadGot, bytes.Length);
            bytes[..room].CopyTo(_payload.AsSpan((int)_payloadGot));
        }
        _payloadGot += bytes.Length;
    }

    private void ReturnPayload()
    {
        _owner.ReturnBuffer(_payload);
        _payload = [];
        _payloadKept = 0;
    }

    private void Complete(long frame, bool stickyEnd, long length, ReadOnlySpan<byte> payload)
    {
        var message = new FramedMessage(_conversation, Transport.Tcp, MessageKind.LengthPrefixed, _direction, _index++, _messageOffset,
            length, _firstFrame, frame, _segments, _stickyStart || stickyEnd);
        _owner.Sink.OnMessage(message, payload, null);
    }

    private void Fail(string reason, long frame, bool notFramedCandidate, long? offset = null)
    {
        _stopped = true;
        ReturnPayload();
        bool notFramed = notFramedCandidate && _owner.DetectNotFramed && _index == 0;
        _owner.Sink.OnFailure(new FramingFailure(_conversation, Transport.Tcp, _direction, offset ?? _messageOffset, frame, reason, notFramed));
    }
}

/// <summary>A length prefix split across segments, held inline (at most 8 bytes): no array per direction.</summary>
[InlineArray(8)]
internal struct LengthPrefix
{
    private byte _first;
}
