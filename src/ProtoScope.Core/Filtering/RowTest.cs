using ProtoScope.Core.Decoding;
using ProtoScope.Core.Session;
using ProtoScope.Core.Tcp;

namespace ProtoScope.Core.Filtering;

/// <summary>
/// A compiled display filter node: tests one packet through <typeparamref name="TRow"/>'s values, so evaluating a
/// row allocates nothing. Built once per filter and row kind by <see cref="Compile"/>; every field's meaning is
/// here, whichever row kind is asked (<see cref="IFilterRow"/>).
/// </summary>
internal abstract class RowTest<TRow> where TRow : IFilterRow, allows ref struct
{
    public abstract bool Match(in TRow r);

    public static RowTest<TRow> Compile(FilterExpr expr) => expr switch
    {
        AndExpr a => new And(Compile(a.Left), Compile(a.Right)),
        OrExpr o => new Or(Compile(o.Left), Compile(o.Right)),
        NotExpr n => new Not(Compile(n.Operand)),
        KeywordExpr k => new KeywordTest(k.Keyword),
        AnalysisFlagExpr a => new AnalysisFlagTest(a.Flags),
        PresenceExpr p => new Presence(p.Field),
        CompareExpr { Field: FieldId.IpAddr or FieldId.IpSrc or FieldId.IpDst } c => new AddressCompare(c.Field, c.Op, c.Address),
        CompareExpr c => new NumberCompare(c.Field, c.Op, c.Number),
        _ => throw new ArgumentException($"unknown filter node {expr.GetType().Name}", nameof(expr)),
    };

    private sealed class And(RowTest<TRow> left, RowTest<TRow> right) : RowTest<TRow>
    {
        public override bool Match(in TRow r) => left.Match(r) && right.Match(r);
    }

    private sealed class Or(RowTest<TRow> left, RowTest<TRow> right) : RowTest<TRow>
    {
        public override bool Match(in TRow r) => left.Match(r) || right.Match(r);
    }

    private sealed class Not(RowTest<TRow> operand) : RowTest<TRow>
    {
        public override bool Match(in TRow r) => !operand.Match(r);
    }

    private sealed class KeywordTest(Keyword keyword) : RowTest<TRow>
    {
        public override bool Match(in TRow r) => keyword switch
        {
            Keyword.Tcp => r.Transport == Transport.Tcp,
            Keyword.Udp => r.Transport == Transport.Udp,
            Keyword.Icmp => r.Transport == Transport.Icmp,
            Keyword.Icmpv6 => r.Transport == Transport.Icmpv6,
            Keyword.Arp => r.Transport == Transport.Arp,
            Keyword.Ip => r.Network == Network.IPv4,
            Keyword.Ipv6 => r.Network == Network.IPv6,
            Keyword.Handshake => r.Role is >= PacketRole.HandshakeSyn and <= PacketRole.HandshakeAck,
            Keyword.Teardown => r.Role is >= PacketRole.TeardownFin and <= PacketRole.TeardownAckOfSecondFin,
            Keyword.Reset => r.Role == PacketRole.Reset,
            Keyword.Data => r.Role == PacketRole.Data,
            Keyword.Retransmission => r.Role == PacketRole.Retransmission,
            Keyword.FramingError => (r.Fault & PacketFault.Framing) != 0,
            Keyword.Malformed => (r.Fault & PacketFault.Decode) != 0,
            _ => false,
        };
    }

    /// <summary>tcp.analysis.flags and tcp.analysis.&lt;name&gt;: present when the segment carries the flag as tshark reports it.</summary>
    private sealed class AnalysisFlagTest(TcpAnalysisFlags flags) : RowTest<TRow>
    {
        public override bool Match(in TRow r) => (TcpAnalysisNames.Fields(r.AnalysisFlags) & flags) != 0;
    }

    /// <summary>Whether a row has the field at all: a comparison on a missing field is false, as in Wireshark.</summary>
    private static bool Has(in TRow r, FieldId field)
    {
        bool tracked = r.Conversation >= 0;
        return field switch
        {
            FieldId.IpAddr or FieldId.IpSrc or FieldId.IpDst => r.Network is Network.IPv4 or Network.IPv6,
            FieldId.Port => HasHeaderField(r, TcpField.Ports),
            FieldId.TcpPort or FieldId.TcpSrcPort or FieldId.TcpDstPort => r.Transport == Transport.Tcp && HasHeaderField(r, TcpField.Ports),
            FieldId.TcpFlagFin or FieldId.TcpFlagSyn or FieldId.TcpFlagRst or FieldId.TcpFlagPsh
                or FieldId.TcpFlagAck or FieldId.TcpFlagUrg => r.Transport == Transport.Tcp && HasHeaderField(r, TcpField.Flags),
            FieldId.TcpLen or FieldId.TcpStream => tracked && r.Transport == Transport.Tcp,
            // The scaled window is known only on segments of a tracked connection (the scale comes from its handshake).
            FieldId.TcpWindowSize => tracked && r.Transport == Transport.Tcp,
            // Wireshark adds ack_rtt and bytes_in_flight only where it has a value; 0 stands for none here.
            FieldId.TcpAckRtt => r.AckRtt != 0,
            FieldId.TcpBytesInFlight => r.BytesInFlight != 0,
            FieldId.UdpPort or FieldId.UdpSrcPort or FieldId.UdpDstPort => r.Transport == Transport.Udp && HasHeaderField(r, TcpField.Ports),
            FieldId.UdpStream => tracked && r.Transport == Transport.Udp,
            FieldId.Conn => tracked,
            _ => true,
        };
    }

