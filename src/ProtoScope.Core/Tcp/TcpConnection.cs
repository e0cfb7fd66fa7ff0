using System.Runtime.CompilerServices;
using ProtoScope.Core.Decoding;
using ProtoScope.Core.Session;

namespace ProtoScope.Core.Tcp;

/// <summary>
/// One TCP connection (one tshark tcp.stream): endpoints, per-direction sequence bases and counters, and the
/// connection tracker that follows both endpoints packet by packet (<see cref="Track"/>).
/// </summary>
public sealed partial class TcpConnection : Conversation
{
    /// <summary>Which of the two endpoints did something first; an endpoint's slot does not change when roles flip.</summary>
    private enum Slot : byte { None, First, Second }

    // The endpoints held inline (no object each): _first sent the connection's first packet. Zeek may decide later
    // that the other one is the originator (FlipRoles): then _rolesFlipped is set and nothing moves, so a ref to
    // an endpoint taken before a flip still refers to the same endpoint after it, as a reference to an object would.
    private TcpEndpoint _first, _second;
    private bool _rolesFlipped;
    private Slot _firstFinBy;
    private Slot _firstRstBy;
    private bool _secondFinSeen;
    private bool _finsCrossed;
    private bool _firstFinAckedAlone;
    private bool _secondFinAckedFirst;

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

    /// <summary>The endpoint that opened the connection (Zeek's choice of originator).</summary>
    public ref readonly TcpEndpoint Originator => ref _rolesFlipped ? ref _second : ref _first;
    public ref readonly TcpEndpoint Responder => ref _rolesFlipped ? ref _first : ref _second;

    public ref readonly TcpEndpoint Endpoint(Direction d) => ref d == Direction.Orig ? ref Originator : ref Responder;

    private ref TcpEndpoint EndpointAt(Direction d) => ref (d == Direction.Orig) != _rolesFlipped ? ref _first : ref _second;

    /// <summary>The other endpoint of <paramref name="e"/>, which must be one of this connection's.</summary>
    private ref TcpEndpoint Peer(ref TcpEndpoint e) => ref Unsafe.AreSame(ref e, ref _first) ? ref _second : ref _first;

    private Slot SlotOf(ref TcpEndpoint e) => Unsafe.AreSame(ref e, ref _first) ? Slot.First : Slot.Second;

    private bool IsOrig(ref TcpEndpoint e) => Unsafe.AreSame(ref e, ref _first) != _rolesFlipped;

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
    public string ConnState => ZeekConnState.Tcp(Originator.ZeekState, Responder.ZeekState, OrigBytes, RespBytes, History.ToString());

    /// <summary>Zeek's orig_bytes: sequence space the originator used (see <see cref="TcpEndpoint.Size"/>).</summary>
    public long OrigBytes => Originator.Size(in Responder);
    public long RespBytes => Responder.Size(in Originator);

    public OpenKind Open
    {
        get
        {
            ref readonly TcpEndpoint o = ref Originator, r = ref Responder;
            if (o.SentSyn && r.SentSyn) return OpenKind.SimultaneousOpen;
            if (!o.SentSyn) return OpenKind.Midstream;
            if (r.SentSynAck) return OpenKind.ThreeWay;
            return r.SentRst ? OpenKind.Refused : OpenKind.Unanswered;
        }
    }

    public CloseKind Close
    {
        get
        {
            if (_secondFinSeen)
                return _finsCrossed ? CloseKind.Simultaneous : _secondFinAckedFirst && !_firstFinAckedAlone ? CloseKind.ThreeWay : CloseKind.FourWay;
            if (_firstRstBy != Slot.None) return (_firstRstBy == Slot.Second) == _rolesFlipped ? CloseKind.ResetByOrig : CloseKind.ResetByResp;
            return _firstFinBy != Slot.None ? CloseKind.HalfClosed : CloseKind.Open;
        }
    }

    /// <summary>
    /// Follows one packet of this connection (call once per packet, in capture order): updates both endpoints'
    /// RFC 9293 states and Zeek's bookkeeping, and fills the packet's role and the states it leaves the sender and
    /// the receiver in. May swap originator and responder, as Zeek does; <see cref="Conversation.DirectionOf"/>
    /// gives the packet's direction afterwards.
    /// </summary>
    public void Track(in DecodedPacket p, ref PacketAnalysis analysis)
    {
        ref var sender = ref EndpointAt(DirectionOf(p));
        ref var receiver = ref Peer(ref sender);
        analysis.Role = TrackStates(ref sender, ref receiver, p);
        analysis.SenderState = sender.State;
        analysis.ReceiverState = receiver.State;
        TrackZeek(ref sender, p);
    }

