namespace ProtoScope.Core.Session;

/// <summary>
/// What a packet does for its connection, one byte per row of the <see cref="PacketTable"/>. The connection
/// tracker assigns it from the endpoints' RFC 9293 states; the display filter's <c>handshake</c>,
/// <c>teardown</c> and <c>reset</c> and the UI's row colours read it.
/// </summary>
public enum PacketRole : byte
{
    /// <summary>Not part of a TCP connection or UDP conversation (ARP, ICMP, undecodable).</summary>
    None,
    /// <summary>SYN, SYN-ACK, or the ACK that completes the three-way handshake (RFC 9293 §3.5).</summary>
    Handshake,
    /// <summary>A segment carrying payload, or a UDP datagram's payload.</summary>
    Data,
    /// <summary>A TCP segment that only acknowledges (no payload, SYN, FIN or RST).</summary>
    Ack,
    /// <summary>FIN, or the ACK of a FIN (RFC 9293 §3.6).</summary>
    Teardown,
    /// <summary>RST (RFC 9293 §3.5.2).</summary>
    Reset,
    /// <summary>A UDP datagram.</summary>
    Datagram,
}

/// <summary>Problems found in a packet, one bit each, kept in a byte of the <see cref="PacketTable"/> row.</summary>
[Flags]
public enum PacketFault : byte
{
    None = 0,
    /// <summary>The decoder stopped early (truncated or malformed header); re-decode for the details.</summary>
    Decode = 1,
    /// <summary>The framing codec could not read a frame from this packet's bytes (set by the framing layer).</summary>
    Framing = 2,
}
