using System.Globalization;
using System.Text;
using ProtoScope.Core.Decoding;
using ProtoScope.Core.Formatting;
using ProtoScope.Core.Session;
using ProtoScope.Core.Tcp;

namespace ProtoScope.Tui.Packets;

/// <summary>The text of the packet list's cells. Only numbers and addresses, never packet bytes, reach the terminal.</summary>
public static class PacketText
{
    /// <summary>Seconds since the first packet, with microseconds, as Wireshark's default Time column.</summary>
    public static string RelativeTime(long timestamp, long first) =>
        ((timestamp - first) / 1e9).ToString("F6", CultureInfo.InvariantCulture);

    /// <summary>
    /// The address, with the port for a TCP or UDP packet (<c>127.0.0.1:51234</c>, <c>[::1]:80</c>): on loopback
    /// both sides have the same address and only the port tells the client from the server.
    /// </summary>
    public static string Address(in PacketRow r, bool source)
    {
        var address = source ? r.Src : r.Dst;
        if (address.IsNone) return "";
        if (r.Conversation < 0 || r.Transport is not (Transport.Tcp or Transport.Udp)) return address.ToString();
        return EndpointText.Of(address, source ? r.SrcPort : r.DstPort);
    }

    /// <summary>→ for a packet toward the conversation's responder, ← toward its originator; empty outside a TCP or UDP conversation.</summary>
    public static string Direction(in PacketRow r) =>
        r.Conversation < 0 || r.Transport is not (Transport.Tcp or Transport.Udp) ? "" : r.Direction == Core.Session.Direction.Orig ? "→" : "←";

    public static string Protocol(in PacketRow r) => r.Transport switch
    {
        Transport.Tcp => "TCP",
        Transport.Udp => "UDP",
        Transport.Icmp => "ICMP",
        Transport.Icmpv6 => "ICMPv6",
        Transport.Arp => "ARP",
        _ => r.Network switch
        {
            Network.IPv4 => "IPv4",
            Network.IPv6 => "IPv6",
            _ => "other",
        },
    };

    public static string Flags(in PacketRow r) => r.Transport == Transport.Tcp && r.Conversation >= 0 ? TcpFlagNotation.Tcpdump(r.Flags) : "";

    /// <summary>What a row is, for its marker and its colour: the tracker's role, grouped.</summary>
    public enum Kind { Other, Handshake, Data, Ack, Teardown, Reset, Udp, Error, Trouble }

    /// <summary>
    /// Wireshark's "Bad TCP" colouring rule: any analysis flag but a window update, a keep-alive or its ACK, which
    /// are normal life.
    /// </summary>
    public static bool IsTrouble(TcpAnalysisFlags flags) =>
        (flags & ~(TcpAnalysisFlags.WindowUpdate | TcpAnalysisFlags.KeepAlive | TcpAnalysisFlags.KeepAliveAck)) != 0;

    public static Kind KindOf(PacketRole role, Transport transport, PacketFault fault, TcpAnalysisFlags analysis)
    {
        if (fault != PacketFault.None) return Kind.Error;
        if (IsTrouble(analysis)) return Kind.Trouble;
        if (transport == Transport.Udp) return Kind.Udp;
        return role switch
        {
            PacketRole.HandshakeSyn or PacketRole.HandshakeSynAck or PacketRole.HandshakeAck => Kind.Handshake,
            PacketRole.TeardownFin or PacketRole.TeardownAckOfFin or PacketRole.TeardownSecondFin or PacketRole.TeardownAckOfSecondFin => Kind.Teardown,
            PacketRole.Reset => Kind.Reset,
            PacketRole.Data or PacketRole.Retransmission => Kind.Data,
            PacketRole.Ack or PacketRole.KeepAlive or PacketRole.WindowUpdate or PacketRole.ZeroWindow => Kind.Ack,
            _ => Kind.Other,
        };
    }

    /// <summary>
    /// A one-glyph marker per kind, so the list reads without colour: H handshake, D data, A ack, F teardown,
    /// R reset, U UDP datagram, * TCP trouble (a retransmission, a lost segment, a duplicate ACK, a zero window...),
    /// ! a packet the decoder or the framing found broken.
    /// </summary>
    public static string Marker(in PacketRow r) => KindOf(r.Role, r.Transport, r.Fault, r.Analysis) switch
    {
        Kind.Trouble => "*",
        Kind.Handshake => "H",
        Kind.Data => "D",
        Kind.Ack => "A",
        Kind.Teardown => "F",
        Kind.Reset => "R",
        Kind.Udp => "U",
        Kind.Error => "!",
        _ => " ",
    };

    public const string Legend = "H handshake  D data  A ack  F teardown  R reset  U udp  * tcp trouble  ! error";

    /// <summary>The Info column: role, TCP segment names and numbers, or what the decoder found.</summary>
    public static string Info(PacketTable table, in PacketRow r)
    {
        var sb = new StringBuilder(64);
        if (r.Transport == Transport.Tcp && r.Conversation >= 0)
        {
            // Wireshark's analysis words lead, as in its Info column: "[TCP Retransmission] data seq=1 ...".
            TcpAnalysisNames.AppendInfo(sb, r.Analysis);
            // The tracker's role, as the issue shows it: "handshake 2/3 (SYN-ACK) seq=0 ack=1".
            if (r.Role != PacketRole.None) sb.Append(r.Role.Label());
            else sb.Append(SegmentName(r.Flags));
            sb.Append(" seq=").Append(r.RelativeSeq);
            if ((r.Flags & TcpFlags.Ack) != 0) sb.Append(" ack=").Append(r.RelativeAck);
            sb.Append(" len=").Append(r.PayloadLength);
        }
        else if (r.Transport == Transport.Udp && r.Conversation >= 0)
        {
            // The ports are in the Source and Destination columns.
            sb.Append("datagram len=").Append(r.PayloadLength);
        }
        else
        {
            var p = new DecodedPacket();
            table.Decode(r.Index, ref p);
            switch (p.Transport)
            {
                case Transport.Icmp or Transport.Icmpv6:
                    sb.Append("type ").Append(p.IcmpType).Append(" code ").Append(p.IcmpCode);
                    break;
                case Transport.Arp:
                    // tcpdump's "who-has" for a request; the detail tree's names for the others.
                    if (p.ArpOperation == ArpOperations.Request) sb.Append("who-has");
                    else if (ArpOperations.Label(p.ArpOperation) is { } name) sb.Append(name);
                    else sb.Append("op ").Append(p.ArpOperation);
                    sb.Append(' ');
                    p.Dst.AppendTo(sb);
                    sb.Append(" tell ");
                    p.Src.AppendTo(sb);
                    break;
                default:
                    if (!LinkType.IsSupported(table.LinkType)) sb.Append(LinkType.Name(table.LinkType)).Append(" link type, not decoded");
                    else if (p.EtherType != 0 && p.Network == Network.Other) sb.Append("ethertype 0x").Append(p.EtherType.ToString("x4", CultureInfo.InvariantCulture));
                    break;
            }
            if (p.HasError) sb.Append(sb.Length > 0 ? "; " : "").Append(p.Error.ToString());
        }
        if ((r.Fault & PacketFault.Framing) != 0) sb.Append(" [framing error]");
        return sb.ToString();
    }

    /// <summary>The segment's name as people say it (SYN-ACK, PSH-ACK), from <see cref="TcpFlagNotation"/>'s table.</summary>
    public static string SegmentName(TcpFlags flags) => TcpFlagNotation.Spoken(flags);
}
