namespace ProtoScope.Capture;

/// <summary>How to open a live interface. The defaults are tcpdump's, except that immediate mode is on.</summary>
public sealed record LiveCaptureOptions
{
    /// <summary>tcpdump's default snapshot length (MAXIMUM_SNAPLEN): whole packets, even with GRO/TSO.</summary>
    public const int DefaultSnaplen = 262144;

    public int Snaplen { get; init; } = DefaultSnaplen;

    public bool Promiscuous { get; init; } = true;

    /// <summary>A BPF capture filter (pcap-filter(7)); null or empty captures everything.</summary>
    public string? Filter { get; init; }

    /// <summary>libpcap's ring buffer in bytes (pcap_set_buffer_size, tcpdump -B); null keeps libpcap's 2 MB.</summary>
    public int? BufferSize { get; init; }

    /// <summary>
    /// Hand every packet over as soon as it arrives. Without it, libpcap's TPACKET_V3 ring on Linux delivers
    /// in blocks that are released only when full or after the read timeout (pcap_set_immediate_mode(3PCAP)).
    /// </summary>
    public bool Immediate { get; init; } = true;

    /// <summary>How long one libpcap read waits for a packet; also bounds how long <see cref="LiveCapture.Stop"/> takes.</summary>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The most packet bytes waiting for the consumer. Beyond it packets are dropped and counted in
    /// <see cref="CaptureStatistics.DroppedByProtoScope"/> rather than stalling libpcap (which would make the
    /// kernel drop instead, uncounted by kind).
    /// </summary>
    public long MaxQueuedBytes { get; init; } = 512L << 20;
}
