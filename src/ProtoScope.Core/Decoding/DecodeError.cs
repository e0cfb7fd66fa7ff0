namespace ProtoScope.Core.Decoding;

public enum DecodeLayer : byte { None, Link, Vlan, Mpls, Arp, IPv4, IPv6, Tcp, TcpOptions, Udp, Icmp, Ppp, Pppoe, Wlan, Radiotap, Ppi, Pbb, VnTag, Gre, Tunnel }

public enum DecodeErrorKind : byte
{
    None,
    /// <summary>Fewer bytes were captured than the header needs (Needed, Available).</summary>
    Truncated,
    /// <summary>The IP version nibble disagrees with the link layer's protocol (Needed = expected, Available = found).</summary>
    BadVersion,
    /// <summary>A header length field below the minimum (Needed = minimum, Available = found), e.g. IPv4 IHL &lt; 5.</summary>
    BadHeaderLength,
    /// <summary>A length field claims more than the enclosing layer holds (Needed = claimed, Available = room).</summary>
    LengthOverrun,
    /// <summary>The record's sub-second timestamp field is out of range (Needed = the unit, Available = the value).</summary>
    InvalidTimestamp,
    /// <summary>Tunnels nested deeper than the decoder follows (Needed = the most it follows).</summary>
    TooDeep,
}

/// <summary>
/// What went wrong while decoding one packet: data, not an exception (a malformed packet is still a packet).
/// The packet keeps every layer decoded before the error.
/// </summary>
public readonly record struct DecodeError(DecodeErrorKind Kind, DecodeLayer Layer, long Needed, long Available)
{
    public bool IsNone => Kind == DecodeErrorKind.None;

    public static string LayerName(DecodeLayer layer) => layer switch
    {
        DecodeLayer.Link => "link",
        DecodeLayer.Vlan => "vlan",
        DecodeLayer.Mpls => "mpls",
        DecodeLayer.Arp => "arp",
        DecodeLayer.IPv4 => "ipv4",
        DecodeLayer.IPv6 => "ipv6",
        DecodeLayer.Tcp => "tcp",
        DecodeLayer.TcpOptions => "tcp options",
        DecodeLayer.Udp => "udp",
        DecodeLayer.Icmp => "icmp",
        DecodeLayer.Ppp => "ppp",
        DecodeLayer.Pppoe => "pppoe",
        DecodeLayer.Wlan => "802.11",
        DecodeLayer.Radiotap => "radiotap",
        DecodeLayer.Ppi => "ppi",
        DecodeLayer.Pbb => "802.1ah",
        DecodeLayer.VnTag => "vn-tag",
        DecodeLayer.Gre => "gre",
        DecodeLayer.Tunnel => "tunnel",
        _ => "packet",
    };

    public override string ToString() => Kind switch
    {
        DecodeErrorKind.None => "",
        DecodeErrorKind.Truncated => $"{LayerName(Layer)} header truncated: {Available} of {Needed} bytes",
        DecodeErrorKind.BadVersion => $"{LayerName(Layer)}: bad IP version {Available} (expected {Needed})",
        DecodeErrorKind.BadHeaderLength => $"{LayerName(Layer)}: bad header length {Available} bytes (minimum {Needed})",
        DecodeErrorKind.LengthOverrun => $"{LayerName(Layer)}: length {Needed} exceeds the {Available} bytes available",
        DecodeErrorKind.TooDeep => $"tunnels nested more than {Needed} deep: the innermost layers are not decoded",
        DecodeErrorKind.InvalidTimestamp => $"invalid timestamp: sub-second field {Available} is not below {Needed}",
        _ => Kind.ToString(),
    };
}
