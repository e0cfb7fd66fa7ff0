namespace ProtoScope.Core.Session;

/// <summary>
/// Ports on which a service usually listens, used to guess the originator of a conversation whose first packet
/// is not a SYN (Zeek's likely_server_ports). The set is the union of the ports Zeek's base protocol and tunnel
/// scripts register (scripts/base/protocols/*/main.zeek, scripts/base/packet-protocols/*/main.zeek).
/// </summary>
public static class LikelyServerPorts
{
    private static readonly HashSet<ushort> TcpPorts =
    [
        21, 22, 25, 53, 79, 80, 81, 88, 135, 139, 143, 389, 443, 445, 465, 502, 514, 563, 585, 587, 614, 631, 636,
        989, 990, 992, 993, 995, 1080, 1434, 1883, 2811, 3128, 3268, 3306, 3389, 5222, 5223, 5269, 6379,
        6666, 6667, 6668, 6669, 8000, 8080, 8888, 20000,
    ];

    private static readonly HashSet<ushort> UdpPorts =
    [
        53, 67, 88, 123, 137, 161, 162, 389, 443, 514, 1812, 2123, 2152, 3389, 3544, 4011, 4754, 4789, 5060,
        5072, 5353, 5355, 6081, 20000,
    ];

    public static bool Tcp(ushort port) => TcpPorts.Contains(port);
    public static bool Udp(ushort port) => UdpPorts.Contains(port);
}
