namespace ProtoScope.Core.Reassembly;

/// <summary>Why a stream has bytes the capture does not hold.</summary>
public enum GapCause : byte
{
    /// <summary>The capture has no SYN for this direction: bytes before the first one seen are unknown (length unknown).</summary>
    MidStream,
    /// <summary>The receiver acknowledged bytes the capture never saw, or the capture ended with a hole: packets lost by the capture (Wireshark's "ACKed unseen segment", Zeek's content_gap).</summary>
    Lost,
    /// <summary>The snapshot length cut the packet's payload.</summary>
    Snaplen,
    /// <summary>The out-of-order buffer limit was reached and the hole was given up (see <see cref="ReassemblyOptions"/>).</summary>
    BufferLimit,
}

/// <summary>
/// Bytes missing from a stream: <see cref="Length"/> bytes from <see cref="Offset"/>, noticed at packet
/// <see cref="Frame"/>. <see cref="Length"/> is -1 when unknown (<see cref="GapCause.MidStream"/>).
/// </summary>
public readonly record struct StreamGap(long Offset, long Length, GapCause Cause, long Frame)
{
    public bool LengthKnown => Length >= 0;

    public string Describe() => Cause switch
    {
        GapCause.MidStream => "capture started mid-stream",
        GapCause.Lost => $"{Length} bytes missing (lost in capture)",
        GapCause.Snaplen => $"{Length} bytes missing (cut by snaplen)",
        GapCause.BufferLimit => $"{Length} bytes given up (out-of-order buffer limit)",
        _ => $"{Length} bytes missing",
    };
}

/// <summary>How a stream direction ended.</summary>
public enum StreamEnd : byte
{
    /// <summary>Every byte up to the FIN was delivered (or marked as a gap).</summary>
    Fin,
    /// <summary>The sender reset the connection.</summary>
    Reset,
    /// <summary>The capture ended with the direction still open.</summary>
    CaptureEnd,
}
