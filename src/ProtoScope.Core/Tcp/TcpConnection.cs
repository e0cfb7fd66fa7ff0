using System.Runtime.CompilerServices;
using ProtoScope.Core.Decoding;
using ProtoScope.Core.Session;

namespace ProtoScope.Core.Tcp;

/// <summary>
/// One TCP connection (one tshark tcp.stream): endpoints, per-direction sequence bases and counters, and the
/// connection tracker that follows both sides packet by packet (<see cref="Track"/>). Each side is followed by three
/// machines, each with its own owner: the RFC 9293 endpoint (<see cref="TcpEndpoint"/>), the flow analysis of what
/// it sends (<see cref="TcpFlowAnalysis"/>) and Zeek's endpoint (<see cref="ZeekEndpoint"/>); the packet's role
/// (<see cref="PacketRoles.RoleOf"/>) and how the connection opened and closed (<see cref="ConnectionKinds"/>) are
/// pure functions of them.
/// </summary>
public sealed partial class TcpConnection : Conversation
{
    /// <summary>What is kept per side: its RFC 9293 endpoint, the analysis of what it sends, and Zeek's endpoint.</summary>
    private struct Side
    {
        public TcpEndpoint Endpoint;
        public TcpFlowAnalysis Flow;
        public ZeekEndpoint Zeek;
    }

    // Both sides held inline (no object each), where the connection's first packet put them: its source and its
    // destination. Zeek may decide later that the other side is the originator (FlipRoles): then _rolesFlipped is
    // set and nothing moves, so a ref to a side taken before a flip still refers to the same side after it, as
    // Zeek's TCP_Endpoint pointers do.
    private Side _firstSrc, _firstDst;
    private bool _rolesFlipped;

    internal TcpConnection(int id, in DecodedPacket first, long frame, long timestamp) : base(id, first, frame, timestamp)
    {
        // Zeek's TCP WantConnection: a connection whose first packet is not a plain SYN started before the capture;
        // guess its originator from the ports (a likely server port on the source means the source is the responder).
        var f = first.Flags;
        if ((f & TcpFlags.Syn) == 0 || (f & TcpFlags.Ack) != 0)
        {
            bool srcServer = LikelyServerPorts.Tcp(first.SrcPort), dstServer = LikelyServerPorts.Tcp(first.DstPort);
            bool flip = srcServer && (!dstServer || ((f & TcpFlags.Syn) == 0 && first.SrcPort < first.DstPort));
            if (flip && !first.Dst.IsBroadcast) FlipRoles();
        }
    }

    public override string Proto => "tcp";

    /// <summary>The endpoint that opened the connection (Zeek's choice of originator), as RFC 9293 tracks it.</summary>
    public ref readonly TcpEndpoint Originator => ref SideAt(Direction.Orig).Endpoint;
    public ref readonly TcpEndpoint Responder => ref SideAt(Direction.Resp).Endpoint;

    public ref readonly TcpEndpoint Endpoint(Direction d) => ref SideAt(d).Endpoint;

    /// <summary>One side as Zeek tracks it.</summary>
    public ref readonly ZeekEndpoint Zeek(Direction d) => ref SideAt(d).Zeek;

    private ref Side SideAt(Direction d) => ref (d == Direction.Orig) != _rolesFlipped ? ref _firstSrc : ref _firstDst;

    /// <summary>The other side of <paramref name="side"/>, which must be one of this connection's.</summary>
    private ref Side PeerOf(ref Side side) => ref Unsafe.AreSame(ref side, ref _firstSrc) ? ref _firstDst : ref _firstSrc;

    /// <summary>The other Zeek endpoint of <paramref name="e"/>, which must be one of this connection's.</summary>
    private ref ZeekEndpoint Peer(ref ZeekEndpoint e) => ref Unsafe.AreSame(ref e, ref _firstSrc.Zeek) ? ref _firstDst.Zeek : ref _firstSrc.Zeek;

    /// <summary>Zeek's TCP_Endpoint::IsOrig, after any flip so far.</summary>
    private bool IsOrig(ref ZeekEndpoint e) => Unsafe.AreSame(ref e, ref _firstSrc.Zeek) != _rolesFlipped;

