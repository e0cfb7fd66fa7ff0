using System.Diagnostics.CodeAnalysis;

namespace ProtoScope.Core.Tcp;

/// <summary>
/// The segments one direction has sent that the other has not acknowledged yet, oldest first: Wireshark's per-flow
/// list of tcp_unacked_t (frame, seq, nextseq, time), which its analysis reads for RTTs and bytes in flight. Bounded
/// as Wireshark bounds it (<see cref="Capacity"/>). Held inside the flow: the first two segments in place (a request
/// and its answer rarely have more outstanding), more in an array that grows on demand and is kept, so that neither
/// a short connection nor a long one in steady state allocates per packet.
/// </summary>
public struct UnackedSegments
{
    /// <summary>packet-tcp.h's TCP_MAX_UNACKED_SEGMENTS: past this many (the ACKs are not being seen) no more are kept.</summary>
    public const int Capacity = 10_000;

    public struct Segment
    {
        public uint Seq;
        public uint NextSeq;
        public long Frame;
        public long Time;
    }

    [System.Runtime.CompilerServices.InlineArray(2)]
    private struct InPlace
    {
        private Segment _first;
    }

    private InPlace _inPlace;
    private Segment[]? _spilled;

    public int Count { get; private set; }

    /// <summary>The segments, oldest first.</summary>
    [UnscopedRef]
    public readonly ReadOnlySpan<Segment> Items =>
        _spilled is null ? ((ReadOnlySpan<Segment>)_inPlace)[..Count] : _spilled.AsSpan(0, Count);

    [UnscopedRef]
    private Span<Segment> Storage => _spilled is null ? _inPlace : _spilled;

    public void Add(uint seq, uint nextSeq, long frame, long time)
    {
        if (Count == Storage.Length)
        {
            var grown = new Segment[Math.Min(Count * 4, Capacity)];
            Storage.CopyTo(grown);
            _spilled = grown;
        }
        Storage[Count++] = new Segment { Seq = seq, NextSeq = nextSeq, Frame = frame, Time = time };
    }

    /// <summary>
    /// What an ACK of <paramref name="ack"/> does to the list (packet-tcp.c's removal loop): segments that end at or
    /// before it go, one it falls inside is cut to start at it. Returns the segment that ends exactly at the ACK, the
    /// oldest if several do (Wireshark walks newest to oldest and keeps the last match), whose frame and time give
    /// tcp.analysis.acks_frame and ack_rtt.
    /// </summary>
    public bool Acknowledge(uint ack, out long frame, out long time)
    {
        bool found = false;
        frame = 0;
        time = 0;
        var items = Storage;
        int kept = 0;
        for (int i = 0; i < Count; i++)
        {
            var s = items[i];
            if (ack == s.NextSeq)
            {
                if (!found)
                {
                    found = true;
                    frame = s.Frame;
                    time = s.Time;
                }
                continue;
            }
            if (SequenceOrder.Gt(ack, s.Seq) && SequenceOrder.Le(ack, s.NextSeq))
                s.Seq = ack;
            else if (!SequenceOrder.Gt(s.NextSeq, ack))
                continue;
            items[kept++] = s;
        }
        Count = kept;
        return found;
    }
}

/// <summary>
/// packet-tcp.h's GT_SEQ, LT_SEQ, LE_SEQ on raw numbers, exactly: unlike <see cref="SequenceNumber"/>'s operators
/// they disagree with each other at a distance of exactly 2^31 (GT_SEQ(x, y) and LT_SEQ(x, y) are then both true),
/// and the analysis must decide as Wireshark does there too.
/// </summary>
internal static class SequenceOrder
{
    public static bool Gt(uint x, uint y) => unchecked((int)(y - x)) < 0;
    public static bool Lt(uint x, uint y) => unchecked((int)(x - y)) < 0;
    public static bool Le(uint x, uint y) => unchecked((int)(x - y)) <= 0;
}
