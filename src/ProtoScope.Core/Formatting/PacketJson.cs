using System.Text.Json;
using ProtoScope.Core.Decoding;
using ProtoScope.Core.Session;
using ProtoScope.Core.Tcp;

namespace ProtoScope.Core.Formatting;

/// <summary>
/// The `read --format jsonl` schema, one object per packet. A public interface (people pipe it to jq):
/// names change only with the README.
/// </summary>
public static class PacketJson
{
    /// <param name="data">The captured bytes <paramref name="p"/> was decoded from: the outer layers of a tunnel are read from them.</param>
    public static void Write(Utf8JsonWriter w, in PacketHeader header, in DecodedPacket p, in PacketAnalysis a, ReadOnlySpan<byte> data)
    {
        w.WriteStartObject();
        w.WriteNumber("frame", a.Frame);
        WriteTime(w, "time", header.Timestamp);
        w.WriteNumber("len", p.CapturedLength);
        w.WriteNumber("wire_len", p.WireLength);
        w.WriteString("link", LinkType.Name(p.LinkType));
        if (p.IsTunnelled) WriteEncap(w, p, data);
        if (!p.Src.IsNone)
        {
            WriteAddress(w, "src", p.Src);
            WriteAddress(w, "dst", p.Dst);
        }
        if (p.IsFragment)
        {
            w.WriteStartObject("frag");
            w.WriteNumber("id", p.FragmentId);
            w.WriteNumber("offset", p.FragmentOffset);
            w.WriteBoolean("mf", p.MoreFragments);
            if (p.ReassembledFragments > 0) w.WriteNumber("reassembled", p.ReassembledFragments);
            w.WriteEndObject();
        }
        w.WriteString("proto", p.ProtoName);
        if (p.HasPortNumbers)
        {
            w.WriteNumber("sport", p.SrcPort);
            w.WriteNumber("dport", p.DstPort);
        }
        if (p.Transport == Transport.Tcp && p.TransportHeaderLength > 0) WriteTcp(w, p, a);
        else if (p.Has(TcpField.Seq)) WriteCutTcp(w, p);
        if (p.Transport == Transport.Udp && p.TransportHeaderLength > 0)
        {
            w.WriteStartObject("udp");
            w.WriteNumber("len", p.UdpLength);
            w.WriteNumber("payload", p.PayloadLength);
            w.WriteNumber("stream", a.Conversation);
            w.WriteEndObject();
        }
        else if (p.Has(UdpField.Length))
        {
            w.WriteStartObject("udp");
            w.WriteNumber("len", p.UdpLength);
            w.WriteEndObject();
        }
        if (p.Transport is Transport.Icmp or Transport.Icmpv6 && p.TransportHeaderLength > 0)
        {
            w.WriteStartObject(p.Transport == Transport.Icmp ? "icmp" : "icmpv6");
            w.WriteNumber("type", p.IcmpType);
            w.WriteNumber("code", p.IcmpCode);
            w.WriteEndObject();
        }
        if (p.HasError) w.WriteString("error", p.Error.ToString());
        w.WriteEndObject();
    }

