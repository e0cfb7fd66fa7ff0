using System.Globalization;
using System.Text;
using System.Text.Json;
using ProtoScope.Core.Decoding;
using ProtoScope.Core.Session;
using ProtoScope.Core.Tcp;

namespace ProtoScope.Core.Formatting;

/// <summary>
/// `conns --format zeek` and `--format zeek-json`: Zeek's conn.log (Conn::Info of base/protocols/conn/main.zeek),
/// so that captures feed what already reads Zeek logs (zeek-cut, Elastic, Splunk, Arkime, RITA).
/// </summary>
/// <remarks>
/// The TSV is Zeek's ASCII writer: the #separator, #set_separator, #empty_field, #unset_field, #path, #open, #fields and
/// #types header, one tab-separated row a connection, "-" for an unset field and "(empty)" for an empty one, and
/// #close. The JSON is Zeek's JSON writer (LogAscii::use_json): one object a line, unset fields left out, times as
/// epoch seconds. Values follow Zeek's rules in conn/main.zeek's set_conn: duration, orig_bytes and resp_bytes are
/// set only when the duration is above zero; sizes are Zeek's (TCP: sequence space, UDP: the UDP length fields).
/// Where ProtoScope does not know what Zeek would log, the field is unset rather than guessed:
/// <list type="bullet">
/// <item>service: Zeek's application analyzers name it; ProtoScope has none.</item>
/// <item>local_orig, local_resp: Zeek sets them from Site::local_nets, which a capture does not carry.</item>
/// <item>missed_bytes of a TCP connection: Zeek counts the content gaps its reassembler finds; the tracker that
/// feeds `conns` does not reassemble. A UDP conversation has no gaps: 0, as Zeek writes.</item>
/// <item>tunnel_parents of a connection in a tunnel holds one uid: the outer UDP conversation's for a tunnel over UDP (a
/// row of the same log, as in Zeek), or, for one straight over IP (GRE, IP in IP), a uid made from the tunnel's endpoints
/// and start, which Zeek would write in tunnel.log.</item>
/// </list>
/// uid is not Zeek's (Zeek draws it at random each run): it is a hash of the protocol, the endpoints and the start
/// time, so the same capture gives the same uids every time and connections from many files stay apart. #open and
/// #close hold the first and last packet times of the connections, not the wall clock, so the output depends on the
/// capture alone.
/// </remarks>
public static class ZeekConnLog
{
    /// <summary>The logged fields with their Zeek types, in Zeek's order.</summary>
    public static IReadOnlyList<(string Name, string Type)> Fields { get; } =
    [
        ("ts", "time"), ("uid", "string"), ("id.orig_h", "addr"), ("id.orig_p", "port"), ("id.resp_h", "addr"),
        ("id.resp_p", "port"), ("proto", "enum"), ("service", "string"), ("duration", "interval"), ("orig_bytes", "count"),
        ("resp_bytes", "count"), ("conn_state", "string"), ("local_orig", "bool"), ("local_resp", "bool"),
        ("missed_bytes", "count"), ("history", "string"), ("orig_pkts", "count"), ("orig_ip_bytes", "count"),
        ("resp_pkts", "count"), ("resp_ip_bytes", "count"), ("tunnel_parents", "set[string]"), ("ip_proto", "count"),
    ];

    private const string Unset = "-";
    private const string Empty = "(empty)";

    /// <summary>The header; <paramref name="openNs"/> is the first packet's time (nanoseconds since the epoch).</summary>
    public static string Header(long openNs)
    {
        var h = new StringBuilder();
        h.Append("#separator \\x09\n");
        h.Append("#set_separator\t,\n");
        h.Append("#empty_field\t").Append(Empty).Append('\n');
        h.Append("#unset_field\t").Append(Unset).Append('\n');
        h.Append("#path\tconn\n");
        h.Append("#open\t").Append(HeaderTime(openNs)).Append('\n');
        h.Append("#fields\t").AppendJoin('\t', Fields.Select(f => f.Name)).Append('\n');
        h.Append("#types\t").AppendJoin('\t', Fields.Select(f => f.Type)).Append('\n');
        return h.ToString();
    }

