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
    /// <summary>
    /// The property names, encoded once: escaping and transcoding each name on every row took a quarter of the verb's
    /// time over a capture of many short connections.
    /// </summary>
    private static class Field
    {
        public static readonly JsonEncodedText AckRtt = JsonEncodedText.Encode("ack_rtt");
        public static readonly JsonEncodedText Analysis = JsonEncodedText.Encode("analysis");
        public static readonly JsonEncodedText Close = JsonEncodedText.Encode("close");
        public static readonly JsonEncodedText ConnState = JsonEncodedText.Encode("conn_state");
        public static readonly JsonEncodedText Dport = JsonEncodedText.Encode("dport");
        public static readonly JsonEncodedText Dst = JsonEncodedText.Encode("dst");
        public static readonly JsonEncodedText Duration = JsonEncodedText.Encode("duration");
        public static readonly JsonEncodedText FirstFrame = JsonEncodedText.Encode("first_frame");
        public static readonly JsonEncodedText Health = JsonEncodedText.Encode("health");
        public static readonly JsonEncodedText History = JsonEncodedText.Encode("history");
        public static readonly JsonEncodedText Id = JsonEncodedText.Encode("id");
        public static readonly JsonEncodedText InitialRtt = JsonEncodedText.Encode("initial_rtt");
        public static readonly JsonEncodedText LastFrame = JsonEncodedText.Encode("last_frame");
        public static readonly JsonEncodedText Max = JsonEncodedText.Encode("max");
        public static readonly JsonEncodedText Mean = JsonEncodedText.Encode("mean");
        public static readonly JsonEncodedText Min = JsonEncodedText.Encode("min");
        public static readonly JsonEncodedText Open = JsonEncodedText.Encode("open");
        public static readonly JsonEncodedText OrigBytes = JsonEncodedText.Encode("orig_bytes");
        public static readonly JsonEncodedText OrigH = JsonEncodedText.Encode("orig_h");
        public static readonly JsonEncodedText OrigP = JsonEncodedText.Encode("orig_p");
        public static readonly JsonEncodedText OrigPkts = JsonEncodedText.Encode("orig_pkts");
        public static readonly JsonEncodedText OrigState = JsonEncodedText.Encode("orig_state");
        public static readonly JsonEncodedText Proto = JsonEncodedText.Encode("proto");
        public static readonly JsonEncodedText RespBytes = JsonEncodedText.Encode("resp_bytes");
        public static readonly JsonEncodedText RespH = JsonEncodedText.Encode("resp_h");
        public static readonly JsonEncodedText RespP = JsonEncodedText.Encode("resp_p");
        public static readonly JsonEncodedText RespPkts = JsonEncodedText.Encode("resp_pkts");
        public static readonly JsonEncodedText RespState = JsonEncodedText.Encode("resp_state");
        public static readonly JsonEncodedText Samples = JsonEncodedText.Encode("samples");
        public static readonly JsonEncodedText Sport = JsonEncodedText.Encode("sport");
        public static readonly JsonEncodedText Src = JsonEncodedText.Encode("src");
        public static readonly JsonEncodedText Start = JsonEncodedText.Encode("start");
        public static readonly JsonEncodedText Tunnel = JsonEncodedText.Encode("tunnel");
        public static readonly JsonEncodedText Type = JsonEncodedText.Encode("type");
        public static readonly JsonEncodedText UdpStream = JsonEncodedText.Encode("udp_stream");
    }

    private static readonly JsonEncodedText[] OpenNames = Encoded<OpenKind>(k => k.Name());
    private static readonly JsonEncodedText[] CloseNames = Encoded<CloseKind>(k => k.Name());
    private static readonly JsonEncodedText[] StateNames = Encoded<TcpState>(s => s.Name());

    /// <summary>An enum's names, encoded once, by value (its values run from 0).</summary>
    private static JsonEncodedText[] Encoded<T>(Func<T, string> name) where T : struct, Enum =>
        [.. Enum.GetValues<T>().Select(v => JsonEncodedText.Encode(name(v)))];

    public static void Write(Utf8JsonWriter w, Conversation c)
    {
        w.WriteStartObject();
        w.WriteNumber(Field.Id, c.Id);
        w.WriteString(Field.Proto, c.Proto);
        PacketJson.WriteAddress(w, Field.OrigH, c.OrigAddress);
        w.WriteNumber(Field.OrigP, c.OrigPort);
        PacketJson.WriteAddress(w, Field.RespH, c.RespAddress);
        w.WriteNumber(Field.RespP, c.RespPort);
        long origBytes, respBytes;
        if (c is TcpConnection t)
        {
            w.WriteString(Field.Open, OpenNames[(int)t.Open]);
            w.WriteString(Field.Close, CloseNames[(int)t.Close]);
            w.WriteString(Field.ConnState, t.ConnState);
            w.WriteString(Field.History, t.History.ToString());
            w.WriteString(Field.OrigState, StateNames[(int)t.Originator.State]);
            w.WriteString(Field.RespState, StateNames[(int)t.Responder.State]);
            WriteAnalysis(w, t);
            (origBytes, respBytes) = (t.OrigBytes, t.RespBytes);
        }
        else
        {
            var u = (UdpConversation)c;
            w.WriteString(Field.ConnState, u.ConnState);
            w.WriteString(Field.History, u.History.ToString());
            (origBytes, respBytes) = (u.OrigBytes, u.RespBytes);
        }
        w.WriteNumber(Field.OrigPkts, c.Orig.Packets);
        w.WriteNumber(Field.RespPkts, c.Resp.Packets);
        w.WriteNumber(Field.OrigBytes, origBytes);
        w.WriteNumber(Field.RespBytes, respBytes);
        JsonSeconds.Write(w, Field.Start, c.StartTime);
        JsonSeconds.Write(w, Field.Duration, c.EndTime - c.StartTime);
        w.WriteNumber(Field.FirstFrame, c.FirstFrame);
        w.WriteNumber(Field.LastFrame, c.LastFrame);
        if (c.Tunnel is { } tunnel) WriteTunnel(w, tunnel);
        w.WriteEndObject();
    }

    /// <summary>The tunnel the conversation is in: its kind, outer endpoints, identifier and carrying UDP stream.</summary>
    private static void WriteTunnel(Utf8JsonWriter w, Tunnel t)
    {
        w.WriteStartObject(Field.Tunnel);
        w.WriteString(Field.Type, t.Kind.Name());
        PacketJson.WriteAddress(w, Field.Src, t.Src);
        PacketJson.WriteAddress(w, Field.Dst, t.Dst);
        if (t.Carrier is { } carrier)
        {
            w.WriteNumber(Field.Sport, t.SrcPort);
            w.WriteNumber(Field.Dport, t.DstPort);
            w.WriteNumber(Field.UdpStream, carrier.Id);
        }
        if (t.HasId) w.WriteNumber(TcpdumpFormat.TunnelIdName(t.Kind), t.Id);
        w.WriteEndObject();
    }

    /// <summary>The connection's health, its analysis events by tshark's names (only those it had) and its RTTs in seconds.</summary>
    private static void WriteAnalysis(Utf8JsonWriter w, TcpConnection t)
    {
        ref readonly var e = ref t.Expert;
        w.WriteString(Field.Health, e.Health);
        if (e.Seen != TcpAnalysisFlags.None)
        {
            w.WriteStartObject(Field.Analysis);
            foreach (ref readonly var info in TcpAnalysisNames.All.AsSpan())
                if ((e.Seen & info.Flag) != 0) w.WriteNumber(info.Name, e.Count(info.Flag));
            w.WriteEndObject();
        }
        if (t.InitialRtt != 0) JsonSeconds.Write(w, Field.InitialRtt, t.InitialRtt);
        if (e.RttSamples > 0)
        {
            w.WriteStartObject(Field.AckRtt);
            JsonSeconds.Write(w, Field.Min, e.RttMin);
            JsonSeconds.Write(w, Field.Mean, e.RttMean);
            JsonSeconds.Write(w, Field.Max, e.RttMax);
            w.WriteNumber(Field.Samples, e.RttSamples);
            w.WriteEndObject();
        }
    }
}
