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
        w.WriteNumber(JsonField.Frame, a.Frame);
        JsonSeconds.Write(w, JsonField.Time, header.Timestamp);
        w.WriteNumber(JsonField.Len, p.CapturedLength);
        w.WriteNumber(JsonField.WireLen, p.WireLength);
        w.WriteString(JsonField.Link, LinkType.Name(p.LinkType));
        if (p.IsTunnelled) WriteEncap(w, p, data);
        if (!p.Src.IsNone)
        {
            WriteAddress(w, JsonField.Src, p.Src);
            WriteAddress(w, JsonField.Dst, p.Dst);
        }
        if (p.IsFragment)
        {
            w.WriteStartObject(JsonField.Frag);
            w.WriteNumber(JsonField.Id, p.FragmentId);
            w.WriteNumber(JsonField.Offset, p.FragmentOffset);
            w.WriteBoolean(JsonField.Mf, p.MoreFragments);
            if (p.ReassembledFragments > 0) w.WriteNumber(JsonField.Reassembled, p.ReassembledFragments);
            w.WriteEndObject();
        }
        w.WriteString(JsonField.Proto, p.ProtoName);
        if (p.HasPortNumbers)
        {
            w.WriteNumber(JsonField.Sport, p.SrcPort);
            w.WriteNumber(JsonField.Dport, p.DstPort);
        }
        if (p.Transport == Transport.Tcp && p.TransportHeaderLength > 0) WriteTcp(w, p, a);
        else if (p.Has(TcpField.Seq)) WriteCutTcp(w, p);
        if (p.Transport == Transport.Udp && p.TransportHeaderLength > 0)
        {
            w.WriteStartObject(JsonField.Udp);
            w.WriteNumber(JsonField.Len, p.UdpLength);
            w.WriteNumber(JsonField.Payload, p.PayloadLength);
            w.WriteNumber(JsonField.Stream, a.Conversation);
            w.WriteEndObject();
        }
        else if (p.Has(UdpField.Length))
        {
            w.WriteStartObject(JsonField.Udp);
            w.WriteNumber(JsonField.Len, p.UdpLength);
            w.WriteEndObject();
        }
        if (p.Transport is Transport.Icmp or Transport.Icmpv6 && p.TransportHeaderLength > 0)
        {
            w.WriteStartObject(p.Transport == Transport.Icmp ? "icmp" : "icmpv6");
            w.WriteNumber(JsonField.Type, p.IcmpType);
            w.WriteNumber(JsonField.Code, p.IcmpCode);
            w.WriteEndObject();
        }
        if (p.HasError) w.WriteString(JsonField.Error, p.Error.ToString());
        w.WriteEndObject();
    }

    /// <summary>The outer layers, outermost first: what each tunnel is, its outer addresses, ports and identifier.</summary>
    private static void WriteEncap(Utf8JsonWriter w, in DecodedPacket p, ReadOnlySpan<byte> data)
    {
        w.WriteStartArray(JsonField.Encap);
        for (int i = 0; i < p.EncapDepth; i++)
        {
            ref readonly var layer = ref p.Encap[i];
            var (src, dst) = layer.OuterAddresses(data);
            w.WriteStartObject();
            w.WriteString(JsonField.Type, layer.Kind.Name());
            WriteAddress(w, JsonField.Src, src);
            WriteAddress(w, JsonField.Dst, dst);
            if (layer.OverUdp)
            {
                var (sport, dport) = layer.OuterPorts(data);
                w.WriteNumber(JsonField.Sport, sport);
                w.WriteNumber(JsonField.Dport, dport);
            }
            if (layer.HasId) w.WriteNumber(TcpdumpFormat.TunnelIdName(layer.Kind), layer.Id);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void WriteTcp(Utf8JsonWriter w, in DecodedPacket p, in PacketAnalysis a)
    {
        w.WriteStartObject(JsonField.Tcp);
        w.WriteStartArray(JsonField.Flags);
        foreach (var name in TcpFlagNotation.JsonNames(p.Flags)) w.WriteStringValue(name);
        w.WriteEndArray();
        // A packet the session did not track (beyond its conversation limit) has no relative numbers: show the raw ones.
        w.WriteNumber(JsonField.Seq, a.Conversation >= 0 ? a.RelativeSeq : p.SequenceNumber);
        if (a.HasRelativeAck) w.WriteNumber(JsonField.Ack, a.RelativeAck);
        else if (a.Conversation < 0 && (p.Flags & TcpFlags.Ack) != 0) w.WriteNumber(JsonField.Ack, p.AcknowledgmentNumber);
        w.WriteNumber(JsonField.SeqRaw, p.SequenceNumber);
        w.WriteNumber(JsonField.AckRaw, p.AcknowledgmentNumber);
        w.WriteNumber(JsonField.Win, p.Window);
        if (a.Conversation >= 0) w.WriteNumber(JsonField.WindowSize, a.WindowSize);
        w.WriteNumber(JsonField.Len, p.PayloadLength);
        w.WriteNumber(JsonField.Stream, a.Conversation);
        if (a.Role != PacketRole.None)
        {
            w.WriteString(JsonField.Role, a.Role.Label());
            w.WriteString(JsonField.SrcState, a.SenderState.Name());
            w.WriteString(JsonField.DstState, a.ReceiverState.Name());
        }
        WriteAnalysis(w, in a);
        ref readonly var o = ref p.Options;
        if (o.Any)
        {
            w.WriteStartObject(JsonField.Options);
            if (o.HasMss) w.WriteNumber(JsonField.Mss, o.Mss);
            if (o.HasWindowScale) w.WriteNumber(JsonField.Wscale, o.WindowScale);
            if (o.SackPermitted) w.WriteBoolean(JsonField.SackOk, true);
            if (o.SackCount > 0)
            {
                w.WriteStartArray(JsonField.Sack);
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
                w.WriteStartObject(JsonField.Ts);
                w.WriteNumber(JsonField.Val, o.TsVal);
                w.WriteNumber(JsonField.Ecr, o.TsEcr);
                w.WriteEndObject();
            }
            if (o.HasFastOpen) w.WriteBoolean(JsonField.Tfo, true);
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
        w.WriteStartObject(JsonField.Tcp);
        if (p.Has(TcpField.Flags))
        {
            w.WriteStartArray(JsonField.Flags);
            foreach (var name in TcpFlagNotation.JsonNames(p.Flags)) w.WriteStringValue(name);
            w.WriteEndArray();
        }
        w.WriteNumber(JsonField.SeqRaw, p.SequenceNumber);
        if (p.Has(TcpField.Ack)) w.WriteNumber(JsonField.AckRaw, p.AcknowledgmentNumber);
        if (p.Has(TcpField.Window)) w.WriteNumber(JsonField.Win, p.Window);
        w.WriteEndObject();
    }

    /// <summary>Wireshark's SEQ/ACK analysis of the segment: only what tshark would show for it.</summary>
    private static void WriteAnalysis(Utf8JsonWriter w, in PacketAnalysis a)
    {
        WriteAnalysisNames(w, a.AnalysisFlags);
        if (a.AcksFrame != 0) w.WriteNumber(JsonField.AcksFrame, a.AcksFrame);
        if (a.AckRtt != 0) JsonSeconds.Write(w, JsonField.AckRtt, a.AckRtt);
        if (a.InitialRtt != 0) JsonSeconds.Write(w, JsonField.InitialRtt, a.InitialRtt);
        if (a.BytesInFlight != 0) w.WriteNumber(JsonField.BytesInFlight, a.BytesInFlight);
        if (a.DupAckNum != 0)
        {
            w.WriteNumber(JsonField.DupAckNum, a.DupAckNum);
            w.WriteNumber(JsonField.DupAckFrame, a.DupAckFrame);
        }
    }

    /// <summary>The "analysis" array of tshark's tcp.analysis field names, when any flag is set.</summary>
    internal static void WriteAnalysisNames(Utf8JsonWriter w, TcpAnalysisFlags flags)
    {
        if (flags == TcpAnalysisFlags.None) return;
        var fields = TcpAnalysisNames.Fields(flags);
        w.WriteStartArray(JsonField.Analysis);
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
