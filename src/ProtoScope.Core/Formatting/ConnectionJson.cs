using System.Text.Json;
using ProtoScope.Core.Decoding;
using ProtoScope.Core.Session;
using ProtoScope.Core.Tcp;

namespace ProtoScope.Core.Formatting;

/// <summary>
/// The `conns --format jsonl` schema, one object per TCP connection or UDP conversation, with Zeek's conn.log
/// names where Zeek has one. A public interface: names change only with the README.
/// </summary>
public static class ConnectionJson
{
    public static void Write(Utf8JsonWriter w, Conversation c)
    {
        w.WriteStartObject();
        w.WriteNumber("id", c.Id);
        w.WriteString("proto", c.Proto);
        PacketJson.WriteAddress(w, "orig_h", c.OrigAddress);
        w.WriteNumber("orig_p", c.OrigPort);
        PacketJson.WriteAddress(w, "resp_h", c.RespAddress);
        w.WriteNumber("resp_p", c.RespPort);
        long origBytes, respBytes;
        if (c is TcpConnection t)
        {
            w.WriteString("open", t.Open.Name());
            w.WriteString("close", t.Close.Name());
            w.WriteString("conn_state", t.ConnState);
            w.WriteString("history", t.History.ToString());
            w.WriteString("orig_state", t.Originator.State.Name());
            w.WriteString("resp_state", t.Responder.State.Name());
            WriteAnalysis(w, t);
            (origBytes, respBytes) = (t.OrigBytes, t.RespBytes);
        }
        else
        {
            var u = (UdpConversation)c;
            w.WriteString("conn_state", u.ConnState);
            w.WriteString("history", u.History.ToString());
            (origBytes, respBytes) = (u.OrigBytes, u.RespBytes);
        }
        w.WriteNumber("orig_pkts", c.Orig.Packets);
        w.WriteNumber("resp_pkts", c.Resp.Packets);
        w.WriteNumber("orig_bytes", origBytes);
        w.WriteNumber("resp_bytes", respBytes);
        PacketJson.WriteTime(w, "start", c.StartTime);
        w.WriteNumber("duration", (c.EndTime - c.StartTime) / 1_000_000_000m);
        w.WriteNumber("first_frame", c.FirstFrame);
        w.WriteNumber("last_frame", c.LastFrame);
        if (c.Tunnel is { } tunnel) WriteTunnel(w, tunnel);
        w.WriteEndObject();
    }

    /// <summary>The tunnel the conversation is in: its kind, outer endpoints, identifier and carrying UDP stream.</summary>
    private static void WriteTunnel(Utf8JsonWriter w, Tunnel t)
    {
        w.WriteStartObject("tunnel");
        w.WriteString("type", t.Kind.Name());
        PacketJson.WriteAddress(w, "src", t.Src);
        PacketJson.WriteAddress(w, "dst", t.Dst);
        if (t.Carrier is { } carrier)
        {
            w.WriteNumber("sport", t.SrcPort);
            w.WriteNumber("dport", t.DstPort);
            w.WriteNumber("udp_stream", carrier.Id);
        }
        if (t.HasId) w.WriteNumber(TcpdumpFormat.TunnelIdName(t.Kind), t.Id);
        w.WriteEndObject();
    }

    /// <summary>The connection's health, its analysis events by tshark's names (only those it had) and its RTTs in seconds.</summary>
    private static void WriteAnalysis(Utf8JsonWriter w, TcpConnection t)
    {
        ref readonly var e = ref t.Expert;
        w.WriteString("health", e.Health);
        if (e.Seen != TcpAnalysisFlags.None)
        {
            w.WriteStartObject("analysis");
            foreach (ref readonly var info in TcpAnalysisNames.All.AsSpan())
                if ((e.Seen & info.Flag) != 0) w.WriteNumber(info.Name, e.Count(info.Flag));
            w.WriteEndObject();
        }
        if (t.InitialRtt != 0) w.WriteNumber("initial_rtt", t.InitialRtt / 1_000_000_000m);
        if (e.RttSamples > 0)
        {
            w.WriteStartObject("ack_rtt");
            w.WriteNumber("min", e.RttMin / 1_000_000_000m);
            w.WriteNumber("mean", e.RttMean / 1_000_000_000m);
            w.WriteNumber("max", e.RttMax / 1_000_000_000m);
            w.WriteNumber("samples", e.RttSamples);
            w.WriteEndObject();
        }
    }
}