    /// <summary>
    /// The sequence number that relative numbers count from, per direction: the ISN when the SYN was seen, so the SYN
    /// is 0 and the first data byte 1, as in Wireshark; and the raw ISN of the SYN seen in that direction, if any (a
    /// new SYN with another ISN starts a new stream). Two inline structs rather than arrays: a connection is the
    /// model's unit of memory, and 100k connections in a capture are common.
    /// </summary>
    private SequenceBase _origBase, _respBase;

    public ref readonly SequenceBase BaseOf(Direction d) => ref d == Direction.Orig ? ref _origBase : ref _respBase;

    private ref SequenceBase BaseAt(int i) => ref i == 0 ? ref _origBase : ref _respBase;

    private ConnectionHistory _history;

    /// <summary>Zeek's history letters for this connection.</summary>
    public ref readonly ConnectionHistory History => ref _history;

    /// <summary>Zeek's conn_state, computed from the endpoint states and the history (never stored).</summary>
    public string ConnState => ZeekConnState.Tcp(Zeek(Direction.Orig).State, Zeek(Direction.Resp).State, OrigBytes, RespBytes, History.ToString());

    /// <summary>Zeek's orig_bytes: sequence space the originator used (see <see cref="ZeekEndpoint.Size"/>).</summary>
    public long OrigBytes => Zeek(Direction.Orig).Size(in Zeek(Direction.Resp));
    public long RespBytes => Zeek(Direction.Resp).Size(in Zeek(Direction.Orig));

    /// <summary>How the connection opened, from the endpoints' states (never stored).</summary>
    public OpenKind Open => ConnectionKinds.OpenOf(in Originator, in Responder);

    /// <summary>How the connection closed, from the endpoints' states (never stored).</summary>
    public CloseKind Close => ConnectionKinds.CloseOf(in Originator, in Responder);

    /// <summary>
    /// Follows one packet of this connection (call once per packet, in capture order): runs Wireshark's sequence
    /// analysis on both flows, works out the packet's role from the states before it, moves both RFC 9293 endpoints
    /// and Zeek's endpoints on, and fills the analysis, the role and the states it leaves the sender and the receiver
    /// in. <paramref name="reuse"/> is what <see cref="PortReuseOf"/> said before the bases were learnt. May swap
    /// originator and responder, as Zeek does; <see cref="Conversation.DirectionOf"/> gives the packet's direction
    /// afterwards.
    /// </summary>
    public void Track(in DecodedPacket p, ref PacketAnalysis analysis, long timestamp, PortReuse reuse = PortReuse.None)
    {
        var seg = TcpSegment.Of(in p);
        var dir = DirectionOf(p);
        ref Side src = ref SideAt(dir);
        ref Side dst = ref PeerOf(ref src);

        var result = new SegmentAnalysis();
        if (reuse == PortReuse.NewConnection || reuse == PortReuse.NewSynAck) result.Flags = TcpAnalysisFlags.ReusedPorts;
        if (reuse != PortReuse.None) result.HasAnalysis = true;
        // A SYN sent again: Wireshark puts the flow back to what was acknowledged in order (its issue 17616, a RST
        // whose sequence number was the ACK received), so that the SYN reads as a retransmission.
        if (reuse == PortReuse.SameSyn) src.Flow.NextSeq = src.Flow.MaxSeqToBeAcked;
        TcpSequenceAnalysis.Analyze(ref src.Flow, ref dst.Flow, in seg, analysis.Frame, timestamp, BaseOf(dir).Base.Raw,
            _initialRtt, ref result);
        // Scaled by what was known before this segment's own options, as Wireshark does.
        analysis.WindowSize = src.Flow.ScaledWindow(in seg);
        TcpSequenceAnalysis.AfterSegment(ref src.Flow, ref dst.Flow, in seg, in p.Options);
        if ((seg.Flags & (TcpFlags.Syn | TcpFlags.Ack)) == TcpFlags.Syn) _lastSynTime = timestamp;
        else if ((seg.Flags & (TcpFlags.Syn | TcpFlags.Ack)) == TcpFlags.Ack && _lastSynTime != 0 && _initialRtt == 0)
            _initialRtt = timestamp - _lastSynTime;

        PacketRole role = PacketRoles.RoleOf(in seg, in src.Endpoint, in dst.Endpoint, result.Flags);
        TcpEndpoint.Track(ref src.Endpoint, ref dst.Endpoint, in seg, role);
        analysis.Role = role;
        analysis.SenderState = src.Endpoint.State;
        analysis.ReceiverState = dst.Endpoint.State;
        analysis.AnalysisFlags = result.Flags;
        analysis.AcksFrame = result.AcksFrame;
        analysis.AckRtt = result.AckRtt;
        analysis.BytesInFlight = result.BytesInFlight;
        analysis.DupAckNum = result.DupAckNum;
        analysis.DupAckFrame = result.DupAckFrame;
        // tshark shows the initial RTT under the analysis of every segment that has one, once it is known.
        analysis.InitialRtt = result.HasAnalysis ? _initialRtt : 0;
        _expert.Add(in result);
        TrackZeek(ref src.Zeek, in seg);
    }

