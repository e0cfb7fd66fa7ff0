using System.Buffers.Binary;
using System.Globalization;
using ProtoScope.Core.Decoding;
using ProtoScope.Core.Formatting;
using ProtoScope.Core.Session;
using ProtoScope.Core.Tcp;
using Terminal.Gui.Views;

namespace ProtoScope.Tui.Packets;

/// <summary>A line of the detail tree and the bytes it was read from (Length 0: no bytes, e.g. the conversation).</summary>
public sealed class FieldNode : TreeNode
{
    public FieldNode(string text, int offset = 0, int length = 0)
    {
        Text = text;
        Offset = offset;
        Length = length;
    }

    public int Offset { get; }
    public int Length { get; }

    /// <summary>Shown open when the packet is selected: the innermost protocol's node.</summary>
    public bool Open { get; set; }

    /// <summary>The display-filter name of the field this line shows (tshark's, e.g. <c>ip.ttl</c>), or null.</summary>
    public string? Name { get; private init; }

    /// <summary>The field's value as tshark's PDML shows it (<c>show</c>), when <see cref="Name"/> is set.</summary>
    public string? Value { get; private init; }

    public FieldNode Add(string text, int offset = 0, int length = 0)
    {
        var child = new FieldNode(text, offset, length);
        Children.Add(child);
        return child;
    }

    /// <summary>
    /// Adds the line "<paramref name="label"/>: <paramref name="value"/><paramref name="suffix"/>" for field
    /// <paramref name="name"/>; <paramref name="shown"/> replaces the value on the line where tshark's value is not
    /// what a reader wants (bytes that spell a name).
    /// </summary>
    public FieldNode Field(string name, string label, string value, int offset, int length, string suffix = "", string? shown = null)
    {
        var child = new FieldNode($"{label}: {shown ?? value}{suffix}", offset, length) { Name = name, Value = value };
        Children.Add(child);
        return child;
    }
}

/// <summary>
/// Builds the detail tree of one packet by decoding its stored bytes again: frame, link, network, transport with
/// its TCP options, payload, and the conversation it belongs to. Each node knows its byte range for the hex pane.
/// </summary>
public static class PacketDetails
{
    /// <summary>One node per outer layer of a tunnelled packet, outermost first, over the bytes up to the next layer.</summary>
    private static void AddTunnels(List<FieldNode> nodes, in DecodedPacket p, ReadOnlySpan<byte> data)
    {
        for (int i = 0; i < p.EncapDepth; i++)
        {
            var layer = p.Encap[i];
            int start = layer.NetworkOffset;
            int end = i + 1 < p.EncapDepth ? p.Encap[i + 1].NetworkOffset : p.NetworkOffset > 0 ? p.NetworkOffset : data.Length;
            var (src, dst) = layer.OuterAddresses(data);
            var ports = layer.OverUdp ? layer.OuterPorts(data) : default;
            string ends = layer.OverUdp ? $"{EndpointText.Of(src, ports.Src)} > {EndpointText.Of(dst, ports.Dst)}" : $"{src} > {dst}";
            string id = layer.HasId ? $", {TcpdumpFormat.TunnelIdName(layer.Kind)} {layer.Id}" : "";
            var node = new FieldNode($"Tunnel: {layer.Kind.Name()}, {ends}{id}", start, Math.Max(0, end - start));
            bool v6 = layer.Network == Network.IPv6;
            string ip = v6 ? "ipv6" : "ip";
            node.Field($"{ip}.src", $"Outer {(v6 ? "IPv6" : "IPv4")} source", src.ToString(), start + (v6 ? 8 : 12), v6 ? 16 : 4);
            node.Field($"{ip}.dst", $"Outer {(v6 ? "IPv6" : "IPv4")} destination", dst.ToString(), start + (v6 ? 24 : 16), v6 ? 16 : 4);
            if (layer.OverUdp)
            {
                node.Field("udp.srcport", "Outer UDP source port", Num(ports.Src), layer.UdpOffset, 2);
                node.Field("udp.dstport", "Outer UDP destination port", Num(ports.Dst), layer.UdpOffset + 2, 2);
            }
            if (layer.HasId) node.Add($"{TcpdumpFormat.TunnelIdName(layer.Kind)}: {layer.Id}");
            nodes.Add(node);
        }
    }

