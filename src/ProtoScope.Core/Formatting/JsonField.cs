using System.Text.Json;

namespace ProtoScope.Core.Formatting;

/// <summary>
/// The property names of the JSON schemas (<see cref="PacketJson"/>, <see cref="ConnectionJson"/> and the
/// messages of <see cref="MessageFormat"/>), encoded once: these schemas are written for every packet, message and
/// connection, and escaping and transcoding each name on every row took a quarter of `conns --format jsonl`'s time
/// over a capture of many short connections.
/// </summary>
internal static class JsonField
{
    public static readonly JsonEncodedText Ack = JsonEncodedText.Encode("ack");
    public static readonly JsonEncodedText AckRaw = JsonEncodedText.Encode("ack_raw");
    public static readonly JsonEncodedText AckRtt = JsonEncodedText.Encode("ack_rtt");
    public static readonly JsonEncodedText AcksFrame = JsonEncodedText.Encode("acks_frame");
    public static readonly JsonEncodedText Analysis = JsonEncodedText.Encode("analysis");
    public static readonly JsonEncodedText Body = JsonEncodedText.Encode("body");
    public static readonly JsonEncodedText BytesInFlight = JsonEncodedText.Encode("bytes_in_flight");
    public static readonly JsonEncodedText Chunked = JsonEncodedText.Encode("chunked");
    public static readonly JsonEncodedText Close = JsonEncodedText.Encode("close");
    public static readonly JsonEncodedText Code = JsonEncodedText.Encode("code");
    public static readonly JsonEncodedText Conn = JsonEncodedText.Encode("conn");
    public static readonly JsonEncodedText ConnState = JsonEncodedText.Encode("conn_state");
    public static readonly JsonEncodedText ContentLength = JsonEncodedText.Encode("content_length");
    public static readonly JsonEncodedText Dir = JsonEncodedText.Encode("dir");
    public static readonly JsonEncodedText Dport = JsonEncodedText.Encode("dport");
    public static readonly JsonEncodedText Dst = JsonEncodedText.Encode("dst");
    public static readonly JsonEncodedText DstState = JsonEncodedText.Encode("dst_state");
    public static readonly JsonEncodedText DupAckFrame = JsonEncodedText.Encode("dup_ack_frame");
    public static readonly JsonEncodedText DupAckNum = JsonEncodedText.Encode("dup_ack_num");
    public static readonly JsonEncodedText Duration = JsonEncodedText.Encode("duration");
    public static readonly JsonEncodedText Ecr = JsonEncodedText.Encode("ecr");
    public static readonly JsonEncodedText Encap = JsonEncodedText.Encode("encap");
    public static readonly JsonEncodedText Error = JsonEncodedText.Encode("error");
    public static readonly JsonEncodedText FirstFrame = JsonEncodedText.Encode("first_frame");
    public static readonly JsonEncodedText Flags = JsonEncodedText.Encode("flags");
    public static readonly JsonEncodedText Frag = JsonEncodedText.Encode("frag");
    public static readonly JsonEncodedText Frame = JsonEncodedText.Encode("frame");
    public static readonly JsonEncodedText HeadLength = JsonEncodedText.Encode("head_length");
    public static readonly JsonEncodedText Headers = JsonEncodedText.Encode("headers");
    public static readonly JsonEncodedText Health = JsonEncodedText.Encode("health");
    public static readonly JsonEncodedText History = JsonEncodedText.Encode("history");
    public static readonly JsonEncodedText Id = JsonEncodedText.Encode("id");
    public static readonly JsonEncodedText Incomplete = JsonEncodedText.Encode("incomplete");
    public static readonly JsonEncodedText Index = JsonEncodedText.Encode("index");
    public static readonly JsonEncodedText InitialRtt = JsonEncodedText.Encode("initial_rtt");
    public static readonly JsonEncodedText Kind = JsonEncodedText.Encode("kind");
    public static readonly JsonEncodedText LastFrame = JsonEncodedText.Encode("last_frame");
    public static readonly JsonEncodedText Len = JsonEncodedText.Encode("len");
    public static readonly JsonEncodedText Length = JsonEncodedText.Encode("length");
    public static readonly JsonEncodedText Link = JsonEncodedText.Encode("link");
    public static readonly JsonEncodedText Max = JsonEncodedText.Encode("max");
    public static readonly JsonEncodedText Mean = JsonEncodedText.Encode("mean");
    public static readonly JsonEncodedText Method = JsonEncodedText.Encode("method");
    public static readonly JsonEncodedText Mf = JsonEncodedText.Encode("mf");
    public static readonly JsonEncodedText Min = JsonEncodedText.Encode("min");
    public static readonly JsonEncodedText Mss = JsonEncodedText.Encode("mss");
    public static readonly JsonEncodedText Offset = JsonEncodedText.Encode("offset");
    public static readonly JsonEncodedText Open = JsonEncodedText.Encode("open");
    public static readonly JsonEncodedText Options = JsonEncodedText.Encode("options");
    public static readonly JsonEncodedText OrigBytes = JsonEncodedText.Encode("orig_bytes");
    public static readonly JsonEncodedText OrigH = JsonEncodedText.Encode("orig_h");
    public static readonly JsonEncodedText OrigP = JsonEncodedText.Encode("orig_p");
    public static readonly JsonEncodedText OrigPkts = JsonEncodedText.Encode("orig_pkts");
    public static readonly JsonEncodedText OrigState = JsonEncodedText.Encode("orig_state");
    public static readonly JsonEncodedText Payload = JsonEncodedText.Encode("payload");
    public static readonly JsonEncodedText PayloadB64 = JsonEncodedText.Encode("payload_b64");
    public static readonly JsonEncodedText Proto = JsonEncodedText.Encode("proto");
    public static readonly JsonEncodedText Reason = JsonEncodedText.Encode("reason");
    public static readonly JsonEncodedText Reassembled = JsonEncodedText.Encode("reassembled");
    public static readonly JsonEncodedText RespBytes = JsonEncodedText.Encode("resp_bytes");
    public static readonly JsonEncodedText RespH = JsonEncodedText.Encode("resp_h");
    public static readonly JsonEncodedText RespP = JsonEncodedText.Encode("resp_p");
    public static readonly JsonEncodedText RespPkts = JsonEncodedText.Encode("resp_pkts");
    public static readonly JsonEncodedText RespState = JsonEncodedText.Encode("resp_state");
    public static readonly JsonEncodedText Role = JsonEncodedText.Encode("role");
    public static readonly JsonEncodedText Sack = JsonEncodedText.Encode("sack");
    public static readonly JsonEncodedText SackOk = JsonEncodedText.Encode("sack_ok");
    public static readonly JsonEncodedText Samples = JsonEncodedText.Encode("samples");
    public static readonly JsonEncodedText Segments = JsonEncodedText.Encode("segments");
    public static readonly JsonEncodedText Seq = JsonEncodedText.Encode("seq");
    public static readonly JsonEncodedText SeqRaw = JsonEncodedText.Encode("seq_raw");
    public static readonly JsonEncodedText Sport = JsonEncodedText.Encode("sport");
    public static readonly JsonEncodedText Src = JsonEncodedText.Encode("src");
    public static readonly JsonEncodedText SrcState = JsonEncodedText.Encode("src_state");
    public static readonly JsonEncodedText Start = JsonEncodedText.Encode("start");
    public static readonly JsonEncodedText Status = JsonEncodedText.Encode("status");
    public static readonly JsonEncodedText Sticky = JsonEncodedText.Encode("sticky");
    public static readonly JsonEncodedText Stream = JsonEncodedText.Encode("stream");
    public static readonly JsonEncodedText Tcp = JsonEncodedText.Encode("tcp");
    public static readonly JsonEncodedText Tfo = JsonEncodedText.Encode("tfo");
    public static readonly JsonEncodedText Time = JsonEncodedText.Encode("time");
    public static readonly JsonEncodedText Ts = JsonEncodedText.Encode("ts");
    public static readonly JsonEncodedText Tunnel = JsonEncodedText.Encode("tunnel");
    public static readonly JsonEncodedText Type = JsonEncodedText.Encode("type");
    public static readonly JsonEncodedText Udp = JsonEncodedText.Encode("udp");
    public static readonly JsonEncodedText UdpStream = JsonEncodedText.Encode("udp_stream");
    public static readonly JsonEncodedText Uri = JsonEncodedText.Encode("uri");
    public static readonly JsonEncodedText Val = JsonEncodedText.Encode("val");
    public static readonly JsonEncodedText Version = JsonEncodedText.Encode("version");
    public static readonly JsonEncodedText Win = JsonEncodedText.Encode("win");
    public static readonly JsonEncodedText WindowSize = JsonEncodedText.Encode("window_size");
    public static readonly JsonEncodedText WireLen = JsonEncodedText.Encode("wire_len");
    public static readonly JsonEncodedText Wscale = JsonEncodedText.Encode("wscale");
}
