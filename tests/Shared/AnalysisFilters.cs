namespace ProtoScope.Tests;

/// <summary>
/// Display filters over Wireshark's TCP analysis, written the same in tshark's language and ours, and the captures
/// to try them on: the CLI's <c>read -Y</c> must keep tshark's frames, and the UI's filter the CLI's.
/// </summary>
internal static class AnalysisFilters
{
    public static readonly string[] Filters =
    [
        "tcp.analysis.flags",
        "tcp.analysis.retransmission", "tcp.analysis.fast_retransmission", "tcp.analysis.spurious_retransmission",
        "tcp.analysis.lost_segment", "tcp.analysis.ack_lost_segment", "tcp.analysis.out_of_order",
        "tcp.analysis.duplicate_ack", "tcp.analysis.keep_alive", "tcp.analysis.keep_alive_ack",
        "tcp.analysis.zero_window", "tcp.analysis.zero_window_probe", "tcp.analysis.zero_window_probe_ack",
        "tcp.analysis.window_update", "tcp.analysis.window_full", "tcp.analysis.reused_ports",
        "tcp.analysis.ack_rtt > 0.0001", "tcp.analysis.ack_rtt <= 0.0001", "tcp.analysis.ack_rtt",
        "tcp.analysis.bytes_in_flight > 10000", "tcp.analysis.bytes_in_flight", "tcp.window_size < 1000", "tcp.window_size == 0",
        "tcp.analysis.flags && !tcp.analysis.window_update",
        "tcp.analysis.retransmission or tcp.analysis.duplicate_ack",
        "not tcp.analysis.flags and tcp.len > 0",
        "tcp.analysis.ack_rtt > 0.0001 and tcp.window_size >= 1000",
        "(tcp.analysis.bytes_in_flight > 10000 || tcp.analysis.lost_segment) && tcp.port != 22",
    ];

    /// <summary>The sample captures (captures/*.pcap, lossy-transfer.pcap among them) and corpus captures with TCP trouble in them.</summary>
    public static IEnumerable<string> Captures() =>
        Directory.EnumerateFiles(Repo.Captures, "*.pcap").Order(StringComparer.Ordinal)
            .Concat(new[]
            {
                "zeek-conn/traces/ftp/cwd-navigation.pcap",
                "zeek-conn/traces/modbus/modbus-and-non-modbus-p502.pcap",
                "tcpdump/captures/dns_tcp.pcap",
                "zeek/captures/communityid/ipv6.pcap",
            }.Select(Repo.CorpusFile));
}
