namespace ProtoScope.Capture;

/// <summary>
/// Counters of a live capture. The first three are libpcap's pcap_stats(3PCAP) and mean what they mean for
/// tcpdump; the last two are ProtoScope's own.
/// </summary>
/// <param name="Received">ps_recv: packets that passed the filter in the kernel. On Linux `lo` each looped
/// packet is seen twice (outgoing and incoming) and counted twice, while libpcap delivers it once.</param>
/// <param name="DroppedByKernel">ps_drop: packets the kernel dropped because libpcap's buffer was full.</param>
/// <param name="DroppedByInterface">ps_ifdrop: drops reported by the interface (0 on most Linux drivers).</param>
/// <param name="Captured">Packets libpcap handed to ProtoScope and queued for the consumer.</param>
/// <param name="DroppedByProtoScope">Packets dropped because the consumer fell more than
/// <see cref="LiveCaptureOptions.MaxQueuedBytes"/> behind.</param>
public readonly record struct CaptureStatistics(long Received, long DroppedByKernel, long DroppedByInterface, long Captured, long DroppedByProtoScope);
