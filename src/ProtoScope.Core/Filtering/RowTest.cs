using ProtoScope.Core.Decoding;
using ProtoScope.Core.Session;
using ProtoScope.Core.Tcp;

namespace ProtoScope.Core.Filtering;

/// <summary>
/// A compiled display filter node: tests one row of a <see cref="PacketTable"/> by reading its columns directly,
/// so evaluating a row allocates nothing. Built once per filter by <see cref="Compile"/>.
/// </summary>
internal abstract class RowTest
{
    public abstract bool Match(PacketTable table, PacketChunk c, int i, int row);

    public static RowTest Compile(FilterExpr expr) => expr switch
    {
        AndExpr a => new And(Compile(a.Left), Compile(a.Right)),
        OrExpr o => new Or(Compile(o.Left), Compile(o.Right)),
        NotExpr n => new Not(Compile(n.Operand)),
        KeywordExpr k => new KeywordTest(k.Keyword),
        PresenceExpr p => new Presence(p.Field),
        CompareExpr { Field: FieldId.IpAddr or FieldId.IpSrc or FieldId.IpDst } c => new AddressCompare(c.Field, c.Op, c.Address),
        CompareExpr c => new NumberCompare(c.Field, c.Op, c.Number),
        _ => throw new ArgumentException($"unknown filter node {expr.GetType().Name}", nameof(expr)),
    };

    private sealed class And(RowTest left, RowTest right) : RowTest
    {
        public override bool Match(PacketTable t, PacketChunk c, int i, int row) => left.Match(t, c, i, row) && right.Match(t, c, i, row);
    }

    private sealed class Or(RowTest left, RowTest right) : RowTest
    {
        public override bool Match(PacketTable t, PacketChunk c, int i, int row) => left.Match(t, c, i, row) || right.Match(t, c, i, row);
    }

    private sealed class Not(RowTest operand) : RowTest
    {
        public override bool Match(PacketTable t, PacketChunk c, int i, int row) => !operand.Match(t, c, i, row);
    }

    private sealed class KeywordTest(Keyword keyword) : RowTest
    {
        public override bool Match(PacketTable t, PacketChunk c, int i, int row) => keyword switch
        {
            Keyword.Tcp => c.Transport[i] == (byte)Transport.Tcp,
            Keyword.Udp => c.Transport[i] == (byte)Transport.Udp,
            Keyword.Icmp => c.Transport[i] == (byte)Transport.Icmp,
            Keyword.Icmpv6 => c.Transport[i] == (byte)Transport.Icmpv6,
            Keyword.Arp => c.Transport[i] == (byte)Transport.Arp,
            Keyword.Ip => c.Network[i] == (byte)Network.IPv4,
            Keyword.Ipv6 => c.Network[i] == (byte)Network.IPv6,
            Keyword.Handshake => c.Role(i) is >= PacketRole.HandshakeSyn and <= PacketRole.HandshakeAck,
            Keyword.Teardown => c.Role(i) is >= PacketRole.TeardownFin and <= PacketRole.TeardownAckOfSecondFin,
            Keyword.Reset => c.Role(i) == PacketRole.Reset,
            Keyword.Data => c.Role(i) == PacketRole.Data,
            Keyword.Retransmission => c.Role(i) == PacketRole.Retransmission,
            Keyword.FramingError => (c.Fault(i) & PacketFault.Framing) != 0,
            Keyword.Malformed => (c.Fault(i) & PacketFault.Decode) != 0,
            _ => false,
        };
    }

    /// <summary>Whether a row has the field at all: a comparison on a missing field is false, as in Wireshark.</summary>
    internal static bool Has(PacketChunk c, int i, FieldId field)
    {
        bool ports = c.Conversation[i] >= 0;
        return field switch
        {
            FieldId.IpAddr or FieldId.IpSrc or FieldId.IpDst => c.Network[i] is (byte)Network.IPv4 or (byte)Network.IPv6,
            FieldId.Port => ports,
            FieldId.TcpPort or FieldId.TcpSrcPort or FieldId.TcpDstPort or FieldId.TcpLen or FieldId.TcpStream
                or FieldId.TcpFlagFin or FieldId.TcpFlagSyn or FieldId.TcpFlagRst or FieldId.TcpFlagPsh
                or FieldId.TcpFlagAck or FieldId.TcpFlagUrg => ports && c.Transport[i] == (byte)Transport.Tcp,
            FieldId.UdpPort or FieldId.UdpSrcPort or FieldId.UdpDstPort or FieldId.UdpStream => ports && c.Transport[i] == (byte)Transport.Udp,
            FieldId.Conn => ports,
            _ => true,
        };
    }

