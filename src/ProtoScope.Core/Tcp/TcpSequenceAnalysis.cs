using ProtoScope.Core.Decoding;

namespace ProtoScope.Core.Tcp;

/// <summary>
/// The analysis of one segment: its flags and the numbers Wireshark shows under "SEQ/ACK analysis".
/// <see cref="HasAnalysis"/> says whether Wireshark has an analysis record for the segment at all: tshark shows the
/// initial RTT only on segments that have one.
/// </summary>
public struct SegmentAnalysis
{
    public TcpAnalysisFlags Flags;
    public bool HasAnalysis;
    public long AcksFrame;
    /// <summary>Nanoseconds from the acknowledged segment to this ACK; 0 when none (Wireshark shows none then).</summary>
    public long AckRtt;
    public uint BytesInFlight;
    public uint DupAckNum;
    public long DupAckFrame;
}

/// <summary>
/// Wireshark's TCP sequence analysis (packet-tcp.c, tcp_analyze_sequence_number and the steps of dissect_tcp around
/// it), ported test by test and in its order: zero window probe, zero window, lost segment, keep-alive, window
/// update, window full, keep-alive ACK, zero window probe ACK, duplicate ACK, ACKed unseen segment, then spurious,
/// fast and plain retransmission or out-of-order; then the flow's state moves on, the ACK takes acknowledged
/// segments off the other direction's list (giving the RTT) and the bytes in flight are counted. Wireshark's
/// defaults throughout: fast retransmission takes precedence over out-of-order, bytes in flight are counted from
/// the segments' payloads, relative numbers on.
/// </summary>
public static class TcpSequenceAnalysis
{
    private const TcpFlags SynFinRst = TcpFlags.Syn | TcpFlags.Fin | TcpFlags.Rst;

    /// <summary>The other direction's duplicate ACKs must be this recent for a fast retransmission (20 ms).</summary>
    private const ulong FastRetransmissionWindow = 20_000_000;

    /// <summary>Out-of-order needs a segment this close to the highest one, when the initial RTT is not known (3 ms).</summary>
    private const ulong DefaultOutOfOrderWindow = 3_000_000;

    /// <summary>
    /// Analyses <paramref name="seg"/>, sent in the direction of <paramref name="fwd"/>, and moves both flows on.
    /// <paramref name="fwdBase"/> is the direction's relative-sequence base (for bytes in flight);
    /// <paramref name="initialRtt"/> the connection's, 0 while unknown; <paramref name="time"/> in nanoseconds.
    /// <paramref name="result"/> may come in with <see cref="SegmentAnalysis.HasAnalysis"/> or flags already set by
    /// the port-reuse checks that precede the analysis in Wireshark.
    /// </summary>
    public static void Analyze(ref TcpFlowAnalysis fwd, ref TcpFlowAnalysis rev, in TcpSegment seg, long frame, long time,
        uint fwdBase, long initialRtt, ref SegmentAnalysis result)
    {
        uint seq = seg.Seq.Raw, ack = seg.Ack.Raw;
        uint seglen = (uint)seg.Length;
        var flags = seg.Flags;
        ushort window = seg.Window;

        if ((flags & TcpFlags.Ack) != 0) rev.BytesInFlightInvalid = false;

        if (seglen == 1 && seq == fwd.NextSeq && rev.HasWindow && rev.Window == 0)
        {
            Flag(ref result, TcpAnalysisFlags.ZeroWindowProbe);
        }
        else
        {
            AnalyzeForward(ref fwd, ref rev, seq, ack, seglen, flags, window, ref result);
        }

        // The duplicate-ACK count restarts whenever the ACK moves.
        if (ack != fwd.LastAck)
        {
            fwd.LastNonDupAck = frame;
            fwd.DupAckNum = 0;
        }

        if (rev.MaxSeqToBeAcked != 0 && SequenceOrder.Gt(ack, rev.MaxSeqToBeAcked) && (flags & TcpFlags.Ack) != 0)
        {
            result.HasAnalysis = true;
            if (SequenceOrder.Lt(rev.MaxSeqToBeAcked, rev.NextSeq))
            {
                rev.MaxSeqToBeAcked = rev.NextSeq;
                result.Flags |= TcpAnalysisFlags.AckLostSegment;
            }
            else
            {
                // The other direction is stalled on pure ACKs: report the unseen segment once, not on every ACK.
                if (rev.DupAckNum == 0) result.Flags |= TcpAnalysisFlags.AckLostSegment;
                rev.DupAckNum = -1;
            }
        }

        if (seglen > 0 || (flags & (TcpFlags.Syn | TcpFlags.Fin)) != 0)
            ClassifyRetransmission(ref fwd, ref rev, seq, seglen, flags, time, initialRtt, ref result);

        uint nextSeq = seq + seglen;
        if ((seglen > 0 || (flags & (TcpFlags.Syn | TcpFlags.Fin)) != 0) && fwd.Unacked.Count < UnackedSegments.Capacity)
        {
            if ((flags & (TcpFlags.Syn | TcpFlags.Fin)) != 0) nextSeq++;
            fwd.Unacked.Add(seq, nextSeq, frame, time);
        }

        // A zero window probe does not move the flow on: its byte is sent again once the window opens.
        bool probe = (result.Flags & TcpAnalysisFlags.ZeroWindowProbe) != 0;
        if ((SequenceOrder.Gt(nextSeq, fwd.NextSeq) || fwd.NextSeq == 0) && !probe)
        {
            fwd.NextSeq = nextSeq;
            fwd.NextSeqTime = time;
        }
        if ((seq == fwd.MaxSeqToBeAcked || fwd.MaxSeqToBeAcked == 0) && !probe)
            fwd.MaxSeqToBeAcked = fwd.NextSeq;

        fwd.Window = window;
        fwd.HasWindow = true;
        fwd.LastAck = ack;
        fwd.LastAckTime = time;
        fwd.LastSegmentFlags = result.Flags;

        // Wireshark reads the acknowledgment number whether or not the ACK flag is set.
        if (rev.Unacked.Count > 0 && rev.Unacked.Acknowledge(ack, out long ackedFrame, out long ackedTime))
        {
            result.HasAnalysis = true;
            result.AcksFrame = ackedFrame;
            result.AckRtt = time - ackedTime;
        }

        CountBytesInFlight(ref fwd, ref rev, seglen, flags, fwdBase, ref result);
    }

