namespace ProtoScope.Core.Tcp;

/// <summary>
/// One connection's analysis events and ACK RTTs, summed as its packets pass: how many segments carried each flag
/// (counted as tshark's fields count them, so a fast retransmission counts as a retransmission too) and the
/// minimum, mean and maximum of tcp.analysis.ack_rtt.
/// </summary>
public struct TcpExpertSummary
{
    // Allocated at the connection's first flag: most connections of a clean capture have none.
    private int[]? _counts;

    public long RttSamples { get; private set; }
    public long RttMin { get; private set; }
    public long RttMax { get; private set; }
    private long _rttSum;

    /// <summary>Mean ACK RTT in nanoseconds; 0 without samples.</summary>
    public readonly long RttMean => RttSamples == 0 ? 0 : _rttSum / RttSamples;

    /// <summary>Every flag any segment carried, as fields.</summary>
    public TcpAnalysisFlags Seen { get; private set; }

    /// <summary>Segments that carried <paramref name="flag"/> (one flag), as tshark's field counts them.</summary>
    public readonly int Count(TcpAnalysisFlags flag) => _counts is null ? 0 : _counts[System.Numerics.BitOperations.Log2((uint)flag)];

    private const TcpAnalysisFlags Loss = TcpAnalysisFlags.Retransmission | TcpAnalysisFlags.FastRetransmission
        | TcpAnalysisFlags.SpuriousRetransmission | TcpAnalysisFlags.LostSegment | TcpAnalysisFlags.AckLostSegment
        | TcpAnalysisFlags.OutOfOrder | TcpAnalysisFlags.DuplicateAck;

    /// <summary>
    /// One word for what held the connection back, the worst first: "stalled" (a receiver closed its window to
    /// zero), "lossy" (segments lost, resent, reordered or ACKed twice), "limited" (a sender filled the receiver's
    /// window), else "ok". Keep-alives and window updates are normal life.
    /// </summary>
    public readonly string Health =>
        (Seen & TcpAnalysisFlags.ZeroWindow) != 0 ? "stalled"
        : (Seen & Loss) != 0 ? "lossy"
        : (Seen & TcpAnalysisFlags.WindowFull) != 0 ? "limited"
        : "ok";

    internal void Add(in SegmentAnalysis a)
    {
        if (a.AckRtt > 0)
        {
            RttMin = RttSamples == 0 ? a.AckRtt : Math.Min(RttMin, a.AckRtt);
            RttMax = Math.Max(RttMax, a.AckRtt);
            _rttSum += a.AckRtt;
            RttSamples++;
        }
        if (a.Flags == TcpAnalysisFlags.None) return;
        var fields = TcpAnalysisNames.Fields(a.Flags);
        Seen |= fields;
        _counts ??= new int[16];
        for (uint bits = (uint)fields; bits != 0; bits &= bits - 1)
            _counts[System.Numerics.BitOperations.TrailingZeroCount(bits)]++;
    }
}
