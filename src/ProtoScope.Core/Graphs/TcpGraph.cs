using ProtoScope.Core.Decoding;
using ProtoScope.Core.Session;
using ProtoScope.Core.Tcp;

namespace ProtoScope.Core.Graphs;

/// <summary>Wireshark's TCP Stream Graphs.</summary>
public enum TcpGraphKind : byte
{
    /// <summary>Time-sequence, Stevens style: one mark per segment at its sequence number.</summary>
    Stevens,
    /// <summary>Time-sequence, tcptrace style: segments as bars, the ACK and receive-window lines, SACKs and analysis events.</summary>
    Tcptrace,
    /// <summary>Segment lengths, throughput and goodput over a one-second moving window.</summary>
    Throughput,
    /// <summary>tcp.analysis.ack_rtt of each ACK.</summary>
    Rtt,
    /// <summary>Bytes in flight and the advertised receive window.</summary>
    Window,
}

public static class TcpGraphKinds
{
    /// <summary>The name on the command line and in the UI's title: tseq, tcptrace, throughput, rtt, window.</summary>
    public static string Name(this TcpGraphKind kind) => kind switch
    {
        TcpGraphKind.Stevens => "tseq",
        TcpGraphKind.Tcptrace => "tcptrace",
        TcpGraphKind.Throughput => "throughput",
        TcpGraphKind.Rtt => "rtt",
        _ => "window",
    };

    public static string Title(this TcpGraphKind kind) => kind switch
    {
        TcpGraphKind.Stevens => "Sequence numbers (Stevens)",
        TcpGraphKind.Tcptrace => "Sequence numbers (tcptrace)",
        TcpGraphKind.Throughput => "Throughput",
        TcpGraphKind.Rtt => "Round-trip time",
        _ => "Window",
    };

    /// <summary>
    /// Whether a packet is a point of the graph: every segment of the graphed direction for the time-sequence and
    /// throughput graphs, with the other direction's ACKs for tcptrace and goodput; each ACK of the other direction
    /// with an RTT (the round trip of the graphed direction's segments); the window graph's bytes in flight and the
    /// receiver's windows but those of a SYN or RST, as Wireshark's graph.
    /// </summary>
    public static bool Shows(this TcpGraphKind kind, in TcpGraphPoint p) => kind switch
    {
        TcpGraphKind.Stevens => !p.Reverse,
        TcpGraphKind.Tcptrace or TcpGraphKind.Throughput => !p.Reverse || p.HasAck,
        TcpGraphKind.Rtt => p.Reverse && p.AckRtt > 0,
        _ => p.Reverse ? (p.Flags & (TcpFlags.Syn | TcpFlags.Rst)) == 0 : p.BytesInFlight > 0,
    };

    public static bool TryParse(string name, out TcpGraphKind kind)
    {
        foreach (var k in Enum.GetValues<TcpGraphKind>())
            if (k.Name() == name) { kind = k; return true; }
        kind = default;
        return false;
    }
}

/// <summary>
/// One packet of the graphed connection as the graphs see it: a segment of the graphed direction, or a packet of
/// the other direction (its ACK, window and SACK blocks). Numbers are relative to the graphed direction's initial
/// sequence number, as `read` shows them and tshark's relative numbers are.
/// </summary>
public struct TcpGraphPoint
{
    public long Frame;
    /// <summary>Nanoseconds since the capture's first packet (tshark's frame.time_relative).</summary>
    public long TimeNs;
    /// <summary>True for a packet of the other direction (the receiver's ACKs).</summary>
    public bool Reverse;
    public TcpFlags Flags;
    public uint Seq;
    public int Len;
    /// <summary>The acknowledgment of a reverse packet with ACK set (<see cref="HasAck"/>).</summary>
    public uint Ack;
    public bool HasAck;
    /// <summary>tcp.window_size: the sender's window, scaled.</summary>
    public uint Win;
    public TcpAnalysisFlags Analysis;
    /// <summary>tcp.analysis.ack_rtt in nanoseconds; 0 when none.</summary>
    public long AckRtt;
    public long AcksFrame;
    public uint BytesInFlight;
    /// <summary>Bits per second over the moving window ending at this packet: throughput for a segment, goodput for an ACK.</summary>
    public double Bps;
    public byte SackCount;
    public SackBlock Sack0, Sack1, Sack2, Sack3;

    public readonly double Time => TimeNs / 1e9;
    public readonly SackBlock SackAt(int i) => i switch { 0 => Sack0, 1 => Sack1, 2 => Sack2, _ => Sack3 };
}

/// <summary>Takes a graph's points, in capture order.</summary>
public interface ITcpGraphSink
{
    /// <summary>One point; <paramref name="point"/> is valid only during the call.</summary>
    void Point(in TcpGraphPoint point);
}