    /// <summary>The tests that stop at the first of keep-alive ACK, zero window probe ACK (packet-tcp.c's goto finished_fwd).</summary>
    private static void AnalyzeForward(ref TcpFlowAnalysis fwd, ref TcpFlowAnalysis rev, uint seq, uint ack, uint seglen,
        TcpFlags flags, ushort window, ref SegmentAnalysis result)
    {
        bool plain = (flags & SynFinRst) == 0;

        if (window == 0 && plain) Flag(ref result, TcpAnalysisFlags.ZeroWindow);

        if (fwd.NextSeq != 0 && SequenceOrder.Gt(seq, fwd.NextSeq) && (flags & TcpFlags.Rst) == 0)
        {
            Flag(ref result, TcpAnalysisFlags.LostSegment);
            // Bytes in flight are unknown until the other direction ACKs again.
            fwd.BytesInFlightInvalid = true;
        }

        if (seglen <= 1 && seq == fwd.NextSeq - 1 && plain) Flag(ref result, TcpAnalysisFlags.KeepAlive);

        bool sameSeqAndAck = seglen == 0 && seq == fwd.NextSeq && ack == fwd.LastAck && plain;

        if (sameSeqAndAck && window != 0 && window != fwd.WindowValue) Flag(ref result, TcpAnalysisFlags.WindowUpdate);

        if (seglen > 0 && rev.Scaling != WindowScaling.Unknown && plain
            && seq + seglen == rev.LastAck + rev.AdvertisedWindow)
            Flag(ref result, TcpAnalysisFlags.WindowFull);

        if (sameSeqAndAck && window != 0 && window == fwd.WindowValue && (rev.LastSegmentFlags & TcpAnalysisFlags.KeepAlive) != 0)
        {
            Flag(ref result, TcpAnalysisFlags.KeepAliveAck);
            return;
        }

        if (sameSeqAndAck && window == 0 && window == fwd.WindowValue && (rev.LastSegmentFlags & TcpAnalysisFlags.ZeroWindowProbe) != 0)
        {
            Flag(ref result, TcpAnalysisFlags.ZeroWindowProbeAck);
            return;
        }

        if (sameSeqAndAck && window != 0 && window == fwd.WindowValue)
        {
            fwd.DupAckNum = fwd.DupAckNum == -1 ? 1 : fwd.DupAckNum + 1;
            Flag(ref result, TcpAnalysisFlags.DuplicateAck);
            result.DupAckNum = (uint)fwd.DupAckNum;
            result.DupAckFrame = fwd.LastNonDupAck;
        }
    }

