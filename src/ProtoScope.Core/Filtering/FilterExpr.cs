using System.Globalization;
using ProtoScope.Core.Decoding;

namespace ProtoScope.Core.Filtering;

public enum CompareOp { Eq, Ne, Lt, Le, Gt, Ge }

/// <summary>What a field holds, which decides the values and operators it accepts.</summary>
public enum FieldKind { Address, Number, Flag }

/// <summary>A field a comparison can name. Port and address fields hold two values (source and destination).</summary>
public enum FieldId
{
    IpAddr, IpSrc, IpDst,
    Port, TcpPort, TcpSrcPort, TcpDstPort, UdpPort, UdpSrcPort, UdpDstPort,
    TcpFlagFin, TcpFlagSyn, TcpFlagRst, TcpFlagPsh, TcpFlagAck, TcpFlagUrg,
    TcpLen, TcpStream, UdpStream, Conn,
    FrameLen, FrameCapLen, FrameNumber,
}

/// <summary>A keyword that tests a packet without a value: a protocol or a role.</summary>
public enum Keyword { Tcp, Udp, Icmp, Icmpv6, Arp, Ip, Ipv6, Handshake, Teardown, Reset, Data, Retransmission, FramingError, Malformed }

/// <summary>The parsed form of a display filter. <see cref="object.ToString"/> gives a canonical, fully bracketed text.</summary>
public abstract record FilterExpr;

public sealed record AndExpr(FilterExpr Left, FilterExpr Right) : FilterExpr
{
    public override string ToString() => $"({Left} and {Right})";
}

public sealed record OrExpr(FilterExpr Left, FilterExpr Right) : FilterExpr
{
    public override string ToString() => $"({Left} or {Right})";
}

public sealed record NotExpr(FilterExpr Operand) : FilterExpr
{
    public override string ToString() => $"not {Operand}";
}

public sealed record KeywordExpr(Keyword Keyword) : FilterExpr
{
    public override string ToString() => FilterFields.KeywordName(Keyword);
}

/// <summary>A bare field: true when the packet has it (Wireshark's field-existence test, e.g. <c>tcp.port</c>).</summary>
public sealed record PresenceExpr(FieldId Field) : FilterExpr
{
    public override string ToString() => FilterFields.Name(Field);
}

/// <summary>A comparison; exactly one of <see cref="Number"/> and <see cref="Address"/> is meaningful, by the field's kind.</summary>
public sealed record CompareExpr(FieldId Field, CompareOp Op, long Number, NetAddress Address) : FilterExpr
{
    public override string ToString()
    {
        string value = FilterFields.Kind(Field) == FieldKind.Address ? Address.ToString() : Number.ToString(CultureInfo.InvariantCulture);
        return $"{FilterFields.Name(Field)} {FilterFields.OpText(Op)} {value}";
    }
}

