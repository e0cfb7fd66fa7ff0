using System.Buffers;
using ProtoScope.Core.Reassembly;
using ProtoScope.Core.Session;

namespace ProtoScope.Core.Framing;

/// <summary>
/// Cuts one reassembled TCP direction into length-prefixed frames with <see cref="FrameReader"/>, and tells for
/// each frame which packets carried it. Holds only what the frame in progress needs: its length prefix (at most 8
/// bytes) and, when payloads are kept, its payload (at most <see cref="FramingSpec.MaxFrame"/>), else a preview.
/// </summary>
/// <remarks>
/// A bad length, a stream that ends mid-frame or a gap in the stream stops framing on this direction for good:
/// with a bare length prefix there is no honest way to find the next frame boundary.
/// </remarks>
public sealed class StreamFramer : IStreamConsumer
{
    private readonly ConversationFramer _owner;
    private readonly int _conversation;
    private readonly Direction _direction;
    private readonly FramingSpec _spec;
    private readonly byte[] _header = new byte[8];
    private int _headerHeld;
    private bool _stopped;
    private long _index;

    // The frame in progress.
    private long _frameStart;
    private long _firstFrame;
    private int _segments;
    private bool _stickyStart;
    private bool _inPayload;
    private long _payloadLength;
    private long _payloadGot;
    private byte[] _payload = [];

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
        byte[] chunk = _owner.Scratch(bytes.Length);
        bytes.CopyTo(chunk);
        int n = bytes.Length, pos = 0;
        while (pos < n)
        {
            if (_inPayload)
            {
                int take = (int)Math.Min(_payloadLength - _payloadGot, n - pos);
                KeepPayload(chunk.AsSpan(pos, take));
                pos += take;
                _segments++;
                if (_payloadGot == _payloadLength)
                {
                    _inPayload = false;
                    Complete(frame, stickyEnd: pos < n, _payloadLength, _payload);
                }
                continue;
            }
            if (_headerHeld == 0)
            {
                _frameStart = offset + pos;
                _firstFrame = frame;
                _segments = 1;
                _stickyStart = pos > 0;
            }
            else
            {
                _segments++;
            }
            ReadOnlySequence<byte> buffer = _headerHeld == 0
                ? new ReadOnlySequence<byte>(chunk, pos, n - pos)
                : ByteChain.Of(_header.AsMemory(0, _headerHeld), chunk.AsMemory(pos, n - pos));
            long before = buffer.Length;
            switch (FrameReader.TryReadFrame(ref buffer, _spec, out ReadOnlySequence<byte> payload, out FrameError error))
            {
                case FrameStatus.Frame:
                    pos += (int)(before - buffer.Length - _headerHeld);
                    _headerHeld = 0;
                    Complete(frame, stickyEnd: pos < n, payload.Length, Preview(payload));
                    break;
                case FrameStatus.Error:
                    Fail(error.ToString(), frame, notFramedCandidate: true);
                    return;
                default:
                    if (before < _spec.HeaderSize)
                    {
                        chunk.AsSpan(pos, n - pos).CopyTo(_header.AsSpan(_headerHeld));
                        _headerHeld += n - pos;
                    }
                    else
                    {
                        FrameError partial = FrameReader.DescribeTruncation(buffer, _spec);
                        _headerHeld = 0;
                        _inPayload = true;
                        _payloadLength = (long)partial.Length;
                        _payloadGot = 0;
                        _payload = new byte[(int)Math.Min(_payloadLength, _owner.KeepPayloads ? _payloadLength : _owner.PreviewBytes)];
                        foreach (ReadOnlyMemory<byte> piece in buffer.Slice(_spec.HeaderSize))
                            KeepPayload(piece.Span);
                    }
                    pos = n;
                    break;
            }
        }
    }

    public void OnGap(in StreamGap gap)
    {
        if (_stopped) return;
        bool inFrame = _inPayload || _headerHeld > 0;
        if (gap.Cause == GapCause.MidStream)
            Fail("capture started mid-stream: frame boundaries unknown", gap.Frame, notFramedCandidate: true, offset: 0);
        else if (inFrame)
            Fail($"gap inside a frame: {gap.Describe()} at stream offset {gap.Offset}", gap.Frame, notFramedCandidate: false);
        else
            Fail($"gap between frames: {gap.Describe()} at stream offset {gap.Offset}; frame boundaries after it are unknown", gap.Frame, notFramedCandidate: false, offset: gap.Offset);
    }

    public void OnEnd(StreamEnd end, long offset, long frame)
    {
        if (_stopped) return;
        if (_inPayload)
            Fail(new FrameError(FrameErrorKind.PayloadTruncated, (ulong)_payloadLength, 0, _payloadGot).ToString(), frame, notFramedCandidate: true);
        else if (_headerHeld > 0)
            Fail(new FrameError(FrameErrorKind.HeaderTruncated, (ulong)_spec.HeaderSize, 0, _headerHeld).ToString(), frame, notFramedCandidate: true);
        _stopped = true;
        _payload = [];
    }

    private void KeepPayload(ReadOnlySpan<byte> bytes)
    {
        if (_payloadGot < _payload.Length)
        {
            int room = (int)Math.Min(_payload.Length - _payloadGot, bytes.Length);
            bytes[..room].CopyTo(_payload.AsSpan((int)_payloadGot));
        }
        _payloadGot += bytes.Length;
    }

    private ReadOnlySpan<byte> Preview(in ReadOnlySequence<byte> payload)
    {
        long wanted = _owner.KeepPayloads ? payload.Length : Math.Min(payload.Length, _owner.PreviewBytes);
        ReadOnlySequence<byte> part = payload.Slice(0, wanted);
        return part.IsSingleSegment ? part.FirstSpan : part.ToArray();
    }

    private void Complete(long frame, bool stickyEnd, long length, ReadOnlySpan<byte> payload)
    {
        var message = new FramedMessage(_conversation, "tcp", MessageKind.Frame, _direction, _index++, _frameStart,
            length, _firstFrame, frame, _segments, _stickyStart || stickyEnd);
        _owner.Sink.OnMessage(message, payload, null);
    }

    private void Fail(string reason, long frame, bool notFramedCandidate, long? offset = null)
    {
        _stopped = true;
        _payload = [];
        bool notFramed = notFramedCandidate && _owner.DetectNotFramed && _index == 0;
        _owner.Sink.OnFailure(new FramingFailure(_conversation, "tcp", _direction, offset ?? _frameStart, frame, reason, notFramed));
    }
}

/// <summary>A two-piece <see cref="ReadOnlySequence{T}"/>: a held length prefix followed by the bytes that complete it.</summary>
internal sealed class ByteChain : ReadOnlySequenceSegment<byte>
{
    private ByteChain(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    public static ReadOnlySequence<byte> Of(ReadOnlyMemory<byte> first, ReadOnlyMemory<byte> second)
    {
        var head = new ByteChain(first, 0);
        var tail = new ByteChain(second, first.Length);
        head.Next = tail;
        return new ReadOnlySequence<byte>(head, 0, tail, second.Length);
    }
}
