using ProtoScope.Core.Decoding;
using ProtoScope.Core.Session;
using ProtoScope.Core.Tcp;

namespace ProtoScope.Core.Tests.Tcp;

/// <summary>One scripted segment: who sends it ('C' client 10.0.0.1:40000, 'S' server 10.0.0.2:50000), tcpdump flags, raw seq/ack, payload length, window.</summary>
public readonly record struct Segment(char From, string Flags, uint Seq, uint Ack, int Length = 0, ushort Window = 1000);

/// <summary>Builds raw IPv4/TCP packets for scripted segments and runs them through a <see cref="CaptureSession"/>, the one pass.</summary>
public static class SegmentScript
{
    public const ushort ClientPort = 40000, ServerPort = 50000;

    /// <summary>The client's and the server's initial sequence numbers in the scenario tables.</summary>
    public const uint ClientIsn = 1000, ServerIsn = 5000;

    /// <summary>The three-way handshake every scenario table starts from.</summary>
    public static readonly Segment[] Handshake =
        [new('C', "S", ClientIsn, 0), new('S', "S.", ServerIsn, ClientIsn + 1), new('C', ".", ClientIsn + 1, ServerIsn + 1)];

    private static readonly Connection Connection = new("10.0.0.1", ClientPort, "10.0.0.2", ServerPort);

    /// <summary>The segment as an IPv4 packet; its payload is zero bytes.</summary>
    public static byte[] Build(in Segment s) =>
        Connection.IpTcp(s.From == 'C' ? From.Orig : From.Resp, Flags(s.Flags), s.Seq, s.Ack, new byte[s.Length], s.Window);

    public static TcpFlags Flags(string tcpdump)
    {
        var f = TcpFlags.None;
        foreach (char c in tcpdump)
            f |= c switch { 'S' => TcpFlags.Syn, 'F' => TcpFlags.Fin, 'R' => TcpFlags.Rst, 'P' => TcpFlags.Psh, '.' => TcpFlags.Ack, _ => TcpFlags.None };
        return f;
    }

    /// <summary>Feeds the segments one by one (1 ms apart), calling <paramref name="after"/> after each with the session.</summary>
    public static CaptureSession Run(IEnumerable<Segment> segments, Action<int, CaptureSession>? after = null)
    {
        var session = new CaptureSession(LinkType.Raw);
        int i = 0;
        foreach (var s in segments)
        {
            var bytes = Build(s);
            session.Add(new PacketHeader(1_700_000_000_000_000_000L + i * 1_000_000L, bytes.Length, bytes.Length), bytes);
            after?.Invoke(i++, session);
        }
        return session;
    }

    /// <summary>
    /// The client's and the server's RFC 9293 endpoints and flow analyses after <paramref name="segments"/>, folded
    /// with the tracker's own pieces (the sequence analysis, <see cref="PacketRoles.RoleOf"/>, then the endpoints
    /// moved on) and no session: the client is the originator, as no flip happens here. Segment i is frame i + 1,
    /// sent at i ms.
    /// </summary>
    public static Sides Fold(IEnumerable<Segment> segments)
    {
        var sides = new Sides();
        foreach (var s in segments)
        {
            var seg = ToTcpSegment(s);
            var flags = sides.Analyse(s);
            bool fromClient = s.From == 'C';
            ref TcpEndpoint src = ref fromClient ? ref sides.Client : ref sides.Server;
            ref TcpEndpoint dst = ref fromClient ? ref sides.Server : ref sides.Client;
            TcpEndpoint.Track(ref src, ref dst, in seg, PacketRoles.RoleOf(in seg, in src, in dst, flags));
        }
        return sides;
    }

    public static TcpSegment ToTcpSegment(in Segment s) =>
        new(Flags(s.Flags), new SequenceNumber(s.Seq), new SequenceNumber(s.Ack), s.Length, s.Window);
}

/// <summary>Both sides of a scripted connection (see <see cref="SegmentScript.Fold"/>).</summary>
public sealed class Sides
{
    public TcpEndpoint Client, Server;
    public TcpFlowAnalysis ClientFlow, ServerFlow;
    private long _segments;

    /// <summary>Runs the sequence analysis of the next segment on both flows; returns its flags.</summary>
    public TcpAnalysisFlags Analyse(in Segment s)
    {
        var seg = SegmentScript.ToTcpSegment(s);
        long frame = ++_segments;
        var result = new SegmentAnalysis();
        ref var fwd = ref s.From == 'C' ? ref ClientFlow : ref ServerFlow;
        ref var rev = ref s.From == 'C' ? ref ServerFlow : ref ClientFlow;
        TcpSequenceAnalysis.Analyze(ref fwd, ref rev, in seg, frame, frame * 1_000_000, 0, 0, ref result);
        TcpSequenceAnalysis.AfterSegment(ref fwd, ref rev, in seg, default);
        return result.Flags;
    }
}