/// <summary>The names the filter language knows: Wireshark's field names where it has one, our own for the roles.</summary>
public static class FilterFields
{
    private static readonly (string Name, FieldId Id, FieldKind Kind, long Max)[] Fields =
    [
        ("ip.addr", FieldId.IpAddr, FieldKind.Address, 0),
        ("ip.src", FieldId.IpSrc, FieldKind.Address, 0),
        ("ip.dst", FieldId.IpDst, FieldKind.Address, 0),
        ("ipv6.addr", FieldId.IpAddr, FieldKind.Address, 0),
        ("ipv6.src", FieldId.IpSrc, FieldKind.Address, 0),
        ("ipv6.dst", FieldId.IpDst, FieldKind.Address, 0),
        ("port", FieldId.Port, FieldKind.Number, 65535),
        ("tcp.port", FieldId.TcpPort, FieldKind.Number, 65535),
        ("tcp.srcport", FieldId.TcpSrcPort, FieldKind.Number, 65535),
        ("tcp.dstport", FieldId.TcpDstPort, FieldKind.Number, 65535),
        ("udp.port", FieldId.UdpPort, FieldKind.Number, 65535),
        ("udp.srcport", FieldId.UdpSrcPort, FieldKind.Number, 65535),
        ("udp.dstport", FieldId.UdpDstPort, FieldKind.Number, 65535),
        ("tcp.flags.fin", FieldId.TcpFlagFin, FieldKind.Flag, 1),
        ("tcp.flags.syn", FieldId.TcpFlagSyn, FieldKind.Flag, 1),
        ("tcp.flags.reset", FieldId.TcpFlagRst, FieldKind.Flag, 1),
        ("tcp.flags.rst", FieldId.TcpFlagRst, FieldKind.Flag, 1),
        ("tcp.flags.push", FieldId.TcpFlagPsh, FieldKind.Flag, 1),
        ("tcp.flags.psh", FieldId.TcpFlagPsh, FieldKind.Flag, 1),
        ("tcp.flags.ack", FieldId.TcpFlagAck, FieldKind.Flag, 1),
        ("tcp.flags.urg", FieldId.TcpFlagUrg, FieldKind.Flag, 1),
        ("tcp.len", FieldId.TcpLen, FieldKind.Number, int.MaxValue),
        ("tcp.stream", FieldId.TcpStream, FieldKind.Number, int.MaxValue),
        ("udp.stream", FieldId.UdpStream, FieldKind.Number, int.MaxValue),
        ("conn", FieldId.Conn, FieldKind.Number, int.MaxValue),
        ("frame.len", FieldId.FrameLen, FieldKind.Number, int.MaxValue),
        ("frame.cap_len", FieldId.FrameCapLen, FieldKind.Number, int.MaxValue),
        ("frame.number", FieldId.FrameNumber, FieldKind.Number, int.MaxValue),
    ];

    private static readonly (string Name, Keyword Keyword)[] Keywords =
    [
        ("tcp", Keyword.Tcp), ("udp", Keyword.Udp), ("icmp", Keyword.Icmp), ("icmpv6", Keyword.Icmpv6), ("arp", Keyword.Arp),
        ("ip", Keyword.Ip), ("ipv6", Keyword.Ipv6), ("handshake", Keyword.Handshake), ("teardown", Keyword.Teardown),
        ("reset", Keyword.Reset), ("data", Keyword.Data), ("retransmission", Keyword.Retransmission), ("framing.error", Keyword.FramingError), ("malformed", Keyword.Malformed),
    ];

    /// <summary>Every field name the language accepts (aliases included) and its kind: what the manual lists.</summary>
    public static IEnumerable<(string Name, FieldKind Kind)> All => Fields.Select(f => (f.Name, f.Kind));

    /// <summary>Every keyword the language accepts: what the manual lists.</summary>
    public static IEnumerable<string> KeywordNames => Keywords.Select(k => k.Name);

    public static bool TryField(string name, out FieldId id, out FieldKind kind, out long max)
    {
        foreach (var f in Fields)
            if (string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase)) { (id, kind, max) = (f.Id, f.Kind, f.Max); return true; }
        (id, kind, max) = (default, default, 0);
        return false;
    }

    public static bool TryKeyword(string name, out Keyword keyword)
    {
        foreach (var k in Keywords)
            if (string.Equals(k.Name, name, StringComparison.OrdinalIgnoreCase)) { keyword = k.Keyword; return true; }
        keyword = default;
        return false;
    }

    public static string Name(FieldId id)
    {
        foreach (var f in Fields)
            if (f.Id == id) return f.Name;
        return id.ToString();
    }

    public static FieldKind Kind(FieldId id)
    {
        foreach (var f in Fields)
            if (f.Id == id) return f.Kind;
        return FieldKind.Number;
    }

    public static string KeywordName(Keyword keyword)
    {
        foreach (var k in Keywords)
            if (k.Keyword == keyword) return k.Name;
        return keyword.ToString();
    }

    public static string OpText(CompareOp op) => op switch
    {
        CompareOp.Eq => "==",
        CompareOp.Ne => "!=",
        CompareOp.Lt => "<",
        CompareOp.Le => "<=",
        CompareOp.Gt => ">",
        _ => ">=",
    };

    /// <summary>Every name the language accepts, for the help screen.</summary>
    public static IEnumerable<string> AllNames() => Keywords.Select(k => k.Name).Concat(Fields.Select(f => f.Name));
}
