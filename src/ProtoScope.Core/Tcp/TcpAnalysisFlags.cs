using System.Text;
using ProtoScope.Core.Session;

namespace ProtoScope.Core.Tcp;

/// <summary>
/// Wireshark's TCP analysis flags of one segment (packet-tcp.c's TCP_A_* bits, same values), as
/// <see cref="TcpFlowAnalysis"/> sets them. A segment can carry several: a retransmission that is also a window
/// update. A fast or spurious retransmission does not carry <see cref="Retransmission"/> as a bit, but Wireshark
/// reports it under tcp.analysis.retransmission too; <see cref="TcpAnalysisNames.Fields"/> says so.
/// </summary>
[Flags]
public enum TcpAnalysisFlags : ushort
{
    None = 0,
    Retransmission = 0x0001,
    LostSegment = 0x0002,
    AckLostSegment = 0x0004,
    KeepAlive = 0x0008,
    DuplicateAck = 0x0010,
    ZeroWindow = 0x0020,
    ZeroWindowProbe = 0x0040,
    ZeroWindowProbeAck = 0x0080,
    KeepAliveAck = 0x0100,
    OutOfOrder = 0x0200,
    FastRetransmission = 0x0400,
    WindowUpdate = 0x0800,
    WindowFull = 0x1000,
    ReusedPorts = 0x2000,
    SpuriousRetransmission = 0x4000,
}

/// <summary>Wireshark's expert severities, lowest first.</summary>
public enum ExpertSeverity : byte { Chat, Note, Warning }

/// <summary>One analysis flag as Wireshark presents it.</summary>
/// <param name="Name">tshark's field without "tcp.analysis.": "retransmission", "lost_segment".</param>
/// <param name="Text">The bracketed words of Wireshark's Info column, without brackets: "TCP Retransmission".</param>
/// <param name="Summary">The expert item's message: "This frame is a (suspected) retransmission".</param>
public readonly record struct TcpAnalysisFlagInfo(TcpAnalysisFlags Flag, string Name, string Text, ExpertSeverity Severity, string Summary);

public static class TcpAnalysisNames
{
    /// <summary>
    /// Every flag, in the order Wireshark's Info column shows them (packet-tcp.c prints reused ports first, zero
    /// window probe ACK last, each prepending its words: the last printed reads first).
    /// </summary>
    public static readonly TcpAnalysisFlagInfo[] All =
    [
        new(TcpAnalysisFlags.ZeroWindowProbeAck, "zero_window_probe_ack", "TCP ZeroWindowProbeAck", ExpertSeverity.Note, "ACK to a TCP Zero Window Probe"),
        new(TcpAnalysisFlags.ZeroWindow, "zero_window", "TCP ZeroWindow", ExpertSeverity.Warning, "TCP Zero Window segment"),
        new(TcpAnalysisFlags.ZeroWindowProbe, "zero_window_probe", "TCP ZeroWindowProbe", ExpertSeverity.Note, "TCP Zero Window Probe"),
        new(TcpAnalysisFlags.DuplicateAck, "duplicate_ack", "TCP Dup ACK", ExpertSeverity.Note, "Duplicate ACK"),
        new(TcpAnalysisFlags.KeepAliveAck, "keep_alive_ack", "TCP Keep-Alive ACK", ExpertSeverity.Note, "ACK to a TCP keep-alive segment"),
        new(TcpAnalysisFlags.KeepAlive, "keep_alive", "TCP Keep-Alive", ExpertSeverity.Note, "TCP keep-alive segment"),
        new(TcpAnalysisFlags.WindowFull, "window_full", "TCP Window Full", ExpertSeverity.Warning, "TCP window specified by the receiver is now completely full"),
        new(TcpAnalysisFlags.WindowUpdate, "window_update", "TCP Window Update", ExpertSeverity.Chat, "TCP window update"),
        new(TcpAnalysisFlags.AckLostSegment, "ack_lost_segment", "TCP ACKed unseen segment", ExpertSeverity.Warning, "ACKed segment that wasn't captured (common at capture start)"),
        new(TcpAnalysisFlags.LostSegment, "lost_segment", "TCP Previous segment not captured", ExpertSeverity.Warning, "Previous segment(s) not captured (common at capture start)"),
        new(TcpAnalysisFlags.OutOfOrder, "out_of_order", "TCP Out-Of-Order", ExpertSeverity.Warning, "This frame is a (suspected) out-of-order segment"),
        new(TcpAnalysisFlags.SpuriousRetransmission, "spurious_retransmission", "TCP Spurious Retransmission", ExpertSeverity.Note, "This frame is a (suspected) spurious retransmission"),
        new(TcpAnalysisFlags.FastRetransmission, "fast_retransmission", "TCP Fast Retransmission", ExpertSeverity.Note, "This frame is a (suspected) fast retransmission"),
        new(TcpAnalysisFlags.Retransmission, "retransmission", "TCP Retransmission", ExpertSeverity.Note, "This frame is a (suspected) retransmission"),
        new(TcpAnalysisFlags.ReusedPorts, "reused_ports", "TCP Port numbers reused", ExpertSeverity.Note, "A new tcp session is started with the same ports as an earlier session in this trace"),
    ];

    /// <summary>The entry of one flag.</summary>
    public static ref readonly TcpAnalysisFlagInfo Of(TcpAnalysisFlags flag)
    {
        for (int i = 0; i < All.Length; i++)
            if (All[i].Flag == flag) return ref All[i];
        throw new ArgumentOutOfRangeException(nameof(flag), flag, "not a single analysis flag");
    }

    /// <summary>
    /// The flags tshark reports as fields for <paramref name="flags"/>: each set flag, plus
    /// <see cref="TcpAnalysisFlags.Retransmission"/> for a fast or spurious retransmission, as packet-tcp.c adds
    /// the retransmission expert item to both.
    /// </summary>
    public static TcpAnalysisFlags Fields(TcpAnalysisFlags flags) =>
        (flags & (TcpAnalysisFlags.FastRetransmission | TcpAnalysisFlags.SpuriousRetransmission)) != 0 ? flags | TcpAnalysisFlags.Retransmission : flags;

    /// <summary>
    /// Wireshark's bracketed words for <paramref name="a"/>'s flags, each followed by a space, in its Info column's
    /// order: "[TCP Dup ACK 12#3] ", "[TCP Retransmission] ". Nothing when the segment has no flag.
    /// </summary>
    public static void AppendInfo(StringBuilder sb, in PacketAnalysis a) => AppendInfo(sb, a.AnalysisFlags, a.DupAckFrame, a.DupAckNum);

    /// <summary>
    /// The same words from the flags alone (a stored row keeps no duplicate-ACK numbers): "[TCP Dup ACK] " when
    /// <paramref name="dupAckNum"/> is 0.
    /// </summary>
    public static void AppendInfo(StringBuilder sb, TcpAnalysisFlags flags, long dupAckFrame = 0, uint dupAckNum = 0)
    {
        foreach (ref readonly var info in All.AsSpan())
        {
            if ((flags & info.Flag) == 0) continue;
            sb.Append('[').Append(info.Text);
            if (info.Flag == TcpAnalysisFlags.DuplicateAck && dupAckNum != 0) sb.Append(' ').Append(dupAckFrame).Append('#').Append(dupAckNum);
            sb.Append("] ");
        }
    }
}