    /// <summary>
    /// What a SYN or SYN-ACK says about port reuse before its direction's base is learnt from it (dissect_tcp's
    /// checks): a SYN with the ISN already seen is the same SYN again; a SYN-ACK with another ISN than the one seen
    /// means the ports were reused. A SYN with a new ISN starts a new connection (<see cref="ConversationTable"/>).
    /// </summary>
    public PortReuse PortReuseOf(Direction d, in DecodedPacket p)
    {
        ref readonly var b = ref BaseOf(d);
        if (!b.HasBase) return PortReuse.None;
        var syn = p.Flags & (TcpFlags.Syn | TcpFlags.Ack);
        var seq = new SequenceNumber(p.SequenceNumber);
        if (syn == TcpFlags.Syn && seq == b.Base) return PortReuse.SameSyn;
        if (syn == (TcpFlags.Syn | TcpFlags.Ack) && seq != b.Base) return PortReuse.NewSynAck;
        return PortReuse.None;
    }

    private long _lastSynTime, _initialRtt;
    private TcpExpertSummary _expert;

    /// <summary>tcp.analysis.initial_rtt in nanoseconds: from the last SYN to the first pure ACK; 0 while unknown.</summary>
    public long InitialRtt => _initialRtt;

    /// <summary>How many segments carried each analysis flag, and the ACK RTTs, over the whole connection.</summary>
    public ref readonly TcpExpertSummary Expert => ref _expert;

    /// <summary>Swaps originator and responder (the sides stay where they are; the bases, kept by direction, swap), and records Zeek's '^'.</summary>
    private void FlipRoles()
    {
        Flip();
        _rolesFlipped = !_rolesFlipped;
        (_origBase, _respBase) = (_respBase, _origBase);
        _history.Add('^');
    }

    internal void LearnBase(Direction d, in DecodedPacket p)
    {
        ref var b = ref BaseAt((int)d);
        var seq = new SequenceNumber(p.SequenceNumber);
        if ((p.Flags & TcpFlags.Syn) != 0)
        {
            if (!b.HasBase || !b.HasSyn)
            {
                b.Base = seq;
                b.HasBase = true;
            }
            if (!b.HasSyn)
            {
                b.SynSeq = seq;
                b.HasSyn = true;
            }
            return;
        }
        if (!b.HasBase)
        {
            // No SYN seen in this direction: count from one before the first sequence number seen, so that
            // byte gets relative number 1 (Wireshark's rule for captures that start mid-connection).
            b.Base = seq - 1;
            b.HasBase = true;
        }
    }

    public uint RelativeSeq(Direction d, uint raw) => unchecked((uint)(new SequenceNumber(raw) - BaseAt((int)d).Base));

    /// <summary>
    /// An ACK counts in the other direction's sequence space. When nothing has been seen from the other side
    /// yet, its base is taken from this ACK so the ACK reads 1 (Wireshark does the same).
    /// </summary>
    public uint RelativeAck(Direction d, uint raw)
    {
        ref var other = ref BaseAt(1 - (int)d);
        var ack = new SequenceNumber(raw);
        if (!other.HasBase)
        {
            other.Base = ack - 1;
            other.HasBase = true;
        }
        return unchecked((uint)(ack - other.Base));
    }
}
