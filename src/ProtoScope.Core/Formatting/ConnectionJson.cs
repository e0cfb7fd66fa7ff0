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
    private static readonly JsonEncodedText[] OpenNames = Encoded<OpenKind>(k => k.Name());
    private static readonly JsonEncodedText[] CloseNames = Encoded<CloseKind>(k => k.Name());
    private static readonly JsonEncodedText[] StateNames = Encoded<TcpState>(s => s.Name());

    /// <summary>An enum's names, encoded once, by value (its values run from 0).</summary>
    private static JsonEncodedText[] Encoded<T>(Func<T, string> name) where T : struct, Enum =>
        [.. Enum.GetValues<T>().Select(v => JsonEncodedText.Encode(name(v)))];

    public static void Write(Utf8JsonWriter w, Conversation c)
    {
        w.WriteStartObject();
        w.WriteNumber(JsonField.Id, c.Id);
        w.WriteString(JsonField.Proto, c.Proto);
        PacketJson.WriteAddress(w, JsonField.OrigH, c.OrigAddress);
        w.WriteNumber(JsonField.OrigP, c.OrigPort);
        PacketJson.WriteAddress(w, JsonField.RespH, c.RespAddress);
        w.WriteNumber(JsonField.RespP, c.RespPort);
        long origBytes, respBytes;
        if (c is TcpConnection t)
        {
            w.WriteString(JsonField.Open, OpenNames[(int)t.Open]);
            w.WriteString(JsonField.Close, CloseNames[(int)t.Close]);
            w.WriteString(JsonField.ConnState, t.ConnState);
            w.WriteString(JsonField.History, t.History.ToString());
            w.WriteString(JsonField.OrigState, StateNames[(int)t.Originator.State]);
            w.WriteString(JsonField.RespState, StateNames[(int)t.Responder.State]);
            WriteAnalysis(w, t);
            (origBytes, respBytes) = (t.OrigBytes, t.RespBytes);
        }
        else
        {
            var u = (UdpConversation)c;
            w.WriteString(JsonField.ConnState, u.ConnState);
            w.WriteString(JsonField.History, u.History.ToString());
            (origBytes, respBytes) = (u.OrigBytes, u.RespBytes);
        }
        w.WriteNumber(JsonField.OrigPkts, c.Orig.Packets);
        w.WriteNumber(JsonField.RespPkts, c.Resp.Packets);
        w.WriteNumber(JsonField.OrigBytes, origBytes);
        w.WriteNumber(JsonField.RespBytes, respBytes);
        JsonSeconds.Write(w, JsonField.Start, c.StartTime);
        JsonSeconds.Write(w, JsonField.Duration, c.EndTime - c.StartTime);
        w.WriteNumber(JsonField.FirstFrame, c.FirstFrame);
        w.WriteNumber(JsonField.LastFrame, c.LastFrame);
        if (c.Tunnel is { } tunnel) WriteTunnel(w, tunnel);
        w.WriteEndObject();
    }

    /// <summary>The tunnel the conversation is in: its kind, outer endpoints, identifier and carrying UDP stream.</summary>
    private static void WriteTunnel(Utf8JsonWriter w, Tunnel t)
    {
        w.WriteStartObject(JsonField.Tunnel);
        w.WriteString(JsonField.Type, t.Kind.Name());
        PacketJson.WriteAddress(w, JsonField.Src, t.Src);
        PacketJson.WriteAddress(w, JsonField.Dst, t.Dst);
        if (t.Carrier is { } carrier)
        {
            w.WriteNumber(JsonField.Sport, t.SrcPort);
            w.WriteNumber(JsonField.Dport, t.DstPort);
            w.WriteNumber(JsonField.UdpStream, carrier.Id);
        }
        if (t.HasId) w.WriteNumber(TcpdumpFormat.TunnelIdName(t.Kind), t.Id);
        w.WriteEndObject();
    }

    /// <summary>The connection's health, its analysis events by tshark's names (only those it had) and its RTTs in seconds.</summary>
    private static void WriteAnalysis(Utf8JsonWriter w, TcpConnection t)
    {
        ref readonly var e = ref t.Expert;
        w.WriteString(JsonField.Health, e.Health);
        if (e.Seen != TcpAnalysisFlags.None)
        {
            w.WriteStartObject(JsonField.Analysis);
            foreach (ref readonly var info in TcpAnalysisNames.All.AsSpan())
                if ((e.Seen & info.Flag) != 0) w.WriteNumber(info.Name, e.Count(info.Flag));
            w.WriteEndObject();
        }
        if (t.InitialRtt != 0) JsonSeconds.Write(w, JsonField.InitialRtt, t.InitialRtt);
        if (e.RttSamples > 0)
        {
            w.WriteStartObject(JsonField.AckRtt);
            JsonSeconds.Write(w, JsonField.Min, e.RttMin);
            JsonSeconds.Write(w, JsonField.Mean, e.RttMean);
            JsonSeconds.Write(w, JsonField.Max, e.RttMax);
            w.WriteNumber(JsonField.Samples, e.RttSamples);
            w.WriteEndObject();
        }
    }
}
