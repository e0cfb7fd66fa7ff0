using ProtoScope.Core.Tcp;

namespace ProtoScope.Core.Reassembly;

/// <summary>
/// One direction of a TCP connection being reassembled: where the next in-order byte is, the out-of-order
/// segments held until the hole before them fills, and where the stream ends.
/// </summary>
/// <remarks>
/// Stream offsets are 64-bit and count from the first byte after the SYN (or the first byte seen when there is
/// no SYN); sequence numbers are mapped to offsets relative to <see cref="_next"/> with wraparound-safe
/// arithmetic (<see cref="SequenceNumber"/>), so a stream may run past 4 GiB and across a sequence wrap.
/// </remarks>
internal sealed class HalfStream
{
    /// <summary>A held segment, or a snaplen hole (<see cref="Bytes"/> null, no memory) waiting for its turn.</summary>
    private struct Held
    {
        public long Start;
        public byte[]? Bytes;
        public long Length;
        public long Frame;
        public readonly long End => Start + Length;
    }

    private readonly Reassembler _owner;
    private readonly ConnectionStreams _connection;
    /// <summary>Made on the first out-of-order segment: most directions never need one.</summary>
    private List<Held>? _held;
    private RecentBytes _recent;
    private SequenceNumber _next;
    private long _offset;
    private SequenceNumber? _finSeq;
    private SequenceNumber _peerAck;
    private bool _hasPeerAck;
    private bool _noted;

    public HalfStream(Reassembler owner, ConnectionStreams connection, IStreamConsumer consumer, int retransmissionCheckBytes)
    {
        _owner = owner;
        _connection = connection;
        Consumer = consumer;
        _recent = new RecentBytes(retransmissionCheckBytes);
    }

    public IStreamConsumer Consumer { get; }
    public bool Started { get; private set; }
    public bool Ended { get; private set; }
    public long Buffered { get; private set; }
    public ReassemblyStats Stats;

    private int HeldCount => _held?.Count ?? 0;

    private SequenceNumber SeqAt(long offset) => _next + unchecked((int)(offset - _offset));

    private long OffsetOf(SequenceNumber seq) => _offset + (seq - _next);

    /// <summary>The SYN fixes the ISN: the first data byte is ISN + 1 (RFC 9293 §3.4).</summary>
    public void StartAtSyn(SequenceNumber isn)
    {
        if (Started) return;
        Started = true;
        _next = isn + 1;
    }

    /// <summary>No SYN in the capture: start at the first byte seen, after a gap of unknown length.</summary>
    public void StartMidStream(SequenceNumber seq, long frame)
    {
        if (Started) return;
        Started = true;
        _next = seq;
        Stats.Gaps++;
        Consumer.OnGap(new StreamGap(0, -1, GapCause.MidStream, frame));
    }

    /// <summary>The peer acknowledged up to <paramref name="ack"/>: bytes below it were received, so a hole below it will never be filled.</summary>
    public void PeerAcked(SequenceNumber ack, long frame)
    {
        if (!Started || Ended) return;
        if (!_hasPeerAck || ack > _peerAck)
        {
            _peerAck = ack;
            _hasPeerAck = true;
            if (HeldCount > 0) Drain(frame);
        }
    }

