namespace ProtoScope.Core.Decoding;

/// <summary>
/// Link-layer header types as libpcap reports them (DLT values, which equal the LINKTYPE values
/// written in files except for raw IP, where libpcap maps LINKTYPE_RAW 101 to DLT_RAW 12 or 14).
/// </summary>
public static class LinkType
{
    public const int Null = 0;
    public const int Ethernet = 1;
    /// <summary>PPP: an optional 0xFF 0x03 address and control, then the PPP protocol field (RFC 1661).</summary>
    public const int Ppp = 9;
    /// <summary>PPP in HDLC-like framing (RFC 1662), or Cisco HDLC when the first byte is 0x0F or 0x8F.</summary>
    public const int PppSerial = 50;
    /// <summary>PPPoE session frames without the Ethernet header (RFC 2516).</summary>
    public const int PppEther = 51;
    public const int RawDltLinux = 12;
    public const int RawDltOpenBsd = 14;
    public const int Raw = 101;
    public const int Ieee80211 = 105;
    public const int Loop = 108;
    public const int LinuxSll = 113;
    public const int Radiotap = 127;
    public const int Ppi = 192;
    public const int Ipv4 = 228;
    public const int Ipv6 = 229;
    public const int LinuxSll2 = 276;

    /// <summary>libpcap keeps the class in the top bits of the file's link-type field (LT_LINKTYPE): mask them off.</summary>
    public static int Mask(uint field) => (int)(field & 0x03FF_FFFF);

    public static bool IsSupported(int link) => link is Null or Ethernet or RawDltLinux or RawDltOpenBsd or Raw or Loop
        or LinuxSll or Ipv4 or Ipv6 or LinuxSll2 or Ppp or PppSerial or PppEther or Ieee80211 or Radiotap or Ppi;

    /// <summary>The name used in JSON output and the UI.</summary>
    public static string Name(int link) => link switch
    {
        Null => "null",
        Ethernet => "ethernet",
        RawDltLinux or RawDltOpenBsd or Raw => "raw",
        Loop => "loop",
        Ppp => "ppp",
        PppSerial => "ppp-hdlc",
        PppEther => "pppoe",
        Ieee80211 => "802.11",
        Radiotap => "radiotap",
        Ppi => "ppi",
        LinuxSll => "linux-sll",
        Ipv4 => "ipv4",
        Ipv6 => "ipv6",
        LinuxSll2 => "linux-sll2",
        271 => "vsock",
        _ => $"linktype-{link}",
    };
}
