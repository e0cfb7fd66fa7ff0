using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using ProtoScope.Core.Decoding;
using ProtoScope.Core.Session;
using ProtoScope.Core.Tcp;

namespace ProtoScope.Core.Formatting;

/// <summary>
/// One line per packet in tcpdump's style (`tcpdump -# -n -tttt`, UTC), with Wireshark's relative
/// sequence numbers: <c>    1  2026-11-28 10:00:00.123456 IP 10.0.0.1.5555 > 10.0.0.2.80: Flags [S.], seq 0, ack 1, win 65160, length 0</c>.
/// Only numbers and addresses are printed, never packet bytes, so a packet cannot write control sequences to the terminal.
/// </summary>
public sealed class TcpdumpFormat
{
    private readonly StringBuilder _sb = new(256);

    /// <summary>Formats one packet; the returned builder is reused by the next call.</summary>
    public StringBuilder Format(in PacketHeader header, in DecodedPacket p, in PacketAnalysis a, ReadOnlySpan<byte> data)
    {
        var sb = _sb.Clear();
        sb.Append(CultureInfo.InvariantCulture, $"{a.Frame,5}  ");
        AppendTime(sb, header.Timestamp);
        sb.Append(' ');
        AppendBody(sb, p, a, data);
        return sb;
    }

    /// <summary>The date and time to the second of the last packet, "2026-11-28 10:00:00.": most packets share their second with the one before.</summary>
    private readonly char[] _second = new char[24];
    private int _secondLength;
    private long _secondShown = long.MinValue;

    private void AppendTime(StringBuilder sb, long timestampNs)
    {
        long seconds = Math.DivRem(timestampNs, 1_000_000_000L, out long ns);
        if (ns < 0) { seconds--; ns += 1_000_000_000L; }
        if (seconds != _secondShown)
        {
            var t = DateTime.UnixEpoch.AddSeconds(seconds);
            _second.AsSpan().TryWrite(CultureInfo.InvariantCulture, $"{t:yyyy-MM-dd HH:mm:ss}.", out _secondLength);
            _secondShown = seconds;
        }
        sb.Append(_second, 0, _secondLength).Append(CultureInfo.InvariantCulture, $"{ns / 1000:D6}");
    }

    private static void AppendBody(StringBuilder sb, in DecodedPacket p, in PacketAnalysis a, ReadOnlySpan<byte> data)
    {
        for (int i = 0; i < p.EncapDepth; i++) AppendEncap(sb, p.Encap[i], data);
        switch (p.Network)
        {
            case Network.IPv4: sb.Append("IP "); break;
            case Network.IPv6: sb.Append("IP6 "); break;
            case Network.Arp: AppendArp(sb, p, data); return;
            case Network.None when p.HasError:
                sb.Append('[').Append(DecodeError.LayerName(p.Error.Layer)).Append("] ");
                AppendError(sb, p);
                return;
            default:
                if (p.EtherType == 0 && PacketDecoder.WlanFrameName(data, p.LinkType) is { } wlan)
                    sb.Append("802.11 ").Append(wlan).Append(", length ").Append(p.CapturedLength);
                else if (!Decoding.LinkType.IsSupported(p.LinkType))
                    sb.Append(Decoding.LinkType.Name(p.LinkType)).Append(" (link type ").Append(p.LinkType).Append(", not decoded), length ").Append(p.CapturedLength);
                else
                    sb.Append("ethertype 0x").Append(p.EtherType.ToString("x4", CultureInfo.InvariantCulture)).Append(", length ").Append(p.CapturedLength);
                return;
        }

        if (p.HasPortNumbers)
        {
            p.Src.AppendTo(sb); sb.Append('.').Append(p.SrcPort).Append(" > ");
            p.Dst.AppendTo(sb); sb.Append('.').Append(p.DstPort).Append(": ");
        }
        else
        {
            p.Src.AppendTo(sb); sb.Append(" > ");
            p.Dst.AppendTo(sb); sb.Append(": ");
        }

        if (p.Network == Network.IPv4 && p.HasError && p.Error.Layer == DecodeLayer.IPv4) { AppendError(sb, p); return; }
        if (p.Network == Network.IPv6 && p.HasError && p.Error.Layer == DecodeLayer.IPv6) { AppendError(sb, p); return; }

        switch (p.Transport)
        {
            case Transport.Tcp when p.TransportHeaderLength > 0: AppendTcp(sb, p, a, data); break;
            case Transport.Udp when p.TransportHeaderLength > 0:
                sb.Append("UDP, length ").Append(p.PayloadLength);
                break;
            case Transport.Icmp or Transport.Icmpv6 when p.TransportHeaderLength > 0:
                sb.Append(p.Transport == Transport.Icmp ? "ICMP " : "ICMP6 ").Append(IcmpName(p)).Append(", length ").Append(p.PayloadLength + 8);
                break;
            case Transport.Tcp or Transport.Udp or Transport.Icmp or Transport.Icmpv6:
                break;
            default:
                if (p.IsFragment) sb.Append("ip-proto-").Append(p.IpProtocol).Append(" (fragment), length ").Append(p.PayloadLength);
                else sb.Append("ip-proto-").Append(p.IpProtocol).Append(", length ").Append(p.PayloadLength);
                break;
        }
        if (p.HasError) { if (p.TransportHeaderLength > 0) sb.Append(' '); AppendError(sb, p); }
        if (p.ReassembledFragments > 0) sb.Append(" (reassembled from ").Append(p.ReassembledFragments).Append(" fragments)");
    }