    private PacketRole TrackStates(ref TcpEndpoint s, ref TcpEndpoint r, in DecodedPacket p)
    {
        var f = p.Flags;
        bool syn = (f & TcpFlags.Syn) != 0, ack = (f & TcpFlags.Ack) != 0, fin = (f & TcpFlags.Fin) != 0, rst = (f & TcpFlags.Rst) != 0;
        uint seq = p.SequenceNumber, ackNo = p.AcknowledgmentNumber;
        int len = p.PayloadLength;

        // A capture that starts after the handshake: both sides were already talking.
        if (!s.SentAnything && !r.SentAnything && !syn && !rst)
            s.State = r.State = TcpState.Established;
        else if (!s.SentAnything && !syn && !rst && s.State == TcpState.Closed)
            s.State = TcpState.Established;
        s.SentAnything = true;

        if (rst)
        {
            // RFC 9293 §3.10.7.4: an acceptable RST closes the receiver; the sender has aborted.
            s.SentRst = true;
            if (_firstRstBy == Slot.None) _firstRstBy = SlotOf(ref s);
            s.State = TcpState.Closed;
            r.State = TcpState.Closed;
            return PacketRole.Reset;
        }

        uint segEnd = unchecked(seq + (uint)len + (syn ? 1u : 0u) + (fin ? 1u : 0u));
        bool newData = !s.HasNextSeq || SequenceNumber.After(segEnd, s.NextSeq);
        PacketRole role;

        if (syn)
        {
            if (s.HasIsn && s.Isn == seq)
                role = PacketRole.Retransmission;
            else if (!ack)
            {
                role = PacketRole.HandshakeSyn;
                s.SentSyn = true;
                s.HasIsn = true;
                s.Isn = seq;
                if (s.State is TcpState.Closed or TcpState.Listen) s.State = TcpState.SynSent;
                // The receiver is assumed to listen until it answers; one that had sent its own SYN opens simultaneously.
                if (r.State == TcpState.Closed) r.State = TcpState.Listen;
                else if (r.State == TcpState.SynSent) r.State = TcpState.SynReceived;
            }
            else
            {
                role = PacketRole.HandshakeSynAck;
                s.SentSynAck = true;
                s.HasIsn = true;
                s.Isn = seq;
                if (s.State is TcpState.Closed or TcpState.Listen or TcpState.SynSent) s.State = TcpState.SynReceived;
                // A SYN-ACK seen without its SYN: the peer must have sent one.
                if (r.State is TcpState.Closed or TcpState.Listen && !r.SentAnything) r.State = TcpState.SynSent;
            }
            ReceiveAck(ref s, ref r, ack, ackNo, fin);
            if (fin) SendFin(ref s, ref r, seq, len, ack, ackNo);
            Advance(ref s, segEnd, ack, ackNo, p.Window);
            return role;
        }

        bool handshakeAck = ack && s.SentSyn && !s.SentHandshakeAck && r.HasIsn && SequenceNumber.After(ackNo, r.Isn);
        bool acksFinFirstTime = ack && r.SentFin && !r.FinAcked && SequenceNumber.After(ackNo, r.FinSeq);
        bool newFin = fin && !(s.SentFin && unchecked(seq + (uint)len) == s.FinSeq);

        if (handshakeAck)
        {
            s.SentHandshakeAck = true;
            if (s.State == TcpState.SynSent) s.State = TcpState.Established;
        }
        bool rFinWasFirst = _firstFinBy == SlotOf(ref r);
        ReceiveAck(ref s, ref r, ack, ackNo, fin);

        if (newFin)
        {
            role = _firstFinBy == Slot.None ? PacketRole.TeardownFin : PacketRole.TeardownSecondFin;
            SendFin(ref s, ref r, seq, len, ack, ackNo);
        }
        else if (fin)
            role = PacketRole.Retransmission;
        else if (handshakeAck)
            role = PacketRole.HandshakeAck;
        else if (acksFinFirstTime)
        {
            role = rFinWasFirst ? PacketRole.TeardownAckOfFin : PacketRole.TeardownAckOfSecondFin;
            if (rFinWasFirst && !s.SentFin) _firstFinAckedAlone = true;
        }
        else if (s.HasNextSeq && len <= 1 && seq == unchecked(s.NextSeq - 1))
            role = PacketRole.KeepAlive;
        else if (len > 0 && !newData)
            role = PacketRole.Retransmission;
        else if (p.Window == 0)
            role = PacketRole.ZeroWindow;
        else if (len == 0 && s.HasLastAck && ackNo == s.LastAck && p.Window != s.LastWindow && s.HasNextSeq && seq == s.NextSeq)
            role = PacketRole.WindowUpdate;
        else
            role = len > 0 ? PacketRole.Data : PacketRole.Ack;

        Advance(ref s, segEnd, ack, ackNo, p.Window);
        return role;
    }

