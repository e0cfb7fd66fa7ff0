using ProtoScope.Core.Tcp;

namespace ProtoScope.Core.Session;

/// <summary>What the one pass adds to a decoded packet: its conversation, direction, relative numbers and TCP role.</summary>
public struct PacketAnalysis
{
    /// <summary>1-based frame number in capture order.</summary>
    public long Frame;
    /// <summary>tcp.stream or udp.stream; -1 when the packet belongs to no conversation.</summary>
    public int Conversation;
    /// <summary>The side that sent the packet, by the conversation's originator after this packet.</summary>
    public Direction Direction;
    public uint RelativeSeq;
    public uint RelativeAck;
    public bool HasRelativeAck;
    /// <summary>What the TCP segment does in its connection; <see cref="PacketRole.None"/> for anything else.</summary>
    public PacketRole Role;
    /// <summary>The RFC 9293 state of the endpoint that sent the segment, after it.</summary>
    public TcpState SenderState;
    /// <summary>The RFC 9293 state of the endpoint it was sent to, after it (assuming it arrived).</summary>
    public TcpState ReceiverState;

    /// <summary>Wireshark's tcp.analysis flags of the segment (<see cref="TcpFlowAnalysis"/>).</summary>
    public TcpAnalysisFlags AnalysisFlags;
    /// <summary>tcp.analysis.ack_rtt in nanoseconds: the time since the segment this ACK acknowledges; 0 when none.</summary>
    public long AckRtt;
    /// <summary>tcp.analysis.acks_frame: the frame of the segment this ACK acknowledges; 0 when none.</summary>
    public long AcksFrame;
    /// <summary>tcp.analysis.initial_rtt in nanoseconds, once the handshake's ACK has been seen; 0 before.</summary>
    public long InitialRtt;
    /// <summary>tcp.analysis.bytes_in_flight; 0 when Wireshark shows none.</summary>
    public uint BytesInFlight;
    /// <summary>tcp.analysis.duplicate_ack_num (#n); 0 unless <see cref="TcpAnalysisFlags.DuplicateAck"/>.</summary>
    public uint DupAckNum;
    /// <summary>tcp.window_size: the window field scaled by the sender's window scale once the handshake settled it.</summary>
    public uint WindowSize;
    /// <summary>tcp.analysis.duplicate_ack_frame: the frame this ACK duplicates; 0 unless a duplicate ACK.</summary>
    public long DupAckFrame;
}