    /// <summary>A segment that carries data, a SYN or a FIN: spurious, fast or plain retransmission, or out-of-order.</summary>
    private static void ClassifyRetransmission(ref TcpFlowAnalysis fwd, ref TcpFlowAnalysis rev, uint seq, uint seglen,
        TcpFlags flags, long time, long initialRtt, ref SegmentAnalysis result)
    {
        if ((result.Flags & TcpAnalysisFlags.KeepAlive) != 0) return;

        bool notAdvanced = fwd.NextSeq != 0 && SequenceOrder.Lt(seq, fwd.NextSeq);
        // One byte below the next expected that brings more: the byte was a zero window probe, the rest is new data.
        if (seglen > 1 && fwd.NextSeq - 1 == seq) notAdvanced = false;

        if (seglen > 0 && rev.LastAck != 0 && SequenceOrder.Le(seq + seglen, rev.LastAck))
        {
            Flag(ref result, TcpAnalysisFlags.SpuriousRetransmission);
            return;
        }

        ulong sinceDupAcks = unchecked((ulong)(time - rev.LastAckTime));
        if (notAdvanced && rev.DupAckNum >= 2 && rev.LastAck == seq && sinceDupAcks < FastRetransmissionWindow)
        {
            Flag(ref result, TcpAnalysisFlags.FastRetransmission);
            return;
        }

        ulong sinceHighest = unchecked((ulong)(time - fwd.NextSeqTime));
        ulong outOfOrderWindow = initialRtt == 0 ? DefaultOutOfOrderWindow : (ulong)initialRtt;
        uint end = seq + seglen + ((flags & (TcpFlags.Syn | TcpFlags.Fin)) != 0 ? 1u : 0u);
        if (notAdvanced && sinceHighest < outOfOrderWindow && fwd.NextSeq != end)
        {
            Flag(ref result, TcpAnalysisFlags.OutOfOrder);
            return;
        }

        if (notAdvanced) Flag(ref result, TcpAnalysisFlags.Retransmission);
    }

    /// <summary>
    /// Bytes in flight after a segment with data: from the lowest to the highest unacknowledged sequence number of
    /// this direction, less what the other direction's last SACK covered; a SYN or FIN's virtual byte does not count.
    /// </summary>
    private static void CountBytesInFlight(ref TcpFlowAnalysis fwd, ref TcpFlowAnalysis rev, uint seglen, TcpFlags flags,
        uint fwdBase, ref SegmentAnalysis result)
    {
        var outstanding = fwd.Outstanding;
        if (seglen == 0 || outstanding.IsEmpty || fwd.BytesInFlightInvalid) return;
        result.HasAnalysis = true;
        ref readonly var newest = ref outstanding[^1];
        uint first = newest.Seq - fwdBase, last = newest.NextSeq - fwdBase;
        foreach (ref readonly var s in outstanding)
        {
            if (s.NextSeq - fwdBase > last) last = s.NextSeq - fwdBase;
            if (s.Seq - fwdBase < first) first = s.Seq - fwdBase;
        }
        uint inFlight = last - first - rev.SackedBytes;
        if (inFlight > 0 && inFlight < 2_000_000_000)
            result.BytesInFlight = (flags & (TcpFlags.Syn | TcpFlags.Fin)) != 0 ? inFlight - 1 : inFlight;
    }

    private static void Flag(ref SegmentAnalysis result, TcpAnalysisFlags flag)
    {
        result.Flags |= flag;
        result.HasAnalysis = true;
    }

    /// <summary>
    /// What dissect_tcp does after the analysis with the segment's header: a SYN restarts the first-ACK rule and, with
    /// its options, settles whether window scaling is in use (verify_tcp_window_scaling).
    /// </summary>
    public static void AfterSegment(ref TcpFlowAnalysis fwd, ref TcpFlowAnalysis rev, in TcpSegment seg, in TcpOptions options)
    {
        var flags = seg.Flags;
        if ((flags & TcpFlags.Syn) != 0) fwd.IsFirstAck = true;
        if ((flags & (TcpFlags.Syn | TcpFlags.Ack)) == TcpFlags.Ack) fwd.IsFirstAck = false;
        fwd.LearnOptions(in options);
        if ((flags & TcpFlags.Syn) == 0) return;
        if (fwd.Scaling == WindowScaling.Unknown)
        {
            // No window scale option on this SYN: neither side scales (or the SYN-ACK declined the SYN's offer).
            fwd.Scaling = WindowScaling.NotUsed;
            rev.Scaling = WindowScaling.NotUsed;
        }
        else if ((flags & TcpFlags.Ack) != 0 && rev.Scaling == WindowScaling.NotUsed)
        {
            fwd.Scaling = WindowScaling.NotUsed;
        }
    }
}