    /// <summary>What the receiver of an acknowledgment learns: its SYN or its FIN arrived (RFC 9293 §3.10.7.4, fifth check).</summary>
    private static void ReceiveAck(ref TcpEndpoint s, ref TcpEndpoint r, bool ack, uint ackNo, bool fin)
    {
        if (!ack) return;
        if (r.HasIsn && SequenceNumber.After(ackNo, r.Isn))
        {
            if (r.State is TcpState.SynReceived or TcpState.SynSent) r.State = TcpState.Established;
            // The sender acknowledges the receiver's SYN: it has seen it, even if the capture missed the SYN-ACK.
            if (s.State == TcpState.SynSent) s.State = TcpState.Established;
        }
        if (r.SentFin && !r.FinAcked && SequenceNumber.After(ackNo, r.FinSeq))
        {
            r.FinAcked = true;
            r.State = r.State switch
            {
                TcpState.FinWait1 => TcpState.FinWait2,
                TcpState.Closing => TcpState.TimeWait,
                TcpState.LastAck => TcpState.Closed,
                _ => r.State,
            };
        }
    }

    private void SendFin(ref TcpEndpoint s, ref TcpEndpoint r, uint seq, int len, bool ack, uint ackNo)
    {
        s.SentFin = true;
        s.FinSeq = unchecked(seq + (uint)len);
        if (_firstFinBy == Slot.None)
            _firstFinBy = SlotOf(ref s);
        else if (_firstFinBy != SlotOf(ref s))
        {
            _secondFinSeen = true;
            bool acksFirst = ack && SequenceNumber.After(ackNo, r.FinSeq);
            // The second FIN does not acknowledge the first: it left before the first arrived, so the FINs crossed.
            _finsCrossed = !acksFirst;
            _secondFinAckedFirst = acksFirst;
        }

        bool peerFinArrived = r.SentFin && (!ack || SequenceNumber.After(ackNo, r.FinSeq));
        s.State = s.State switch
        {
            TcpState.CloseWait when peerFinArrived => TcpState.LastAck,
            // The peer's FIN was assumed delivered, but this FIN does not acknowledge it: both were in flight.
            TcpState.CloseWait => TcpState.Closing,
            TcpState.Established or TcpState.SynReceived or TcpState.SynSent => TcpState.FinWait1,
            _ => s.State,
        };
        // The receiver gets the FIN (RFC 9293 §3.10.7.4, eighth check).
        r.State = r.State switch
        {
            TcpState.Established or TcpState.SynReceived or TcpState.SynSent or TcpState.Listen => TcpState.CloseWait,
            TcpState.FinWait1 => TcpState.Closing,
            TcpState.FinWait2 => TcpState.TimeWait,
            _ => r.State,
        };
    }

    private static void Advance(ref TcpEndpoint s, uint segEnd, bool ack, uint ackNo, ushort window)
    {
        if (!s.HasNextSeq || SequenceNumber.After(segEnd, s.NextSeq))
        {
            s.NextSeq = segEnd;
            s.HasNextSeq = true;
        }
        if (ack)
        {
            s.LastAck = ackNo;
            s.HasLastAck = true;
        }
        s.LastWindow = window;
    }

    /// <summary>Swaps originator and responder with everything kept per direction, and records Zeek's '^'.</summary>
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
        if ((p.Flags & TcpFlags.Syn) != 0)
        {
            if (!b.HasBase || !b.HasSyn)
            {
                b.Base = p.SequenceNumber;
                b.HasBase = true;
            }
            if (!b.HasSyn)
            {
                b.SynSeq = p.SequenceNumber;
                b.HasSyn = true;
            }
            return;
        }
        if (!b.HasBase)
        {
            // No SYN seen in this direction: count from one before the first sequence number seen, so that
            // byte gets relative number 1 (Wireshark's rule for captures that start mid-connection).
            b.Base = p.SequenceNumber - 1;
            b.HasBase = true;
        }
    }

    public uint RelativeSeq(Direction d, uint raw) => raw - BaseAt((int)d).Base;

    /// <summary>
    /// An ACK counts in the other direction's sequence space. When nothing has been seen from the other side
    /// yet, its base is taken from this ACK so the ACK reads 1 (Wireshark does the same).
    /// </summary>
    public uint RelativeAck(Direction d, uint raw)
    {
        ref var other = ref BaseAt(1 - (int)d);
        if (!other.HasBase)
        {
            other.Base = raw - 1;
            other.HasBase = true;
        }
        return raw - other.Base;
    }
}

/// <summary>Where one direction's relative sequence numbers start (see <see cref="TcpConnection.BaseOf"/>).</summary>
public struct SequenceBase
{
    // Both numbers before both flags, so the struct packs into 12 bytes.
    /// <summary>The raw sequence number that counts as relative 0.</summary>
    public uint Base;
    /// <summary>The raw ISN of the SYN seen in this direction, when <see cref="HasSyn"/>.</summary>
    public uint SynSeq;
    public bool HasBase;
    public bool HasSyn;
}