    public static List<FieldNode> Build(PacketTable table, int row, ConversationTable conversations)
    {
        var r = table[row];
        var data = table.Bytes(row);
        var p = new DecodedPacket();
        table.Decode(row, ref p);
        var nodes = new List<FieldNode>();
        var library = LibraryLayers.Dissect(table.LinkType, data.ToArray(), p);
        List<FieldNode> Library(DetailLayer layer) => library.Where(l => l.Layer == layer).Select(l => l.Node).ToList();

        var frame = new FieldNode($"Frame {r.Frame}: {r.WireLength} bytes on wire, {r.CapturedLength} captured", 0, data.Length);
        frame.Add($"Arrival time: {DateTime.UnixEpoch.AddTicks(r.Timestamp / 100):yyyy-MM-dd HH:mm:ss.fffffff} UTC");
        frame.Add($"Time since first packet: {PacketText.RelativeTime(r.Timestamp, table.FirstTimestamp)} s");
        if (r.Role != PacketRole.None) frame.Add($"Role: {r.Role.Label()}");
        nodes.Add(frame);

        if (Library(DetailLayer.Link) is { Count: > 0 } links) nodes.AddRange(links);
        else nodes.Add(LinkNode(table.LinkType, p, data));
        AddTunnels(nodes, p, data);
        if (Library(DetailLayer.Network) is { Count: > 0 } network)
        {
            nodes.AddRange(network);
            if (p.ReassembledFragments > 0) network[0].Add($"Reassembled: this fragment completes a datagram of {p.ReassembledFragments} fragments");
        }
        else
        {
            AddNetwork(nodes, p, data);
        }

        int t = p.TransportOffset;
        if (p.IsTcp && p.TransportHeaderLength > 0)
        {
            var tcp = new FieldNode($"Transmission Control Protocol, Src Port: {p.SrcPort}, Dst Port: {p.DstPort}, Seq: {r.RelativeSeq}, Len: {p.PayloadLength}", t, p.TransportHeaderLength);
            tcp.Field("tcp.srcport", "Source port", Num(p.SrcPort), t, 2);
            tcp.Field("tcp.dstport", "Destination port", Num(p.DstPort), t + 2, 2);
            tcp.Field("tcp.seq", "Sequence number", Num(r.RelativeSeq), t + 4, 4, $" (relative), raw {p.SequenceNumber}");
            if ((p.Flags & TcpFlags.Ack) != 0) tcp.Field("tcp.ack", "Acknowledgment number", Num(r.RelativeAck), t + 8, 4, $" (relative), raw {p.AcknowledgmentNumber}");
            else tcp.Add($"Acknowledgment number: raw {p.AcknowledgmentNumber} (ACK not set)", t + 8, 4);
            tcp.Field("tcp.hdr_len", "Header length", Num(p.TransportHeaderLength), t + 12, 1, " bytes");
            var flags = tcp.Field("tcp.flags", "Flags", $"0x{(int)p.Flags:x4}", t + 12, 2, $" [{TcpFlagNotation.Tcpdump(p.Flags)}] {PacketText.SegmentName(p.Flags)}");
            foreach (var name in TcpFlagNotation.JsonNames(p.Flags)) flags.Add($"{name}: set", t + 13, 1);
            tcp.Field("tcp.window_size_value", "Window", Num(p.Window), t + 14, 2);
            tcp.Field("tcp.checksum", "Checksum", $"0x{Read16(data, t + 16):x4}", t + 16, 2);
            tcp.Field("tcp.urgent_pointer", "Urgent pointer", Num(p.UrgentPointer), t + 18, 2);
            if (p.TransportHeaderLength > 20) AddOptions(tcp, p.Options, t + 20, p.TransportHeaderLength - 20);
            if (r.Conversation >= 0 && conversations.Of(r) is { } conn) AddAnalysis(tcp, table, row, r, conn);
            nodes.Add(tcp);
        }
        else if (Library(DetailLayer.Transport) is { Count: > 0 } transport)
        {
            nodes.AddRange(transport);
        }
        else if (p.IsUdp && p.TransportHeaderLength > 0)
        {
            var udp = new FieldNode($"User Datagram Protocol, Src Port: {p.SrcPort}, Dst Port: {p.DstPort}", t, 8);
            udp.Add($"Source port: {p.SrcPort}", t, 2);
            udp.Add($"Destination port: {p.DstPort}", t + 2, 2);
            udp.Add($"Length: {p.UdpLength}", t + 4, 2);
            udp.Add($"Checksum: 0x{Read16(data, t + 6):x4}", t + 6, 2);
            nodes.Add(udp);
        }
        else if (p.HasPortNumbers)
        {
            nodes.Add(CutHeaderNode(p));
        }
        else if (p.Transport is Transport.Icmp or Transport.Icmpv6)
        {
            var icmp = new FieldNode($"{(p.Transport == Transport.Icmp ? "ICMP" : "ICMPv6")} type {p.IcmpType} code {p.IcmpCode}", t, Math.Max(0, data.Length - t));
            icmp.Add($"Type: {p.IcmpType}", t, 1);
            icmp.Add($"Code: {p.IcmpCode}", t + 1, 1);
            nodes.Add(icmp);
        }

        var application = Library(DetailLayer.Application);
        nodes.AddRange(application);
        // The innermost protocol opens, as the line the user came for; the layers around it stay one line each.
        if (nodes.Skip(1).LastOrDefault(n => n.Length > 0) is { } innermost) innermost.Open = true;
        if (p.CapturedPayloadLength > 0 && application.Count == 0)
            nodes.Add(new FieldNode($"Payload: {p.PayloadLength} bytes{(p.CapturedPayloadLength < p.PayloadLength ? $" ({p.CapturedPayloadLength} captured)" : "")}", p.PayloadOffset, p.CapturedPayloadLength));

        if (r.Conversation >= 0)
            nodes.Add(ConversationNode(r, conversations));

        if (p.HasError)
            nodes.Add(new FieldNode($"Error: {p.Error}"));
        return nodes;
    }

