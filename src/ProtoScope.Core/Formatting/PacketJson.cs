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
    /// <summary>The property names, encoded once: this schema is written for every packet.</summary>
    private static class Field
    {
        public static readonly JsonEncodedText Ack = JsonEncodedText.Encode("ack");
        public static readonly JsonEncodedText AckRaw = JsonEncodedText.Encode("ack_raw");
        public static readonly JsonEncodedText AckRtt = JsonEncodedText.Encode("ack_rtt");
        public static readonly JsonEncodedText AcksFrame = JsonEncodedText.Encode("acks_frame");
        public static readonly JsonEncodedText Analysis = JsonEncodedText.Encode("analysis");
        public static readonly JsonEncodedText BytesInFlight = JsonEncodedText.Encode("bytes_in_flight");
        public static readonly JsonEncodedText Code = JsonEncodedText.Encode("code");
        public static readonly JsonEncodedText Dport = JsonEncodedText.Encode("dport");
        public static readonly JsonEncodedText Dst = JsonEncodedText.Encode("dst");
        public static readonly JsonEncodedText DstState = JsonEncodedText.Encode("dst_state");
        public static readonly JsonEncodedText DupAckFrame = JsonEncodedText.Encode("dup_ack_frame");
        public static readonly JsonEncodedText DupAckNum = JsonEncodedText.Encode("dup_ack_num");
        public static readonly JsonEncodedText Ecr = JsonEncodedText.Encode("ecr");
        public static readonly JsonEncodedText Encap = JsonEncodedText.Encode("encap");
        public static readonly JsonEncodedText Error = JsonEncodedText.Encode("error");
        public static readonly JsonEncodedText Flags = JsonEncodedText.Encode("flags");
        public static readonly JsonEncodedText Frag = JsonEncodedText.Encode("frag");
        public static readonly JsonEncodedText Frame = JsonEncodedText.Encode("frame");
        public static readonly JsonEncodedText Id = JsonEncodedText.Encode("id");
        public static readonly JsonEncodedText InitialRtt = JsonEncodedText.Encode("initial_rtt");
        public static readonly JsonEncodedText Len = JsonEncodedText.Encode("len");
        public static readonly JsonEncodedText Link = JsonEncodedText.Encode("link");
        public static readonly JsonEncodedText Mf = JsonEncodedText.Encode("mf");
        public static readonly JsonEncodedText Mss = JsonEncodedText.Encode("mss");
        public static readonly JsonEncodedText Offset = JsonEncodedText.Encode("offset");
        public static readonly JsonEncodedText Options = JsonEncodedText.Encode("options");
        public static readonly JsonEncodedText Payload = JsonEncodedText.Encode("payload");
        public static readonly JsonEncodedText Proto = JsonEncodedText.Encode("proto");
        public static readonly JsonEncodedText Reassembled = JsonEncodedText.Encode("reassembled");
        public static readonly JsonEncodedText Role = JsonEncodedText.Encode("role");
        public static readonly JsonEncodedText Sack = JsonEncodedText.Encode("sack");
        public static readonly JsonEncodedText SackOk = JsonEncodedText.Encode("sack_ok");
        public static readonly JsonEncodedText Seq = JsonEncodedText.Encode("seq");
        public static readonly JsonEncodedText SeqRaw = JsonEncodedText.Encode("seq_raw");
        public static readonly JsonEncodedText Sport = JsonEncodedText.Encode("sport");
        public static readonly JsonEncodedText Src = JsonEncodedText.Encode("src");
        public static readonly JsonEncodedText SrcState = JsonEncodedText.Encode("src_state");
        public static readonly JsonEncodedText Stream = JsonEncodedText.Encode("stream");
        public static readonly JsonEncodedText Tcp = JsonEncodedText.Encode("tcp");
        public static readonly JsonEncodedText Tfo = JsonEncodedText.Encode("tfo");
        public static readonly JsonEncodedText Time = JsonEncodedText.Encode("time");
        public static readonly JsonEncodedText Ts = JsonEncodedText.Encode("ts");
        public static readonly JsonEncodedText Type = JsonEncodedText.Encode("type");
        public static readonly JsonEncodedText Udp = JsonEncodedText.Encode("udp");
        public static readonly JsonEncodedText Val = JsonEncodedText.Encode("val");
        public static readonly JsonEncodedText Win = JsonEncodedText.Encode("win");
        public static readonly JsonEncodedText WindowSize = JsonEncodedText.Encode("window_size");
        public static readonly JsonEncodedText WireLen = JsonEncodedText.Encode("wire_len");
        public static readonly JsonEncodedText Wscale = JsonEncodedText.Encode("wscale");
    }

    /// <param name="data">The captured bytes <paramref name="p"/> was decoded from: the outer layers of a tunnel are read from them.</param>
    public static void Write(Utf8JsonWriter w, in PacketHeader header, in DecodedPacket p, in PacketAnalysis a, ReadOnlySpan<byte> data)
    {
        w.WriteStartObject();
        w.WriteNumber(Field.Frame, a.Frame);
        JsonSeconds.Write(w, Field.Time, header.Timestamp);
        w.WriteNumber(Field.Len, p.CapturedLength);
        w.WriteNumber(Field.WireLen, p.WireLength);
        w.WriteString(Field.Link, LinkType.Name(p.LinkType));
        if (p.IsTunnelled) WriteEncap(w, p, data);
        if (!p.Src.IsNone)
        {
            WriteAddress(w, Field.Src, p.Src);
            WriteAddress(w, Field.Dst, p.Dst);
        }
        if (p.IsFragment)
        {
            w.WriteStartObject(Field.Frag);
            w.WriteNumber(Field.Id, p.FragmentId);
            w.WriteNumber(Field.Offset, p.FragmentOffset);
            w.WriteBoolean(Field.Mf, p.MoreFragments);
            if (p.ReassembledFragments > 0) w.WriteNumber(Field.Reassembled, p.ReassembledFragments);
            w.WriteEndObject();
        }
        w.WriteString(Field.Proto, p.ProtoName);
        if (p.HasPortNumbers)
        {
            w.WriteNumber(Field.Sport, p.SrcPort);
            w.WriteNumber(Field.Dport, p.DstPort);
        }
        if (p.Transport == Transport.Tcp && p.TransportHeaderLength > 0) WriteTcp(w, p, a);
        else if (p.Has(TcpField.Seq)) WriteCutTcp(w, p);
        if (p.Transport == Transport.Udp && p.TransportHeaderLength > 0)
        {
            w.WriteStartObject(Field.Udp);
            w.WriteNumber(Field.Len, p.UdpLength);
            w.WriteNumber(Field.Payload, p.PayloadLength);
            w.WriteNumber(Field.Stream, a.Conversation);
            w.WriteEndObject();
        }
        else if (p.Has(UdpField.Length))
        {
            w.WriteStartObject(Field.Udp);
            w.WriteNumber(Field.Len, p.UdpLength);
            w.WriteEndObject();
        }
        if (p.Transport is Transport.Icmp or Transport.Icmpv6 && p.TransportHeaderLength > 0)
        {
            w.WriteStartObject(p.Transport == Transport.Icmp ? "icmp" : "icmpv6");
            w.WriteNumber(Field.Type, p.IcmpType);
            w.WriteNumber(Field.Code, p.IcmpCode);
            w.WriteEndObject();
        }
        if (p.HasError) w.WriteString(Field.Error, p.Error.ToString());
        w.WriteEndObject();
    }

    /// <summary>The outer layers, outermost first: what each tunnel is, its outer addresses, ports and identifier.</summary>
    private static void WriteEncap(Utf8JsonWriter w, in DecodedPacket p, ReadOnlySpan<byte> data)
    {
        w.WriteStartArray(Field.Encap);
        for (int i = 0; i < p.EncapDepth; i++)
        {
            ref readonly var layer = ref p.Encap[i];
            var (src, dst) = layer.OuterAddresses(data);
            w.WriteStartObject();
            w.WriteString(Field.Type, layer.Kind.Name());
            WriteAddress(w, Field.Src, src);
            WriteAddress(w, Field.Dst, dst);
            if (layer.OverUdp)
            {
                var (sport, dport) = layer.OuterPorts(data);
                w.WriteNumber(Field.Sport, sport);
                w.WriteNumber(Field.Dport, dport);
            }
            if (layer.HasId) w.WriteNumber(TcpdumpFormat.TunnelIdName(layer.Kind), layer.Id);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void WriteTcp(Utf8JsonWriter w, in DecodedPacket p, in PacketAnalysis a)
    {
        w.WriteStartObject(Field.Tcp);
        w.WriteStartArray(Field.Flags);
        foreach (var name in TcpFlagNotation.JsonNames(p.Flags)) w.WriteStringValue(name);
        w.WriteEndArray();
        // A packet the session did not track (beyond its conversation limit) has no relative numbers: show the raw ones.
        w.WriteNumber(Field.Seq, a.Conversation >= 0 ? a.RelativeSeq : p.SequenceNumber);
        if (a.HasRelativeAck) w.WriteNumber(Field.Ack, a.RelativeAck);
        else if (a.Conversation < 0 && (p.Flags & TcpFlags.Ack) != 0) w.WriteNumber(Field.Ack, p.AcknowledgmentNumber);
        w.WriteNumber(Field.SeqRaw, p.SequenceNumber);
        w.WriteNumber(Field.AckRaw, p.AcknowledgmentNumber);
        w.WriteNumber(Field.Win, p.Window);
        if (a.Conversation >= 0) w.WriteNumber(Field.WindowSize, a.WindowSize);
        w.WriteNumber(Field.Len, p.PayloadLength);
        w.WriteNumber(Field.Stream, a.Conversation);
        if (a.Role != PacketRole.None)
        {
            w.WriteString(Field.Role, a.Role.Label());
            w.WriteString(Field.SrcState, a.SenderState.Name());
            w.WriteString(Field.DstState, a.ReceiverState.Name());
        }
        WriteAnalysis(w, in a);
        ref readonly var o = ref p.Options;
        if (o.Any)
        {
            w.WriteStartObject(Field.Options);
            if (o.HasMss) w.WriteNumber(Field.Mss, o.Mss);
            if (o.HasWindowScale) w.WriteNumber(Field.Wscale, o.WindowScale);
            if (o.SackPermitted) w.WriteBoolean(Field.SackOk, true);
            if (o.SackCount > 0)
            {
                w.WriteStartArray(Field.Sack);
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
                w.WriteStartObject(Field.Ts);
                w.WriteNumber(Field.Val, o.TsVal);
                w.WriteNumber(Field.Ecr, o.TsEcr);
                w.WriteEndObject();
            }
            if (o.HasFastOpen) w.WriteBoolean(Field.Tfo, true);
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
        w.WriteStartObject(Field.Tcp);
        if (p.Has(TcpField.Flags))
        {
            w.WriteStartArray(Field.Flags);
            foreach (var name in TcpFlagNotation.JsonNames(p.Flags)) w.WriteStringValue(name);
            w.WriteEndArray();
        }
        w.WriteNumber(Field.SeqRaw, p.SequenceNumber);
        if (p.Has(TcpField.Ack)) w.WriteNumber(Field.AckRaw, p.AcknowledgmentNumber);
        if (p.Has(TcpField.Window)) w.WriteNumber(Field.Win, p.Window);
        w.WriteEndObject();
    }

    /// <summary>Wireshark's SEQ/ACK analysis of the segment: only what tshark would show for it.</summary>
    private static void WriteAnalysis(Utf8JsonWriter w, in PacketAnalysis a)
    {
        WriteAnalysisNames(w, a.AnalysisFlags);
        if (a.AcksFrame != 0) w.WriteNumber(Field.AcksFrame, a.AcksFrame);
        if (a.AckRtt != 0) JsonSeconds.Write(w, Field.AckRtt, a.AckRtt);
        if (a.InitialRtt != 0) JsonSeconds.Write(w, Field.InitialRtt, a.InitialRtt);
        if (a.BytesInFlight != 0) w.WriteNumber(Field.BytesInFlight, a.BytesInFlight);
        if (a.DupAckNum != 0)
        {
            w.WriteNumber(Field.DupAckNum, a.DupAckNum);
            w.WriteNumber(Field.DupAckFrame, a.DupAckFrame);
        }
    }

    /// <summary>The "analysis" array of tshark's tcp.analysis field names, when any flag is set.</summary>
    internal static void WriteAnalysisNames(Utf8JsonWriter w, TcpAnalysisFlags flags)
    {
        if (flags == TcpAnalysisFlags.None) return;
        var fields = TcpAnalysisNames.Fields(flags);
        w.WriteStartArray(Field.Analysis);
        foreach (ref readonly var info in TcpAnalysisNames.All.AsSpan())
            if ((fields & info.Flag) != 0) w.WriteStringValue(info.Name);
        w.WriteEndArray();
    }

    /// <summary>An address as a JSON string, formatted on the stack: one per packet would otherwise be two allocations.</summary>
    internal static void WriteAddress(Utf8JsonWriter w, string name, NetAddress address) =>
        w.WriteString(name, Text(address, stackalloc char[48]));

    internal static void WriteAddress(Utf8JsonWriter w, JsonEncodedText name, NetAddress address) =>
        w.WriteString(name, Text(address, stackalloc char[48]));

    private static ReadOnlySpan<char> Text(NetAddress address, Span<char> buffer)
    {
        address.TryFormat(buffer, out int length);
        return buffer[..length];
    }
}