    /// <param name="seq">Sequence number of the first payload byte (after the SYN, if the segment has one).</param>
    /// <param name="length">Payload length from the headers.</param>
    /// <param name="captured">The captured payload: at most <paramref name="length"/> bytes.</param>
    public void Segment(SequenceNumber seq, long length, ReadOnlySpan<byte> captured, long frame)
    {
        if (length == 0) return;
        if (Ended)
        {
            Stats.AfterEnd += length;
            return;
        }
        long start = OffsetOf(seq);
        long end = start + length;
        if (_finSeq is SequenceNumber fin && end > OffsetOf(fin))
        {
            Stats.AfterEnd += end - OffsetOf(fin);
            end = OffsetOf(fin);
            if (end <= start) return;
            captured = captured[..(int)Math.Min(captured.Length, end - start)];
        }
        if (end <= _offset)
        {
            Stats.Retransmissions++;
            CheckDelivered(start, captured, frame);
            return;
        }
        if (start < _offset)
        {
            Stats.Overlaps++;
            int old = (int)(_offset - start);
            CheckDelivered(start, captured[..Math.Min(old, captured.Length)], frame);
            captured = old < captured.Length ? captured[old..] : [];
            start = _offset;
        }
        long capturedEnd = start + captured.Length;
        if (start == _offset && HeldCount == 0)
        {
            // The common case: in order, nothing held. Deliver straight from the packet, no copy.
            Deliver(captured, frame);
            if (capturedEnd < end) EmitGap(end - capturedEnd, GapCause.Snaplen, frame);
            CheckFin(frame);
            return;
        }
        if (start > _offset) Stats.OutOfOrder++;
        Hold(start, captured, frame, bytes: true);
        if (capturedEnd < end) Hold(capturedEnd, ReadOnlySpan<byte>.Empty, frame, bytes: false, holeLength: end - capturedEnd);
        Drain(frame);
        _owner.Enforce(_connection, this, frame);
    }

    public void Fin(SequenceNumber finSeq, long frame)
    {
        if (Ended || _finSeq is not null) return;
        _finSeq = finSeq;
        CheckFin(frame);
    }

    public void Reset(long frame)
    {
        if (Ended) return;
        Flush(frame);
        End(StreamEnd.Reset, frame);
    }

    /// <summary>The capture ended: every hole left is lost, held bytes are delivered, the stream ends.</summary>
    public void Finish(long frame)
    {
        if (Ended) return;
        Flush(frame);
        if (_finSeq is SequenceNumber fin && OffsetOf(fin) >= _offset)
        {
            if (OffsetOf(fin) > _offset) EmitGap(OffsetOf(fin) - _offset, GapCause.Lost, frame);
            End(StreamEnd.Fin, frame);
        }
        else
        {
            // Acknowledged bytes the capture never saw at the tail of the stream.
            if (_hasPeerAck && _peerAck > _next) EmitGap(_peerAck - _next, GapCause.Lost, frame);
            End(StreamEnd.CaptureEnd, frame);
        }
    }

    /// <summary>Gives up the first hole (the buffer limit was reached). Returns false when nothing is held.</summary>
    public bool GiveUpFirstHole(long frame, long limit, string which)
    {
        if (HeldCount == 0) return false;
        if (!_noted)
        {
            _noted = true;
            _owner.Note(_connection, this, frame, $"out-of-order buffer limit reached ({which} {limit} bytes): holes given up as gaps from stream offset {_offset}");
        }
        if (_held![0].Start > _offset) EmitGap(_held[0].Start - _offset, GapCause.BufferLimit, frame);
        Drain(frame);
        return true;
    }

    private void Flush(long frame)
    {
        while (HeldCount > 0)
        {
            if (_held![0].Start > _offset) EmitGap(_held[0].Start - _offset, GapCause.Lost, frame);
            Drain(frame);
        }
    }

    /// <summary>Delivers held segments from the front while they are in order, or while the peer has acknowledged past the hole before them.</summary>
    private void Drain(long frame)
    {
        while (HeldCount > 0)
        {
            Held first = _held![0];
            if (first.Start > _offset)
            {
                if (!(_hasPeerAck && _peerAck >= SeqAt(first.Start))) break;
                EmitGap(first.Start - _offset, GapCause.Lost, frame);
            }
            _held!.RemoveAt(0);
            Release(first.Bytes?.Length ?? 0);
            if (first.Bytes is null) EmitGap(first.Length, GapCause.Snaplen, first.Frame);
            else Deliver(first.Bytes, first.Frame);
        }
        CheckFin(frame);
    }

