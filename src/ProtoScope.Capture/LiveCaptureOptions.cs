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

    /// <summary>
    /// libpcap's ring buffer in bytes (pcap_set_buffer_size, tcpdump -B). Null means
    /// <see cref="DefaultBufferSize"/>, or <see cref="ImmediateBufferSize"/> in immediate mode.
    /// </summary>
    public int? BufferSize { get; init; }

    /// <summary>
    /// 16 MB where tcpdump keeps libpcap's 2 MB: a .NET process can stall for a few hundred milliseconds
    /// (JIT tier-up right after start, a garbage collection) and the ring must hold the traffic meanwhile.
    /// With 2 MB, scripts/bench-capture.sh saw ProtoScope lose packets at 50000/s on `lo` where tcpdump
    /// lost none; with 16 MB it loses no more than tcpdump at any rate measured.
    /// </summary>
    public const int DefaultBufferSize = 16 << 20;

    /// <summary>
    /// In immediate mode libpcap uses TPACKET_V2, whose ring has fixed-size frames big enough for the
    /// snaplen or the MTU (65536 on `lo`), not TPACKET_V3's packed blocks: 2 MB would hold 32 packets on
    /// `lo`, and a burst would be dropped by the kernel. 32 MB holds about 500 there and 20000 on Ethernet.
    /// Frames are also aligned, so a packet cut by the snaplen may come out a few bytes shorter than asked
    /// (tcpdump --immediate-mode -s 60 keeps 58 bytes on `lo`, as this does).
    /// </summary>
    public const int ImmediateBufferSize = 32 << 20;

    /// <summary>
    /// Hand every packet over the moment it arrives (pcap_set_immediate_mode(3PCAP)). Off by default: libpcap
    /// then uses Linux's TPACKET_V3 ring, which packs packets into blocks the kernel hands over when a block
    /// is full or <see cref="ReadTimeout"/> has passed, so with the default timeout packets show within
    /// 100 ms. Immediate mode switches to TPACKET_V2, one fixed-size frame per packet, which holds far fewer
    /// packets in the same memory: on `lo` at 50000 datagrams/s, tcpdump --immediate-mode lost 70% of them
    /// (kernel drops), and ProtoScope in immediate mode with 32 MB lost a quarter, where TPACKET_V3 with
    /// 2 MB lost none. A 10 ms timeout lost a few percent: each retired block is mostly empty, and the ring
    /// (16 blocks of 128 KB on `lo`) runs out after 160 ms of lag.
    /// </summary>
    public bool Immediate { get; init; }

    /// <summary>
    /// How long libpcap lets a TPACKET_V3 block fill before handing it over (the latency of a quiet
    /// capture), and how long <see cref="LiveCapture.Stop"/> waits for the last block. tcpdump uses
    /// 1000 ms, which makes a live view lag by up to a second (and loses that last block on Ctrl-C).
    /// </summary>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The most packet bytes waiting for the consumer. Beyond it packets are dropped and counted in
    /// <see cref="CaptureStatistics.DroppedByProtoScope"/> rather than stalling libpcap (which would make the
    /// kernel drop instead, uncounted by kind).
    /// </summary>
    public long MaxQueuedBytes { get; init; } = 512L << 20;
}
