namespace ProtoScope.Core.Session;

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
