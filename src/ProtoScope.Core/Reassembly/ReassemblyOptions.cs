namespace ProtoScope.Core.Reassembly;

/// <summary>Memory bounds of the reassembler.</summary>
/// <remarks>
/// Out-of-order segments are copied and held until the hole before them fills. When a connection holds more
/// than <see cref="MaxBufferedPerConnection"/> such bytes (both directions together), or all connections more
/// than <see cref="MaxBufferedTotal"/>, the oldest hole of the direction being added to is given up as a
/// <see cref="GapCause.BufferLimit"/> gap and a <see cref="ReassemblyNote"/> says so (once per direction). Zeek
/// (<c>tcp_max_old_segments</c>) and gopacket (<c>MaxBufferedPagesPerConnection</c>) bound theirs the same way.
/// </remarks>
public sealed record ReassemblyOptions
{
    public static readonly ReassemblyOptions Default = new();

    /// <summary>4 MiB: several receive windows of a fast connection.</summary>
    public long MaxBufferedPerConnection { get; init; } = 4 * 1024 * 1024;

    /// <summary>256 MiB over all connections.</summary>
    public long MaxBufferedTotal { get; init; } = 256L * 1024 * 1024;

    /// <summary>
    /// How many of the last delivered bytes each direction keeps to check retransmissions against (a
    /// retransmission carrying other bytes than the first copy is a conflicting overlap). Grown on demand,
    /// released at the direction's end; retransmissions of older bytes are counted but not compared.
    /// </summary>
    public int RetransmissionCheckBytes { get; init; } = 64 * 1024;
}