    /// <summary>
    /// Holds the parts of [start, start + length) not already held: the first copy wins, as in most stacks
    /// (Linux keeps the data already queued; Wireshark and Zeek report the disagreement too).
    /// </summary>
    private void Hold(long start, ReadOnlySpan<byte> captured, long frame, bool bytes, long holeLength = 0)
    {
        long end = start + (bytes ? captured.Length : holeLength);
        if (end <= start) return;
        _held ??= [];
        int i = 0;
        long at = start;
        bool overlapped = false;
        while (at < end)
        {
            while (i < _held.Count && _held[i].End <= at) i++;
            long pieceEnd = i < _held.Count ? Math.Min(end, _held[i].Start) : end;
            if (pieceEnd > at)
            {
                var held = new Held { Start = at, Length = pieceEnd - at, Frame = frame };
                if (bytes) held.Bytes = captured.Slice((int)(at - start), (int)(pieceEnd - at)).ToArray();
                _held.Insert(i, held);
                i++;
                Take(held.Bytes?.Length ?? 0);
                at = pieceEnd;
                continue;
            }
            // [at, ...) is already held by _held[i]: keep that copy and compare.
            Held existing = _held[i];
            long overlapEnd = Math.Min(end, existing.End);
            overlapped = true;
            if (bytes && existing.Bytes is not null)
            {
                var mine = captured.Slice((int)(at - start), (int)(overlapEnd - at));
                var theirs = existing.Bytes.AsSpan((int)(at - existing.Start), (int)(overlapEnd - at));
                if (!mine.SequenceEqual(theirs)) Conflict(at, frame, existing.Frame);
            }
            at = overlapEnd;
        }
        if (overlapped && bytes) Stats.Overlaps++;
    }

    private void CheckDelivered(long start, ReadOnlySpan<byte> captured, long frame)
    {
        if (!_recent.Agrees(start, captured)) Conflict(start, frame, null);
    }

    private void Conflict(long offset, long frame, long? firstFrame)
    {
        Stats.Conflicts++;
        string first = firstFrame is long f ? $" (first copy in frame {f})" : "";
        _owner.Note(_connection, this, frame, $"conflicting overlap at stream offset {offset}: frame {frame} carries other bytes than the first copy{first}, which is kept");
    }

    private void Deliver(ReadOnlySpan<byte> bytes, long frame)
    {
        if (bytes.IsEmpty) return;
        long offset = _offset;
        _offset += bytes.Length;
        _next += bytes.Length;
        _recent.Append(bytes);
        Stats.DeliveredBytes += bytes.Length;
        Consumer.OnData(bytes, offset, frame);
    }

    private void EmitGap(long length, GapCause cause, long frame)
    {
        if (length <= 0) return;
        long offset = _offset;
        _offset += length;
        _next += unchecked((int)length);
        _recent.Skip(length);
        Stats.Gaps++;
        Stats.GapBytes += length;
        Consumer.OnGap(new StreamGap(offset, length, cause, frame));
    }

    private void CheckFin(long frame)
    {
        if (_finSeq is SequenceNumber fin && HeldCount == 0 && OffsetOf(fin) <= _offset) End(StreamEnd.Fin, frame);
    }

    private void End(StreamEnd how, long frame)
    {
        if (Ended) return;
        Ended = true;
        _recent.Release();
        if (_held is not null)
        {
            foreach (Held h in _held) Release(h.Bytes?.Length ?? 0);
            _held = null;
        }
        Consumer.OnEnd(how, _offset, frame);
    }

    private void Take(long bytes)
    {
        Buffered += bytes;
        if (Buffered > Stats.PeakBuffered) Stats.PeakBuffered = Buffered;
        _connection.Buffered += bytes;
        _owner.TotalBuffered += bytes;
    }

    private void Release(long bytes)
    {
        Buffered -= bytes;
        _connection.Buffered -= bytes;
        _owner.TotalBuffered -= bytes;
    }
}
