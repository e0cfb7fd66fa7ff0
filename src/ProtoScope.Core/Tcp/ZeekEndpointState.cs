namespace ProtoScope.Core.Tcp;

/// <summary>
/// Zeek's coarse per-endpoint TCP state (TCP_ENDPOINT_* in Zeek's TCP_Endpoint.h), kept beside the RFC 9293
/// state because Zeek's conn_state is a function of these and of the history, not of the RFC states.
/// </summary>
public enum ZeekEndpointState : byte
{
    /// <summary>Nothing seen from this side.</summary>
    Inactive,
    /// <summary>SYN seen, no ACK yet.</summary>
    SynSent,
    /// <summary>SYN-ACK seen without an initial SYN.</summary>
    SynAckSent,
    /// <summary>Data or ACKs seen, but no SYN.</summary>
    Partial,
    /// <summary>SYN-ACK seen (implicit for a SYN that was answered).</summary>
    Established,
    /// <summary>FIN seen.</summary>
    Closed,
    /// <summary>RST seen.</summary>
    Reset,
}

/// <summary>Zeek's UDP endpoint state: active once the side has sent a datagram.</summary>
public enum ZeekUdpState : byte { Inactive, Active }