    /// <summary>A TCP or UDP header the capture cut short: the whole fields its bytes hold, raw, as tshark shows them.</summary>
    private static FieldNode CutHeaderNode(in DecodedPacket p)
    {
        int t = p.TransportOffset;
        bool tcp = p.IsTcp;
        var node = new FieldNode($"{(tcp ? "Transmission Control Protocol" : "User Datagram Protocol")}, Src Port: {p.SrcPort}, Dst Port: {p.DstPort} (header cut: {p.CapturedTransportHeader} of {(tcp ? 20 : 8)} bytes)", t, p.CapturedTransportHeader);
        string proto = tcp ? "tcp" : "udp";
        node.Field($"{proto}.srcport", "Source port", Num(p.SrcPort), t, 2);
        node.Field($"{proto}.dstport", "Destination port", Num(p.DstPort), t + 2, 2);
        if (p.Has(TcpField.Seq)) node.Field("tcp.seq_raw", "Sequence number (raw)", Num(p.SequenceNumber), t + 4, 4);
        if (p.Has(TcpField.Ack)) node.Field("tcp.ack_raw", "Acknowledgment number (raw)", Num(p.AcknowledgmentNumber), t + 8, 4);
        if (p.Has(TcpField.Flags)) node.Add($"Flags: 0x{(int)p.Flags:x3} [{TcpFlagNotation.Tcpdump(p.Flags)}]", t + 12, 2);
        if (p.Has(TcpField.Window)) node.Add($"Window: {p.Window}", t + 14, 2);
        if (p.Has(UdpField.Length)) node.Field("udp.length", "Length", Num(p.UdpLength), t + 4, 2);
        return node;
    }

