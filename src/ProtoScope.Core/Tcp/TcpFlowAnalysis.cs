using System.Diagnostics.CodeAnalysis;
using ProtoScope.Core.Decoding;

namespace ProtoScope.Core.Tcp;

/// <summary>
/// What Wireshark's TCP sequence analysis keeps for one direction of a connection (packet-tcp.c's tcp_flow_t and
/// tcp_analyze_seq_flow_info_t): the next sequence number expected, the highest one acknowledged in order, the last
/// ACK and window with their times, duplicate-ACK counting, the window scale, the SACKed bytes of its last segment
/// and its unacknowledged segments. Held inside its <see cref="TcpConnection"/>, one per direction;
/// <see cref="TcpSequenceAnalysis"/> moves both on, packet by packet.
/// </summary>
/// <remarks>
/// The fields keep Wireshark's raw 32-bit arithmetic and its sentinels (a next sequence number of 0 means "none
/// seen"), so that the flags agree with tshark even where those sentinels misfire.
/// </remarks>
public struct TcpFlowAnalysis
{
    internal uint NextSeq;
    internal long NextSeqTime;
    internal uint MaxSeqToBeAcked;
    internal uint LastAck;
    internal long LastAckTime;
    internal long LastNonDupAck;
    /// <summary>Duplicate ACKs in a row; -1 after an ACK of an unseen segment (Wireshark's neutral value).</summary>
    internal int DupAckNum;
    /// <summary>The last window field sent, unscaled; <see cref="HasWindow"/> false stands for Wireshark's G_MAXUINT32.</summary>
    internal ushort Window;
    internal bool HasWindow;
    internal WindowScaling Scaling;
    /// <summary>The shift of the window scale option, when <see cref="Scaling"/> is <see cref="WindowScaling.Shift"/>.</summary>
    internal byte ScaleShift;
    /// <summary>Set by a SYN, cleared by the first pure ACK: until then a window is read unscaled (Wireshark issue 14690).</summary>
    internal bool IsFirstAck;
    /// <summary>Wireshark's valid_bif, inverted so that a new flow is valid.</summary>
    internal bool BytesInFlightInvalid;
    /// <summary>The bytes the SACK blocks of this direction's last segment cover (its first three blocks, as Wireshark stores).</summary>
    internal uint SackedBytes;
    internal TcpAnalysisFlags LastSegmentFlags;
    internal UnackedSegments Unacked;

    internal readonly uint WindowValue => HasWindow ? Window : uint.MaxValue;

    /// <summary>The window this direction's receiver last advertised, scaled as Wireshark scales it for the window-full test.</summary>
    internal readonly uint AdvertisedWindow =>
        WindowValue << (IsFirstAck || Scaling != WindowScaling.Shift ? 0 : ScaleShift);

    /// <summary>
    /// tcp.window_size of a segment of this direction: its window field shifted by the scale this direction announced,
    /// once known (a SYN's window is never scaled, RFC 7323 §2.2).
    /// </summary>
    internal readonly uint ScaledWindow(in TcpSegment seg) =>
        !seg.IsSyn && Scaling == WindowScaling.Shift ? (uint)seg.Window << ScaleShift : seg.Window;

    /// <summary>The segments sent and not yet acknowledged, oldest first.</summary>
    [UnscopedRef]
    internal readonly ReadOnlySpan<UnackedSegments.Segment> Outstanding => Unacked.Items;

    /// <summary>The window scale as learnt from the options of a segment sent in this direction.</summary>
    internal void LearnOptions(in TcpOptions options)
    {
        if (options.HasWindowScale)
        {
            Scaling = WindowScaling.Shift;
            ScaleShift = Math.Min(options.WindowScale, (byte)14);
        }
        SackedBytes = 0;
        for (int i = 0; i < Math.Min((int)options.SackCount, 3); i++)
        {
            var block = options.SackAt(i);
            SackedBytes = unchecked(SackedBytes + (block.Right - block.Left));
        }
    }
}

/// <summary>packet-tcp.c's win_scale: -1 unknown, -2 known not to be used, or a shift.</summary>
internal enum WindowScaling : byte { Unknown, NotUsed, Shift }