    /// <summary>One outer layer as tcpdump prints it before the packet inside: <c>IP a.1 > b.4789: VXLAN, vni 1: </c>.</summary>
    private static void AppendEncap(StringBuilder sb, in EncapLayer layer, ReadOnlySpan<byte> data)
    {
        var (src, dst) = layer.OuterAddresses(data);
        sb.Append(layer.Network == Network.IPv6 ? "IP6 " : "IP ");
        src.AppendTo(sb);
        if (layer.OverUdp) sb.Append('.').Append(layer.OuterPorts(data).Src);
        sb.Append(" > ");
        dst.AppendTo(sb);
        if (layer.OverUdp) sb.Append('.').Append(layer.OuterPorts(data).Dst);
        sb.Append(": ");
        switch (layer.Kind)
        {
            case TunnelKind.Gre: sb.Append("GREv0"); break;
            case TunnelKind.Pptp: sb.Append("GREv1"); break;
            case TunnelKind.Erspan: sb.Append("ERSPAN"); break;
            case TunnelKind.Vxlan: sb.Append("VXLAN"); break;
            case TunnelKind.Geneve: sb.Append("Geneve"); break;
            case TunnelKind.Teredo: sb.Append("Teredo"); break;
            case TunnelKind.GtpU: sb.Append("GTPv1-U"); break;
            case TunnelKind.Ayiya: sb.Append("AYIYA"); break;
            default: return; // IP in IP: the inner header follows at once
        }
        if (layer.HasId) sb.Append(", ").Append(TunnelIdName(layer.Kind)).Append(' ').Append(layer.Id);
        sb.Append(": ");
    }

    /// <summary>What the tunnel's identifier is called: <c>vni</c>, <c>key</c>, <c>teid</c>, <c>session</c>.</summary>
    public static string TunnelIdName(TunnelKind kind) => kind switch
    {
        TunnelKind.Vxlan or TunnelKind.Geneve => "vni",
        TunnelKind.Gre => "key",
        TunnelKind.Pptp => "call",
        TunnelKind.GtpU => "teid",
        TunnelKind.Erspan => "session",
        _ => "id",
    };

    private static void AppendError(StringBuilder sb, in DecodedPacket p)
    {
        if (p.Error.Layer != DecodeLayer.None) sb.Append("[|").Append(DecodeError.LayerName(p.Error.Layer)).Append("] ");
        sb.Append('(').Append(p.Error.ToString()).Append(')');
    }