    private sealed class Presence(FieldId field) : RowTest
    {
        public override bool Match(PacketTable t, PacketChunk c, int i, int row) => Has(c, i, field);
    }

    /// <summary>
    /// Address fields. <c>ip.addr</c> holds both addresses: <c>==</c> is true when either equals, and <c>!=</c> when
    /// neither does (Wireshark 3.6 and later: <c>a != b</c> means <c>!(a == b)</c>). The value's version picks the
    /// header the field lives in, as Wireshark's ip.* and ipv6.* do: <c>ip.addr != 10.0.0.1</c> never matches IPv6.
    /// </summary>
    private sealed class AddressCompare(FieldId field, CompareOp op, NetAddress value) : RowTest
    {
        private readonly byte _network = value.Version == 4 ? (byte)Network.IPv4 : (byte)Network.IPv6;

        public override bool Match(PacketTable t, PacketChunk c, int i, int row)
        {
            if (c.Network[i] != _network) return false;
            bool equal = field switch
            {
                FieldId.IpSrc => t.Address(c.Src[i]) == value,
                FieldId.IpDst => t.Address(c.Dst[i]) == value,
                _ => t.Address(c.Src[i]) == value || t.Address(c.Dst[i]) == value,
            };
            return op == CompareOp.Eq ? equal : !equal;
        }
    }

    /// <summary>
    /// Numeric fields. Two-valued fields (<c>tcp.port</c>, <c>port</c>) match when either value satisfies the
    /// comparison, except <c>!=</c>, which needs both to differ (Wireshark's "any" and "all" semantics).
    /// </summary>
    private sealed class NumberCompare(FieldId field, CompareOp op, long value) : RowTest
    {
        public override bool Match(PacketTable t, PacketChunk c, int i, int row)
        {
            if (!Has(c, i, field)) return false;
            switch (field)
            {
                case FieldId.Port or FieldId.TcpPort or FieldId.UdpPort:
                    return op == CompareOp.Ne
                        ? c.SrcPort[i] != value && c.DstPort[i] != value
                        : Compare(c.SrcPort[i], op, value) || Compare(c.DstPort[i], op, value);
                default:
                    return Compare(Value(c, i, row, field), op, value);
            }
        }

        private static long Value(PacketChunk c, int i, int row, FieldId field) => field switch
        {
            FieldId.TcpSrcPort or FieldId.UdpSrcPort => c.SrcPort[i],
            FieldId.TcpDstPort or FieldId.UdpDstPort => c.DstPort[i],
            FieldId.TcpFlagFin => (c.Flags[i] & (int)TcpFlags.Fin) != 0 ? 1 : 0,
            FieldId.TcpFlagSyn => (c.Flags[i] & (int)TcpFlags.Syn) != 0 ? 1 : 0,
            FieldId.TcpFlagRst => (c.Flags[i] & (int)TcpFlags.Rst) != 0 ? 1 : 0,
            FieldId.TcpFlagPsh => (c.Flags[i] & (int)TcpFlags.Psh) != 0 ? 1 : 0,
            FieldId.TcpFlagAck => (c.Flags[i] & (int)TcpFlags.Ack) != 0 ? 1 : 0,
            FieldId.TcpFlagUrg => (c.Flags[i] & (int)TcpFlags.Urg) != 0 ? 1 : 0,
            FieldId.TcpLen => c.PayloadLength[i],
            FieldId.TcpStream or FieldId.UdpStream or FieldId.Conn => c.Conversation[i],
            FieldId.FrameLen => c.WireLength[i],
            FieldId.FrameCapLen => c.CapturedLength[i],
            FieldId.FrameNumber => row + 1L,
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