    private static FieldNode LinkNode(int linkType, in DecodedPacket p, ReadOnlySpan<byte> data)
    {
        int firstNetwork = p.IsTunnelled ? p.Encap[0].NetworkOffset : p.NetworkOffset;
        int linkEnd = firstNetwork > 0 ? firstNetwork : Math.Min(data.Length, LinkHeaderLength(linkType));
        var link = new FieldNode($"Link: {LinkType.Name(linkType)} (DLT {linkType})", 0, linkEnd);
        if (p.EtherType != 0) link.Add($"Type: 0x{p.EtherType:x4}", Math.Max(0, linkEnd - 2), Math.Min(2, linkEnd));
        if (p.VlanDepth > 0) link.Add($"VLAN: {p.VlanId} ({p.VlanDepth} tag{(p.VlanDepth > 1 ? "s" : "")})");
        if (linkType == LinkType.Ethernet && data.Length >= 12)
        {
            link.Add($"Destination MAC: {Mac(data[..6])}", 0, 6);
            link.Add($"Source MAC: {Mac(data[6..12])}", 6, 6);
        }
        return link;
    }

    private static void AddNetwork(List<FieldNode> nodes, in DecodedPacket p, ReadOnlySpan<byte> data)
    {
        int n = p.NetworkOffset;
        switch (p.Network)
        {
            case Network.IPv4:
            {
                var ip = new FieldNode($"Internet Protocol Version 4, Src: {p.Src}, Dst: {p.Dst}", n, p.NetworkHeaderLength);
                ip.Add($"Header length: {p.NetworkHeaderLength} bytes", n, 1);
                ip.Add($"Total length: {p.IpLength}", n + 2, 2);
                ip.Add($"Identification: 0x{p.IpId:x4} ({p.IpId})", n + 4, 2);
                ip.Add(p.IsFragment
                    ? $"Fragment: offset {p.FragmentOffset}, {(p.MoreFragments ? "more fragments follow" : "the last")}{(p.ReassembledFragments > 0 ? $", completes a datagram of {p.ReassembledFragments} fragments" : "")}"
                    : "Fragment: not fragmented", n + 6, 2);
                ip.Add($"Time to live: {p.Ttl}", n + 8, 1);
                ip.Add($"Protocol: {p.IpProtocol}", n + 9, 1);
                ip.Add($"Source address: {p.Src}", n + 12, 4);
                ip.Add($"Destination address: {p.Dst}", n + 16, 4);
                nodes.Add(ip);
                break;
            }
            case Network.IPv6:
            {
                var ip = new FieldNode($"Internet Protocol Version 6, Src: {p.Src}, Dst: {p.Dst}", n, p.NetworkHeaderLength);
                ip.Add($"Payload length: {p.IpLength - 40}", n + 4, 2);
                ip.Add($"Next header: {p.IpProtocol}", n + 6, 1);
                ip.Add($"Hop limit: {p.Ttl}", n + 7, 1);
                ip.Add($"Source address: {p.Src}", n + 8, 16);
                ip.Add($"Destination address: {p.Dst}", n + 24, 16);
                nodes.Add(ip);
                break;
            }
            case Network.Arp:
            {
                string op = ArpOperations.Label(p.ArpOperation) ?? p.ArpOperation.ToString(CultureInfo.InvariantCulture);
                var arp = new FieldNode($"Address Resolution Protocol ({op})", n, Math.Max(0, data.Length - n));
                arp.Add($"Sender address: {p.Src}");
                arp.Add($"Target address: {p.Dst}");
                nodes.Add(arp);
                break;
            }
        }

    }

    /// <summary>
    /// Replaying more packets than this to show one packet's analysis numbers would stall the cursor: beyond it the
    /// node shows the flags alone.
    /// </summary>
    private const int MaxReplayedPackets = 200_000;