    private static string IcmpName(in DecodedPacket p) => (p.Transport, p.IcmpType) switch
    {
        (Transport.Icmp, 0) => "echo reply",
        (Transport.Icmp, 3) => "destination unreachable",
        (Transport.Icmp, 8) => "echo request",
        (Transport.Icmp, 11) => "time exceeded",
        (Transport.Icmpv6, 1) => "destination unreachable",
        (Transport.Icmpv6, 128) => "echo request",
        (Transport.Icmpv6, 129) => "echo reply",
        (Transport.Icmpv6, 133) => "router solicitation",
        (Transport.Icmpv6, 134) => "router advertisement",
        (Transport.Icmpv6, 135) => "neighbor solicitation",
        (Transport.Icmpv6, 136) => "neighbor advertisement",
        _ => $"type {p.IcmpType} code {p.IcmpCode}",
    };

    private static void AppendArp(StringBuilder sb, in DecodedPacket p, ReadOnlySpan<byte> data)
    {
        sb.Append("ARP, ");
        if (p.HasError) { AppendError(sb, p); return; }
        // Reverse ARP (RFC 903) asks for a protocol address by hardware address, so tcpdump names those.
        var arp = data[p.NetworkOffset..];
        int hlen = arp[4], plen = arp[5];
        var senderHardware = arp.Slice(8, hlen);
        var targetHardware = arp.Slice(8 + hlen + plen, hlen);
        sb.Append(ArpOperations.Name(p.ArpOperation) ?? "operation");
        switch (p.ArpOperation)
        {
            case ArpOperations.Request: sb.Append(" who-has "); p.Dst.AppendTo(sb); sb.Append(" tell "); p.Src.AppendTo(sb); break;
            case ArpOperations.Reply: sb.Append(' '); p.Src.AppendTo(sb); sb.Append(" is-at"); break;
            case ArpOperations.ReverseRequest: sb.Append(" who-is "); AppendHardware(sb, targetHardware); sb.Append(" tell "); AppendHardware(sb, senderHardware); break;
            case ArpOperations.ReverseReply: sb.Append(' '); AppendHardware(sb, targetHardware); sb.Append(" at "); p.Dst.AppendTo(sb); break;
            default: sb.Append(' ').Append(p.ArpOperation); break;
        }
        sb.Append(", length ").Append(p.NetworkHeaderLength);
    }

    private static void AppendHardware(StringBuilder sb, ReadOnlySpan<byte> address)
    {
        for (int i = 0; i < address.Length; i++)
        {
            if (i > 0) sb.Append(':');
            sb.Append(address[i].ToString("x2", CultureInfo.InvariantCulture));
        }
    }

    private static void AppendTcp(StringBuilder sb, in DecodedPacket p, in PacketAnalysis a, ReadOnlySpan<byte> data)
    {
        sb.Append("Flags [").Append(TcpFlagNotation.Tcpdump(p.Flags)).Append(']');
        bool hasConn = a.Conversation >= 0;
        uint seq = hasConn ? a.RelativeSeq : p.SequenceNumber;
        if (p.PayloadLength > 0)
            sb.Append(", seq ").Append(seq).Append(':').Append(unchecked(seq + (uint)p.PayloadLength));
        else if ((p.Flags & (TcpFlags.Syn | TcpFlags.Fin | TcpFlags.Rst)) != 0)
            sb.Append(", seq ").Append(seq);
        if ((p.Flags & TcpFlags.Ack) != 0)
            sb.Append(", ack ").Append(a.HasRelativeAck ? a.RelativeAck : p.AcknowledgmentNumber);
        sb.Append(", win ").Append(p.Window);
        if ((p.Flags & TcpFlags.Urg) != 0) sb.Append(", urg ").Append(p.UrgentPointer);
        if (p.TransportHeaderLength > 20)
        {
            sb.Append(", options [");
            AppendOptions(sb, data.Slice(p.TransportOffset + 20, p.TransportHeaderLength - 20));
            sb.Append(']');
        }
        sb.Append(", length ").Append(p.PayloadLength);
        if (a.AnalysisFlags != TcpAnalysisFlags.None)
        {
            // The brackets say what the analysis found; the role in parentheses keeps to the segment's part in the
            // connection, so "(retransmission) [TCP Retransmission]" reads "(data) [TCP Retransmission]".
            // A SYN or FIN sent again has no other part to name: it stays "(retransmission)".
            bool plain = (p.Flags & (TcpFlags.Syn | TcpFlags.Fin)) == 0;
            var role = plain && a.Role is (PacketRole.Retransmission or PacketRole.KeepAlive or PacketRole.WindowUpdate or PacketRole.ZeroWindow)
                ? (p.PayloadLength > 0 ? PacketRole.Data : PacketRole.Ack)
                : a.Role;
            AppendRole(sb, role);
            // Wireshark's words, after the line as in its Info column: "[TCP Dup ACK 12#3] [TCP Retransmission]".
            sb.Append(' ');
            TcpAnalysisNames.AppendInfo(sb, in a);
            sb.Length--;
        }
        else if (a.Role != PacketRole.None)
        {
            AppendRole(sb, a.Role);
        }
    }