    /// <summary>
    /// A header field of a tracked packet, or of a header cut short whose captured bytes hold it (as tshark shows such a
    /// header); such a header has no length or stream, as it joins no conversation. UDP's ports end where TCP's do.
    /// </summary>
    private static bool HasHeaderField(in TRow r, TcpField field) => r.Conversation >= 0 || r.PartialTransportHeader >= (int)field;

    private sealed class Presence(FieldId field) : RowTest<TRow>
    {
        public override bool Match(in TRow r) => Has(r, field);
    }

    /// <summary>
    /// Address fields. <c>ip.addr</c> holds both addresses: <c>==</c> is true when either equals, and <c>!=</c> when
    /// neither does (Wireshark 3.6 and later: <c>a != b</c> means <c>!(a == b)</c>). The value's version picks the
    /// header the field lives in, as Wireshark's ip.* and ipv6.* do: <c>ip.addr != 10.0.0.1</c> never matches IPv6.
    /// </summary>
    private sealed class AddressCompare(FieldId field, CompareOp op, NetAddress value) : RowTest<TRow>
    {
        private readonly Network _network = value.Version == 4 ? Network.IPv4 : Network.IPv6;

        public override bool Match(in TRow r)
        {
            if (r.Network != _network) return false;
            bool equal = field switch
            {
                FieldId.IpSrc => r.Src == value,
                FieldId.IpDst => r.Dst == value,
                _ => r.Src == value || r.Dst == value,
            };
            return op == CompareOp.Eq ? equal : !equal;
        }
    }

    /// <summary>
    /// Numeric fields. Two-valued fields (<c>tcp.port</c>, <c>port</c>) match when either value satisfies the
    /// comparison, except <c>!=</c>, which needs both to differ (Wireshark's "any" and "all" semantics).
    /// </summary>
    private sealed class NumberCompare(FieldId field, CompareOp op, long value) : RowTest<TRow>
    {
        public override bool Match(in TRow r)
        {
            if (!Has(r, field)) return false;
            switch (field)
            {
                case FieldId.Port or FieldId.TcpPort or FieldId.UdpPort:
                    return op == CompareOp.Ne
                        ? r.SrcPort != value && r.DstPort != value
                        : Compare(r.SrcPort, op, value) || Compare(r.DstPort, op, value);
                default:
                    return Compare(Value(r, field), op, value);
            }
        }

        private static long Value(in TRow r, FieldId field) => field switch
        {
            FieldId.TcpSrcPort or FieldId.UdpSrcPort => r.SrcPort,
            FieldId.TcpDstPort or FieldId.UdpDstPort => r.DstPort,
            FieldId.TcpFlagFin => (r.Flags & TcpFlags.Fin) != 0 ? 1 : 0,
            FieldId.TcpFlagSyn => (r.Flags & TcpFlags.Syn) != 0 ? 1 : 0,
            FieldId.TcpFlagRst => (r.Flags & TcpFlags.Rst) != 0 ? 1 : 0,
            FieldId.TcpFlagPsh => (r.Flags & TcpFlags.Psh) != 0 ? 1 : 0,
            FieldId.TcpFlagAck => (r.Flags & TcpFlags.Ack) != 0 ? 1 : 0,
            FieldId.TcpFlagUrg => (r.Flags & TcpFlags.Urg) != 0 ? 1 : 0,
            FieldId.TcpLen => r.PayloadLength,
            FieldId.TcpStream or FieldId.UdpStream or FieldId.Conn => r.Conversation,
            FieldId.FrameLen => r.WireLength,
            FieldId.FrameCapLen => r.CapturedLength,
            FieldId.FrameNumber => r.Frame,
            FieldId.TcpAckRtt => r.AckRtt,
            FieldId.TcpBytesInFlight => r.BytesInFlight,
            FieldId.TcpWindowSize => r.WindowSize,
            _ => 0,
        };

        private static bool Compare(long actual, CompareOp op, long expected) => op switch
        {
            CompareOp.Eq => actual == expected,
            CompareOp.Ne => actual != expected,
            CompareOp.Lt => actual < expected,
            CompareOp.Le => actual <= expected,
            CompareOp.Gt => actual > expected,
            _ => actual >= expected,
        };
    }
}

internal static class RowTest
{
    /// <summary>
    /// Whether <paramref name="expr"/> reads a TCP analysis number the <see cref="PacketTable"/> keeps no column
    /// for (ack_rtt, bytes_in_flight, window_size): the UI must then have <see cref="TcpAnalysisNumbers"/> first.
    /// </summary>
    public static bool NeedsTcpNumbers(FilterExpr expr) => expr switch
    {
        AndExpr a => NeedsTcpNumbers(a.Left) || NeedsTcpNumbers(a.Right),
        OrExpr o => NeedsTcpNumbers(o.Left) || NeedsTcpNumbers(o.Right),
        NotExpr n => NeedsTcpNumbers(n.Operand),
        PresenceExpr p => IsTcpNumber(p.Field),
        CompareExpr c => IsTcpNumber(c.Field),
        _ => false,
    };

    private static bool IsTcpNumber(FieldId field) => field is FieldId.TcpAckRtt or FieldId.TcpBytesInFlight or FieldId.TcpWindowSize;
}
