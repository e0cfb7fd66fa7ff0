using System.Globalization;
using ProtoScope.Core.Decoding;
using ProtoScope.Core.Tcp;

namespace ProtoScope.Core.Filtering;

public enum CompareOp { Eq, Ne, Lt, Le, Gt, Ge }

/// <summary>
/// What a field holds, which decides the values and operators it accepts. A <see cref="Time"/> field holds
/// nanoseconds and is written in seconds with a decimal point (<c>0.2</c>), as Wireshark's relative times are.
/// </summary>
public enum FieldKind { Address, Number, Flag, Time }

/// <summary>A field a comparison can name. Port and address fields hold two values (source and destination).</summary>
public enum FieldId
{
    IpAddr, IpSrc, IpDst,
    Port, TcpPort, TcpSrcPort, TcpDstPort, UdpPort, UdpSrcPort, UdpDstPort,
    TcpFlagFin, TcpFlagSyn, TcpFlagRst, TcpFlagPsh, TcpFlagAck, TcpFlagUrg,
    TcpLen, TcpStream, UdpStream, Conn,
    FrameLen, FrameCapLen, FrameNumber,
    TcpAckRtt, TcpBytesInFlight, TcpWindowSize,
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

/// <summary>
/// A TCP analysis label: true when the segment carries any of <see cref="Flags"/> as tshark reports them
/// (<see cref="TcpAnalysisNames.Fields"/>). One flag is <c>tcp.analysis.&lt;name&gt;</c>; all of them is
/// <c>tcp.analysis.flags</c>, which tshark adds whenever a segment has any flag. Like tshark's, these fields
/// carry no value: they are tested alone, never compared.
/// </summary>
public sealed record AnalysisFlagExpr(TcpAnalysisFlags Flags) : FilterExpr
{
    public override string ToString() => FilterFields.AnalysisFlagName(Flags);
}

/// <summary>A comparison; exactly one of <see cref="Number"/> and <see cref="Address"/> is meaningful, by the field's kind.</summary>
public sealed record CompareExpr(FieldId Field, CompareOp Op, long Number, NetAddress Address) : FilterExpr
{
    public override string ToString()
    {
        string value = FilterFields.Kind(Field) switch
        {
            FieldKind.Address => Address.ToString(),
            FieldKind.Time => (Number / 1e9m).ToString("0.#########", CultureInfo.InvariantCulture),
            _ => Number.ToString(CultureInfo.InvariantCulture),
        };
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
        ("tcp.analysis.ack_rtt", FieldId.TcpAckRtt, FieldKind.Time, long.MaxValue),
        ("tcp.analysis.bytes_in_flight", FieldId.TcpBytesInFlight, FieldKind.Number, uint.MaxValue),
        ("tcp.window_size", FieldId.TcpWindowSize, FieldKind.Number, uint.MaxValue),
    ];

    private const string AnalysisPrefix = "tcp.analysis.";

    /// <summary>Every analysis flag at once: <c>tcp.analysis.flags</c>.</summary>
    public static readonly TcpAnalysisFlags AnyAnalysisFlag = TcpAnalysisNames.All.Aggregate(TcpAnalysisFlags.None, (all, f) => all | f.Flag);

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

    /// <summary><c>tcp.analysis.flags</c> or <c>tcp.analysis.&lt;name&gt;</c> with one of tshark's names.</summary>
    public static bool TryAnalysisFlag(string name, out TcpAnalysisFlags flags)
    {
        flags = TcpAnalysisFlags.None;
        if (!name.StartsWith(AnalysisPrefix, StringComparison.OrdinalIgnoreCase)) return false;
        var rest = name.AsSpan(AnalysisPrefix.Length);
        if (rest.Equals("flags", StringComparison.OrdinalIgnoreCase)) flags = AnyAnalysisFlag;
        foreach (var info in TcpAnalysisNames.All)
            if (rest.Equals(info.Name, StringComparison.OrdinalIgnoreCase)) flags = info.Flag;
        return flags != TcpAnalysisFlags.None;
    }

    public static string AnalysisFlagName(TcpAnalysisFlags flags) =>
        AnalysisPrefix + (flags == AnyAnalysisFlag ? "flags" : TcpAnalysisNames.Of(flags).Name);

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
    public static IEnumerable<string> AllNames() => Keywords.Select(k => k.Name).Concat(Fields.Select(f => f.Name))
        .Append(AnalysisFlagName(AnyAnalysisFlag)).Concat(TcpAnalysisNames.All.Select(f => AnalysisPrefix + f.Name));
}
