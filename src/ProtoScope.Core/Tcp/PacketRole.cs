namespace ProtoScope.Core.Tcp;

/// <summary>What one TCP segment does in its connection, in words a student can read.</summary>
public enum PacketRole : byte
{
    /// <summary>Not a TCP segment of a tracked connection.</summary>
    None,
    HandshakeSyn,
    HandshakeSynAck,
    HandshakeAck,
    Data,
    Ack,
    /// <summary>The first FIN of the connection.</summary>
    TeardownFin,
    /// <summary>The first acknowledgment of the first FIN.</summary>
    TeardownAckOfFin,
    /// <summary>The FIN of the other side (it may also acknowledge the first FIN: a three-way close).</summary>
    TeardownSecondFin,
    /// <summary>The first acknowledgment of the second FIN.</summary>
    TeardownAckOfSecondFin,
    Reset,
    /// <summary>A SYN, FIN or data the sender had already sent (Wireshark's tcp.analysis.retransmission, simplified).</summary>
    Retransmission,
    /// <summary>Zero or one byte one below the next sequence number (Wireshark's tcp.analysis.keep_alive).</summary>
    KeepAlive,
    /// <summary>An empty ACK that only changes the window (Wireshark's tcp.analysis.window_update).</summary>
    WindowUpdate,
    /// <summary>Advertises a zero receive window (Wireshark's tcp.analysis.zero_window).</summary>
    ZeroWindow,
}

public static class PacketRoleNames
{
    private static readonly string[] Labels =
    [
        "", "handshake 1/3 (SYN)", "handshake 2/3 (SYN-ACK)", "handshake 3/3 (ACK)", "data", "ack",
        "teardown 1/4 (FIN)", "teardown 2/4 (ACK of FIN)", "teardown 3/4 (FIN)", "teardown 4/4 (ACK of FIN)",
        "reset", "retransmission", "keep-alive", "window update", "zero window",
    ];

    /// <summary>The label of the issue and the README: "handshake 2/3 (SYN-ACK)", "teardown 1/4 (FIN)".</summary>
    public static string Label(this PacketRole role) => Labels[(int)role];
}