    /// <summary>The role in parentheses after the length, its own parentheses dropped: "(handshake 2/3 SYN-ACK)".</summary>
    private static void AppendRole(StringBuilder sb, PacketRole role)
    {
        sb.Append(" (");
        foreach (char c in role.Label())
            if (c is not ('(' or ')')) sb.Append(c);
        sb.Append(')');
    }

    /// <summary>The option list in wire order with tcpdump's names (print-tcp.c).</summary>
    private static void AppendOptions(StringBuilder sb, ReadOnlySpan<byte> o)
    {
        int i = 0;
        bool first = true;
        while (i < o.Length)
        {
            if (!first) sb.Append(',');
            first = false;
            byte kind = o[i];
            if (kind == 0) { sb.Append("eol"); break; }
            if (kind == 1) { sb.Append("nop"); i++; continue; }
            if (i + 1 >= o.Length || o[i + 1] < 2 || i + o[i + 1] > o.Length) { sb.Append("bad opt"); break; }
            int len = o[i + 1];
            var body = o.Slice(i + 2, len - 2);
            switch (kind)
            {
                case 2 when body.Length == 2: sb.Append("mss ").Append(BinaryPrimitives.ReadUInt16BigEndian(body)); break;
                case 3 when body.Length == 1: sb.Append("wscale ").Append(body[0]); break;
                case 4: sb.Append("sackOK"); break;
                case 5:
                    sb.Append("sack ").Append(body.Length / 8);
                    for (int b = 0; b + 8 <= body.Length; b += 8)
                        sb.Append(" {").Append(BinaryPrimitives.ReadUInt32BigEndian(body[b..])).Append(':').Append(BinaryPrimitives.ReadUInt32BigEndian(body[(b + 4)..])).Append('}');
                    break;
                case 8 when body.Length == 8:
                    sb.Append("TS val ").Append(BinaryPrimitives.ReadUInt32BigEndian(body)).Append(" ecr ").Append(BinaryPrimitives.ReadUInt32BigEndian(body[4..]));
                    break;
                case 34: AppendFastOpen(sb, "tfo", body); break;
                case 254 when body.Length >= 2 && body[0] == 0xF9 && body[1] == 0x89: AppendFastOpen(sb, "exp-tfo", body[2..]); break;
                case 30: sb.Append("mptcp"); break;
                default: sb.Append("unknown-").Append(kind); break;
            }
            i += len;
        }
    }

    private static void AppendFastOpen(StringBuilder sb, string name, ReadOnlySpan<byte> cookie)
    {
        sb.Append(name);
        if (cookie.IsEmpty) { sb.Append(" cookiereq"); return; }
        sb.Append(" cookie ");
        foreach (byte b in cookie) sb.Append(b.ToString("x2", CultureInfo.InvariantCulture));
    }
}
