using ProtoScope.Core.Decoding;
using ProtoScope.Core.Session;
using ProtoScope.Core.Tcp;

namespace ProtoScope.Core.Reassembly;

/// <summary>
/// Both directions of one TCP connection and the out-of-order bytes they hold together. Per direction fields
/// rather than arrays: one of these exists for every connection with a direction still open.
/// </summary>
internal sealed class ConnectionStreams(TcpConnection connection)
{
    public TcpConnection Connection { get; } = connection;
    private HalfStream? _orig, _resp;
    /// <summary>Who sends on each half: halves stay bound to their sender when the tracker swaps roles.</summary>
    private NetAddress _origSender, _respSender;
    private ushort _origSenderPort, _respSenderPort;
    /// <summary>Bit i set once the factory was asked for direction i, so it is asked once even when it answers null.</summary>
    private byte _asked;
    public long Buffered;

    public HalfStream? Half(Direction d) => d == Direction.Orig ? _orig : _resp;

    public bool Asked(Direction d) => (_asked & (1 << (int)d)) != 0;

    public HalfStream? Other(HalfStream half) => ReferenceEquals(_orig, half) ? _resp : _orig;

    public Direction DirectionOf(HalfStream half) => ReferenceEquals(_orig, half) ? Direction.Orig : Direction.Resp;

    /// <summary>Records that <paramref name="d"/> was asked for, who sends on it and what (if anything) consumes it.</summary>
    public void Bind(Direction d, in DecodedPacket p, HalfStream? half)
    {
        _asked |= (byte)(1 << (int)d);
        if (d == Direction.Orig) (_origSender, _origSenderPort, _orig) = (p.Src, p.SrcPort, half);
        else (_respSender, _respSenderPort, _resp) = (p.Src, p.SrcPort, half);
    }

    /// <summary>
    /// The half a packet belongs to: the one bound to its sender if any, else the session's direction. The
    /// connection tracker may swap originator and responder after a direction was bound (Zeek's '^' flips); the
    /// bytes keep flowing to the right consumer, whose direction label is the one it was made with.
    /// </summary>
    public Direction HalfOf(in DecodedPacket p, Direction sessionDirection)
    {
        if (Asked(Direction.Orig) && _origSenderPort == p.SrcPort && _origSender == p.Src) return Direction.Orig;
        if (Asked(Direction.Resp) && _respSenderPort == p.SrcPort && _respSender == p.Src) return Direction.Resp;
        if (Asked(Direction.Orig)) return Direction.Resp;
        if (Asked(Direction.Resp)) return Direction.Orig;
        return sessionDirection;
    }

    /// <summary>Both directions were bound and have nothing more to deliver: the connection's reassembly is over.</summary>
    public bool Over => _asked == 3 && (_orig?.Ended ?? true) && (_resp?.Ended ?? true);
}
