namespace ProtoScope.Core.Tcp;

/// <summary>The connection states of one TCP endpoint (RFC 9293 §3.3.2).</summary>
public enum TcpState : byte
{
    /// <summary>No connection: before anything was seen, or after a reset or the end of LAST-ACK.</summary>
    Closed,
    /// <summary>Waiting for a SYN. ProtoScope shows a responder here from the moment a SYN is sent to it until it answers.</summary>
    Listen,
    /// <summary>Sent a SYN, waiting for the peer's SYN.</summary>
    SynSent,
    /// <summary>Received a SYN and sent its own, waiting for the ACK of it.</summary>
    SynReceived,
    /// <summary>Both SYNs sent and acknowledged: data flows.</summary>
    Established,
    /// <summary>Sent a FIN, not yet acknowledged, peer's FIN not yet received.</summary>
    FinWait1,
    /// <summary>Own FIN acknowledged, waiting for the peer's FIN.</summary>
    FinWait2,
    /// <summary>Received the peer's FIN; the application may still send.</summary>
    CloseWait,
    /// <summary>Both sides sent FINs that crossed; waiting for the ACK of its own FIN.</summary>
    Closing,
    /// <summary>Sent its FIN after receiving the peer's, waiting for the ACK of it.</summary>
    LastAck,
    /// <summary>Both FINs sent and acknowledged; waits 2 MSL before the connection is gone.</summary>
    TimeWait,
}

public static class TcpStateNames
{
    private static readonly string[] Names =
        ["CLOSED", "LISTEN", "SYN-SENT", "SYN-RECEIVED", "ESTABLISHED", "FIN-WAIT-1", "FIN-WAIT-2", "CLOSE-WAIT", "CLOSING", "LAST-ACK", "TIME-WAIT"];

    /// <summary>The RFC's spelling: "SYN-SENT", "FIN-WAIT-1".</summary>
    public static string Name(this TcpState state) => Names[(int)state];
}
