namespace ProtoScope.Core.Tcp;

/// <summary>What a SYN or SYN-ACK says about an earlier connection on the same ports (Wireshark's dissect_tcp checks).</summary>
public enum PortReuse : byte
{
    None,
    /// <summary>A SYN with a new ISN opened a new connection on the ports of an earlier one: tcp.analysis.reused_ports.</summary>
    NewConnection,
    /// <summary>A SYN-ACK with another ISN than the one already seen in its direction: tcp.analysis.reused_ports.</summary>
    NewSynAck,
    /// <summary>A SYN with the ISN already seen: the same SYN again.</summary>
    SameSyn,
}