/// <summary>
/// Turns one TCP connection's packets, as the one pass analysed them, into graph points for one direction:
/// the caller feeds it the connection's packets (<see cref="Add"/>) in capture order, and it hands each point to
/// the sink at once, keeping nothing per packet but the moving window of the throughput (the packets of the last second).
/// </summary>
public sealed class TcpGraphSource
{
    /// <summary>The moving window of the throughput graph: Wireshark's default.</summary>
    public const long MovingWindowNs = 1_000_000_000;

    private readonly Direction _direction;
    private readonly long _origin;
    private readonly ITcpGraphSink _sink;
    private readonly Queue<(long Time, long Bytes)> _segments = new();
    private readonly Queue<(long Time, long Bytes)> _acked = new();
    private long _segmentSum, _ackedSum;
    private uint _highestAck;
    private bool _seenAck;
    private TcpGraphPoint _point;
    private readonly bool _rates;

    /// <param name="direction">The direction whose data is graphed (its ACKs come from the other).</param>
    /// <param name="origin">The capture's first timestamp (ns), the origin of relative time.</param>
    /// <param name="rates">
    /// Whether points carry <see cref="TcpGraphPoint.Bps"/>: only the throughput graph reads it, and the moving
    /// window costs a queue step per packet that the other graphs of a long connection need not pay.
    /// </param>
    public TcpGraphSource(Direction direction, long origin, ITcpGraphSink sink, bool rates = true)
    {
        _direction = direction;
        _origin = origin;
        _sink = sink;
        _rates = rates;
    }

    /// <summary>The packet <paramref name="session"/> has just added, which must belong to the graphed connection.</summary>
    public void Add(CaptureSession session) => Add(session.Current, session.CurrentAnalysis, session.LastTimestamp);

    public void Add(in DecodedPacket p, in PacketAnalysis a, long timestamp)
    {
        _point = default;
        _point.Frame = a.Frame;
        _point.TimeNs = timestamp - _origin;
        _point.Reverse = a.Direction != _direction;
        _point.Flags = p.Flags;
        _point.Win = a.WindowSize;
        _point.Analysis = a.AnalysisFlags;
        _point.AckRtt = a.AckRtt;
        _point.AcksFrame = a.AcksFrame;
        _point.BytesInFlight = a.BytesInFlight;
        if (!_point.Reverse)
        {
            _point.Seq = a.RelativeSeq;
            _point.Len = p.PayloadLength;
            if (_rates) _point.Bps = Slide(_segments, ref _segmentSum, timestamp, p.PayloadLength);
        }
        else if (a.HasRelativeAck)
        {
            _point.HasAck = true;
            _point.Ack = a.RelativeAck;
            // The ACK's own relative numbers are relative to the graphed direction's initial sequence number.
            uint isn = p.AcknowledgmentNumber - a.RelativeAck;
            _point.SackCount = p.Options.SackCount;
            for (int i = 0; i < p.Options.SackCount && i < 4; i++)
            {
                var s = p.Options.SackAt(i);
                var relative = new SackBlock(s.Left - isn, s.Right - isn);
                switch (i)
                {
                    case 0: _point.Sack0 = relative; break;
                    case 1: _point.Sack1 = relative; break;
                    case 2: _point.Sack2 = relative; break;
                    default: _point.Sack3 = relative; break;
                }
            }
            if (_rates) _point.Bps = Goodput(a.RelativeAck, timestamp);
        }
        _sink.Point(_point);
    }

    /// <summary>
    /// Goodput counts what the receiver newly acknowledges, as Wireshark's graph does (without its SACK credit):
    /// the bits per second of the window ending at this ACK.
    /// </summary>
    private double Goodput(uint relativeAck, long timestamp)
    {
        long acked = 0;
        if (!_seenAck) (_seenAck, _highestAck) = (true, relativeAck);
        else if ((int)(relativeAck - _highestAck) > 0) (acked, _highestAck) = (relativeAck - _highestAck, relativeAck);
        return Slide(_acked, ref _ackedSum, timestamp, acked);
    }

    /// <summary>Adds <paramref name="bytes"/> at <paramref name="time"/> and returns the bits per second of the window ending there.</summary>
    private static double Slide(Queue<(long Time, long Bytes)> window, ref long sum, long time, long bytes)
    {
        window.Enqueue((time, bytes));
        sum += bytes;
        while (window.Count > 0 && time - window.Peek().Time > MovingWindowNs) sum -= window.Dequeue().Bytes;
        return sum * 8.0 / (MovingWindowNs / 1e9);
    }
}