    /// <summary>The outer layers, outermost first: what each tunnel is, its outer addresses, ports and identifier.</summary>
    private static void WriteEncap(Utf8JsonWriter w, in DecodedPacket p, ReadOnlySpan<byte> data)
    {
        w.WriteStartArray("encap");
        for (int i = 0; i < p.EncapDepth; i++)
        {
            ref readonly var layer = ref p.Encap[i];
            var (src, dst) = layer.OuterAddresses(data);
            w.WriteStartObject();
            w.WriteString("type", layer.Kind.Name());
            WriteAddress(w, "src", src);
            WriteAddress(w, "dst", dst);
            if (layer.OverUdp)
            {
                var (sport, dport) = layer.OuterPorts(data);
                w.WriteNumber("sport", sport);
                w.WriteNumber("dport", dport);
            }
            if (layer.HasId) w.WriteNumber(TcpdumpFormat.TunnelIdName(layer.Kind), layer.Id);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    /// <summary>Epoch seconds with exactly the precision the capture has (6 digits, or 9 for nanoseconds).</summary>
    public static void WriteTime(Utf8JsonWriter w, string name, long timestampNs)
    {
        decimal seconds = timestampNs / 1_000_000_000m;
        w.WriteNumber(name, timestampNs % 1000 == 0 ? decimal.Round(seconds, 6) : seconds);
    }

    private static void WriteTcp(Utf8JsonWriter w, in DecodedPacket p, in PacketAnalysis a)
    {
        w.WriteStartObject("tcp");
        w.WriteStartArray("flags");
        foreach (var name in TcpFlagNotation.JsonNames(p.Flags)) w.WriteStringValue(name);
        w.WriteEndArray();
        // A packet the session did not track (beyond its conversation limit) has no relative numbers: show the raw ones.
        w.WriteNumber("seq", a.Conversation >= 0 ? a.RelativeSeq : p.SequenceNumber);
        if (a.HasRelativeAck) w.WriteNumber("ack", a.RelativeAck);
        else if (a.Conversation < 0 && (p.Flags & TcpFlags.Ack) != 0) w.WriteNumber("ack", p.AcknowledgmentNumber);
        w.WriteNumber("seq_raw", p.SequenceNumber);
        w.WriteNumber("ack_raw", p.AcknowledgmentNumber);
        w.WriteNumber("win", p.Window);
        if (a.Conversation >= 0) w.WriteNumber("window_size", a.WindowSize);
        w.WriteNumber("len", p.PayloadLength);
        w.WriteNumber("stream", a.Conversation);
        if (a.Role != PacketRole.None)
        {
            w.WriteString("role", a.Role.Label());
            w.WriteString("src_state", a.SenderState.Name());
            w.WriteString("dst_state", a.ReceiverState.Name());
        }
        WriteAnalysis(w, in a);
        ref readonly var o = ref p.Options;
        if (o.Any)
        {
            w.WriteStartObject("options");
            if (o.HasMss) w.WriteNumber("mss", o.Mss);
            if (o.HasWindowScale) w.WriteNumber("wscale", o.WindowScale);
            if (o.SackPermitted) w.WriteBoolean("sack_ok", true);
            if (o.SackCount > 0)
            {
                w.WriteStartArray("sack");
                for (int i = 0; i < o.SackCount; i++)
                {
                    var b = o.SackAt(i);
                    w.WriteStartArray();
                    w.WriteNumberValue(b.Left);
                    w.WriteNumberValue(b.Right);
                    w.WriteEndArray();
                }
                w.WriteEndArray();
            }
            if (o.HasTimestamps)
            {
                w.WriteStartObject("ts");
                w.WriteNumber("val", o.TsVal);
                w.WriteNumber("ecr", o.TsEcr);
                w.WriteEndObject();
            }
            if (o.HasFastOpen) w.WriteBoolean("tfo", true);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    /// <summary>
    /// A TCP header the decoder could not take whole (cut short, or with a bad data offset): the raw fields its bytes
    /// hold and nothing else. It is in no conversation, so there are no relative numbers, payload or stream to show.
    /// </summary>
    private static void WriteCutTcp(Utf8JsonWriter w, in DecodedPacket p)
    {
        w.WriteStartObject("tcp");
        if (p.Has(TcpField.Flags))
        {
            w.WriteStartArray("flags");
            foreach (var name in TcpFlagNotation.JsonNames(p.Flags)) w.WriteStringValue(name);
            w.WriteEndArray();
        }
        w.WriteNumber("seq_raw", p.SequenceNumber);
        if (p.Has(TcpField.Ack)) w.WriteNumber("ack_raw", p.AcknowledgmentNumber);
        if (p.Has(TcpField.Window)) w.WriteNumber("win", p.Window);
        w.WriteEndObject();
    }

    /// <summary>Wireshark's SEQ/ACK analysis of the segment: only what tshark would show for it.</summary>
    private static void WriteAnalysis(Utf8JsonWriter w, in PacketAnalysis a)
    {
        WriteAnalysisNames(w, a.AnalysisFlags);
        if (a.AcksFrame != 0) w.WriteNumber("acks_frame", a.AcksFrame);
        if (a.AckRtt != 0) w.WriteNumber("ack_rtt", a.AckRtt / 1_000_000_000m);
        if (a.InitialRtt != 0) w.WriteNumber("initial_rtt", a.InitialRtt / 1_000_000_000m);
        if (a.BytesInFlight != 0) w.WriteNumber("bytes_in_flight", a.BytesInFlight);
        if (a.DupAckNum != 0)
        {
            w.WriteNumber("dup_ack_num", a.DupAckNum);
            w.WriteNumber("dup_ack_frame", a.DupAckFrame);
        }
    }

    /// <summary>The "analysis" array of tshark's tcp.analysis field names, when any flag is set.</summary>
    internal static void WriteAnalysisNames(Utf8JsonWriter w, TcpAnalysisFlags flags)
    {
        if (flags == TcpAnalysisFlags.None) return;
        var fields = TcpAnalysisNames.Fields(flags);
        w.WriteStartArray("analysis");
        foreach (ref readonly var info in TcpAnalysisNames.All.AsSpan())
            if ((fields & info.Flag) != 0) w.WriteStringValue(info.Name);
        w.WriteEndArray();
    }

    /// <summary>An address as a JSON string, formatted on the stack: one per packet would otherwise be two allocations.</summary>
    internal static void WriteAddress(Utf8JsonWriter w, string name, NetAddress address)
    {
        Span<char> text = stackalloc char[48];
        address.TryFormat(text, out int length);
        w.WriteString(name, text[..length]);
    }
}