    /// <summary>The last line; <paramref name="closeNs"/> is the last packet's time.</summary>
    public static string Footer(long closeNs) => $"#close\t{HeaderTime(closeNs)}\n";

    /// <summary>One tab-separated row, without the newline.</summary>
    public static string Line(Conversation c)
    {
        var r = Row.Of(c);
        var line = new StringBuilder(200);
        line.Append(Seconds(r.TsMicros)).Append('\t');
        line.Append(r.Uid).Append('\t');
        r.Orig.AppendTo(line);
        line.Append('\t').Append(r.OrigPort).Append('\t');
        r.Resp.AppendTo(line);
        line.Append('\t').Append(r.RespPort).Append('\t');
        line.Append(r.Proto).Append('\t');
        line.Append(Unset).Append('\t'); // service
        line.Append(r.DurationMicros is { } d ? Seconds(d) : Unset).Append('\t');
        line.Append(Count(r.OrigBytes)).Append('\t');
        line.Append(Count(r.RespBytes)).Append('\t');
        line.Append(r.ConnState).Append('\t');
        line.Append(Unset).Append('\t'); // local_orig
        line.Append(Unset).Append('\t'); // local_resp
        line.Append(Count(r.MissedBytes)).Append('\t');
        line.Append(r.History.Length == 0 ? Empty : r.History).Append('\t');
        line.Append(r.OrigPkts).Append('\t');
        line.Append(r.OrigIpBytes).Append('\t');
        line.Append(r.RespPkts).Append('\t');
        line.Append(r.RespIpBytes).Append('\t');
        line.Append(r.TunnelParent ?? Unset).Append('\t');
        line.Append(r.IpProto);
        return line.ToString();
    }

    /// <summary>One object of Zeek's JSON log, unset fields left out, as Zeek's JSON writer does.</summary>
    public static void WriteJson(Utf8JsonWriter w, Conversation c)
    {
        var r = Row.Of(c);
        w.WriteStartObject();
        w.WriteNumber("ts", r.TsMicros / 1_000_000m);
        w.WriteString("uid", r.Uid);
        PacketJson.WriteAddress(w, "id.orig_h", r.Orig);
        w.WriteNumber("id.orig_p", r.OrigPort);
        PacketJson.WriteAddress(w, "id.resp_h", r.Resp);
        w.WriteNumber("id.resp_p", r.RespPort);
        w.WriteString("proto", r.Proto);
        if (r.DurationMicros is { } d) w.WriteNumber("duration", d / 1_000_000m);
        if (r.OrigBytes is { } ob) w.WriteNumber("orig_bytes", ob);
        if (r.RespBytes is { } rb) w.WriteNumber("resp_bytes", rb);
        w.WriteString("conn_state", r.ConnState);
        if (r.MissedBytes is { } m) w.WriteNumber("missed_bytes", m);
        w.WriteString("history", r.History);
        w.WriteNumber("orig_pkts", r.OrigPkts);
        w.WriteNumber("orig_ip_bytes", r.OrigIpBytes);
        w.WriteNumber("resp_pkts", r.RespPkts);
        w.WriteNumber("resp_ip_bytes", r.RespIpBytes);
        if (r.TunnelParent is { } parent)
        {
            w.WriteStartArray("tunnel_parents");
            w.WriteStringValue(parent);
            w.WriteEndArray();
        }
        w.WriteNumber("ip_proto", r.IpProto);
        w.WriteEndObject();
    }

