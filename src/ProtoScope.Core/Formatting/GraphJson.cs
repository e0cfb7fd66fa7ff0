using ProtoScope.Core.Graphs;
using ProtoScope.Core.Session;

namespace ProtoScope.Core.Formatting;

/// <summary>
/// `graph --format jsonl`: one object per point of a TCP graph, as it comes (<c>frame</c>, <c>time</c> in seconds
/// since the capture's first packet, <c>dir</c> of the packet, then the graph's own values).
/// </summary>
public sealed class TcpGraphJson(JsonLines json, TcpGraphKind kind, Direction graphed) : ITcpGraphSink
{
    public void Point(in TcpGraphPoint p)
    {
        if (!kind.Shows(p)) return;
        var w = json.Writer;
        w.WriteStartObject();
        w.WriteNumber("frame", p.Frame);
        JsonSeconds.Write(w, "time", p.TimeNs);
        w.WriteString("dir", (p.Reverse ? Opposite(graphed) : graphed).Name());
        switch (kind)
        {
            case TcpGraphKind.Stevens:
                w.WriteNumber("seq", p.Seq);
                w.WriteNumber("len", p.Len);
                break;
            case TcpGraphKind.Tcptrace when !p.Reverse:
                w.WriteNumber("seq", p.Seq);
                w.WriteNumber("len", p.Len);
                PacketJson.WriteAnalysisNames(w, p.Analysis);
                break;
            case TcpGraphKind.Tcptrace:
                w.WriteNumber("ack", p.Ack);
                w.WriteNumber("win", p.Win);
                if (p.SackCount > 0)
                {
                    w.WriteStartArray("sack");
                    for (int i = 0; i < p.SackCount && i < 4; i++)
                    {
                        w.WriteStartArray();
                        w.WriteNumberValue(p.SackAt(i).Left);
                        w.WriteNumberValue(p.SackAt(i).Right);
                        w.WriteEndArray();
                    }
                    w.WriteEndArray();
                }
                PacketJson.WriteAnalysisNames(w, p.Analysis);
                break;
            case TcpGraphKind.Throughput when !p.Reverse:
                w.WriteNumber("len", p.Len);
                w.WriteNumber("bps", Math.Round(p.Bps, 3));
                break;
            case TcpGraphKind.Throughput:
                w.WriteNumber("ack", p.Ack);
                w.WriteNumber("goodput_bps", Math.Round(p.Bps, 3));
                break;
            case TcpGraphKind.Rtt:
                JsonSeconds.Write(w, "rtt", p.AckRtt);
                w.WriteNumber("acks_frame", p.AcksFrame);
                break;
            default:
                if (!p.Reverse) w.WriteNumber("bytes_in_flight", p.BytesInFlight);
                else w.WriteNumber("win", p.Win);
                break;
        }
        w.WriteEndObject();
        json.EndLine();
    }

    private static Direction Opposite(Direction d) => d == Direction.Orig ? Direction.Resp : Direction.Orig;
}

/// <summary>`graph --type io --format jsonl`: one object per interval, its start and each line's packets and bytes in the order the filters were given.</summary>
public static class IoGraphJson
{
    public static void Write(JsonLines json, IoGraph graph)
    {
        var w = json.Writer;
        for (int i = 0; i < graph.Intervals; i++)
        {
            w.WriteStartObject();
            w.WriteNumber("start", i * graph.Interval / 1_000_000m);
            w.WriteStartArray("packets");
            foreach (var line in graph.Lines) w.WriteNumberValue(line.Packets(i));
            w.WriteEndArray();
            w.WriteStartArray("bytes");
            foreach (var line in graph.Lines) w.WriteNumberValue(line.Bytes(i));
            w.WriteEndArray();
            w.WriteEndObject();
            json.EndLine();
        }
    }
}