    /// <summary>Wireshark's "SEQ/ACK analysis" node: the ACK's RTT, the initial RTT, bytes in flight and each flag with its severity.</summary>
    private static void AddAnalysis(FieldNode tcp, PacketTable table, int row, in PacketRow r, Conversation conn)
    {
        var stored = new StoredConversation(table, conn, row + 1, 1_000_000_000);
        var analysis = stored.Packets <= MaxReplayedPackets ? stored.AnalysisAt(row) : null;
        var flags = r.Analysis;
        bool numbers = analysis is { } x && (x.AcksFrame != 0 || x.BytesInFlight != 0 || x.InitialRtt != 0 || x.DupAckNum != 0);
        if (flags == TcpAnalysisFlags.None && !numbers) return;
        var node = tcp.Add("SEQ/ACK analysis");
        if (analysis is { } a)
        {
            if (a.AcksFrame != 0) node.Add($"This is an ACK to the segment in frame: {a.AcksFrame}");
            if (a.AckRtt != 0) node.Add($"The RTT to ACK the segment was: {Seconds(a.AckRtt)} seconds");
            if (a.InitialRtt != 0) node.Add($"iRTT: {Seconds(a.InitialRtt)} seconds");
            if (a.BytesInFlight != 0) node.Add($"Bytes in flight: {a.BytesInFlight}");
            if (a.DupAckNum != 0) node.Add($"Duplicate ACK #{a.DupAckNum} of the ACK in frame {a.DupAckFrame}");
        }
        else
        {
            node.Add($"Numbers not shown: {stored.Packets} packets of this connection precede it (read -Y 'frame.number == {r.Frame}' --format jsonl has them)");
        }
        if (flags == TcpAnalysisFlags.None) return;
        var list = node.Add("TCP Analysis Flags");
        var fields = TcpAnalysisNames.Fields(flags);
        foreach (ref readonly var info in TcpAnalysisNames.All.AsSpan())
            if ((fields & info.Flag) != 0)
                list.Add($"{info.Summary} ({SeverityWord(info.Severity)}, tcp.analysis.{info.Name})");
    }

    private static string Seconds(long ns) => (ns / 1e9).ToString("0.000000000", CultureInfo.InvariantCulture);

    /// <summary>Wireshark's expert severity words.</summary>
    public static string SeverityWord(ExpertSeverity s) => s switch { ExpertSeverity.Warning => "warning", ExpertSeverity.Note => "note", _ => "chat" };

    private static FieldNode ConversationNode(in PacketRow r, ConversationTable conversations)
    {
        var c = conversations.Of(r);
        string kind = r.Transport == Transport.Tcp ? "TCP connection" : "UDP conversation";
        var node = new FieldNode($"{kind} {r.Conversation} (conn == {r.Conversation}), {(r.Direction == Direction.Orig ? "originator → responder" : "responder → originator")}");
        if (c is not null)
        {
            node.Add($"Originator: {EndpointText.Of(c.OrigAddress, c.OrigPort)}");
            node.Add($"Responder: {EndpointText.Of(c.RespAddress, c.RespPort)}");
            node.Add($"Frames: {c.FirstFrame} to {c.LastFrame}");
            node.Add($"Originator sent: {c.Orig.Packets} packets, {c.Orig.PayloadBytes} payload bytes");
            node.Add($"Responder sent: {c.Resp.Packets} packets, {c.Resp.PayloadBytes} payload bytes");
        }
        return node;
    }

    private static void AddOptions(FieldNode tcp, in TcpOptions o, int offset, int length)
    {
        var node = tcp.Add($"Options: {length} bytes{(o.Malformed ? " (malformed)" : "")}", offset, length);
        if (o.HasMss) node.Add($"Maximum segment size: {o.Mss}");
        if (o.HasWindowScale) node.Add($"Window scale: {o.WindowScale} (multiply by {1 << Math.Min((int)o.WindowScale, 14)})");
        if (o.SackPermitted) node.Add("SACK permitted");
        for (int i = 0; i < o.SackCount; i++) node.Add($"SACK block: {o.SackAt(i).Left}-{o.SackAt(i).Right} (raw)");
        if (o.HasTimestamps) node.Add($"Timestamps: TSval {o.TsVal}, TSecr {o.TsEcr}");
        if (o.HasFastOpen) node.Add("TCP Fast Open");
    }

    private static int LinkHeaderLength(int linkType) => linkType switch
    {
        LinkType.Ethernet => 14,
        LinkType.LinuxSll => 16,
        LinkType.LinuxSll2 => 20,
        LinkType.Null or LinkType.Loop => 4,
        _ => 0,
    };

    private static string Num(long v) => v.ToString(CultureInfo.InvariantCulture);

    private static string Mac(ReadOnlySpan<byte> b) => string.Join(':', b.ToArray().Select(x => x.ToString("x2", CultureInfo.InvariantCulture)));

    private static int Read16(ReadOnlySpan<byte> data, int offset) => offset + 2 <= data.Length ? BinaryPrimitives.ReadUInt16BigEndian(data[offset..]) : 0;
}