    /// <summary>The values of one row, worked out once for both writers; null is Zeek's unset.</summary>
    private readonly record struct Row(
        long TsMicros, string Uid, NetAddress Orig, ushort OrigPort, NetAddress Resp, ushort RespPort, string Proto,
        long? DurationMicros, long? OrigBytes, long? RespBytes, string ConnState, long? MissedBytes, string History,
        long OrigPkts, long OrigIpBytes, long RespPkts, long RespIpBytes, string? TunnelParent, int IpProto)
    {
        public static Row Of(Conversation c)
        {
            var (origBytes, respBytes, connState, history, missed, ipProto) = c switch
            {
                TcpConnection t => (t.OrigBytes, t.RespBytes, t.ConnState, t.History.ToString(), (long?)null, 6),
                UdpConversation u => (u.OrigBytes, u.RespBytes, u.ConnState, u.History.ToString(), (long?)0, 17),
                _ => throw new ArgumentException($"no conn.log row for {c.Proto}", nameof(c)),
            };
            // set_conn: duration and the two sizes only when the connection lasted (c$duration > 0secs).
            bool lasted = c.EndTime > c.StartTime;
            return new Row(
                Micros(c.StartTime), UidOf(c), c.OrigAddress, c.OrigPort, c.RespAddress, c.RespPort, c.Proto,
                // Zeek subtracts the two times, then rounds for printing: the difference of the rounded times can be a microsecond off.
                lasted ? Micros(c.EndTime - c.StartTime) : null,
                lasted ? origBytes : null, lasted ? respBytes : null, connState, missed, history,
                c.Orig.Packets, c.Orig.IpBytes, c.Resp.Packets, c.Resp.IpBytes, TunnelUid(c.Tunnel), ipProto);
        }
    }

    /// <summary>
    /// Zeek keeps times as double seconds and prints six decimals: the nearest microsecond, worked out in integers
    /// (a double holds nanoseconds since the epoch only to about 256 ns).
    /// </summary>
    private static long Micros(long ns)
    {
        long micros = Math.DivRem(ns, 1000, out long rest);
        return rest >= 500 ? micros + 1 : rest <= -500 ? micros - 1 : micros;
    }

    private static string Seconds(long micros) =>
        string.Create(CultureInfo.InvariantCulture, $"{micros / 1_000_000}.{Math.Abs(micros % 1_000_000):D6}");

    private static string Count(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? Unset;

    /// <summary>Zeek's header time format (%Y-%m-%d-%H-%M-%S), in UTC.</summary>
    private static string HeaderTime(long ns) =>
        DateTimeOffset.FromUnixTimeMilliseconds(ns / 1_000_000).UtcDateTime.ToString("yyyy-MM-dd-HH-mm-ss", CultureInfo.InvariantCulture);

    /// <summary>
    /// "C" and eleven base-62 digits of a 64-bit FNV-1a hash of the protocol, the endpoints and the start time:
    /// Zeek's shape (a letter for the log, then base 62), stable across runs.
    /// </summary>
    private static string UidOf(Conversation c) =>
        Uid((ulong)c.Transport, c.OrigAddress, c.OrigPort, c.RespAddress, c.RespPort, c.StartTime);

    /// <summary>The uid a connection's tunnel_parents names: its carrier's, or the IP tunnel's own.</summary>
    private static string? TunnelUid(Tunnel? t) => t is null ? null
        : t.Carrier is { } carrier ? UidOf(carrier)
        : Uid(0x100 + (ulong)t.Kind, t.Src, 0, t.Dst, 0, t.StartTime);

    private static string Uid(ulong kind, NetAddress orig, ushort origPort, NetAddress resp, ushort respPort, long start)
    {
        const ulong Prime = 0x100000001b3;
        ulong hash = 0xcbf29ce484222325;
        void Mix(ulong value)
        {
            for (int i = 0; i < 8; i++, value >>= 8)
                hash = (hash ^ (value & 0xFF)) * Prime;
        }
        Mix(kind);
        Mix(orig.High);
        Mix(orig.Low);
        Mix(origPort);
        Mix(resp.High);
        Mix(resp.Low);
        Mix(respPort);
        Mix((ulong)start);
        const string Digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        Span<char> uid = stackalloc char[12];
        uid[0] = 'C';
        for (int i = 11; i > 0; i--, hash /= 62)
            uid[i] = Digits[(int)(hash % 62)];
        return new string(uid);
    }
}
