using ProtoScope.Core.Decoding;

namespace ProtoScope.Core.Session;

/// <summary>Per-direction counters of a conversation.</summary>
public struct DirectionStats
{
    public long Packets;
    /// <summary>Transport payload bytes as the headers state them (Zeek's orig_bytes counts sequence space; see the TCP tracker).</summary>
    public long PayloadBytes;
    public long IpBytes;
}

/// <summary>
/// A TCP connection or UDP conversation: the endpoints, who spoke first, and per-direction counts.
/// <see cref="Id"/> is tshark's tcp.stream / udp.stream number.
/// </summary>
public abstract class Conversation
{
    protected Conversation(int id, in DecodedPacket first, long frame, long timestamp)
    {
        Id = id;
        _origHigh = first.Src.High;
        _origLow = first.Src.Low;
        _respHigh = first.Dst.High;
        _respLow = first.Dst.Low;
        _version = first.Src.Version;
        Transport = first.Transport;
        OrigPort = first.SrcPort;
        RespPort = first.DstPort;
        FirstFrame = frame;
        LastFrame = frame;
        StartTime = timestamp;
        EndTime = timestamp;
    }

    public int Id { get; }

    /// <summary>TCP or UDP: what code decides on. <see cref="Proto"/> is the same fact as output text.</summary>
    public Transport Transport { get; }
    public abstract string Proto { get; }

    // The two addresses as their parts rather than two NetAddress values (24 bytes each, 7 of them padding):
    // both come from one IP header, so they share one version.
    private ulong _origHigh, _origLow, _respHigh, _respLow;
    private readonly byte _version;

    public NetAddress OrigAddress => NetAddress.FromParts(_origHigh, _origLow, _version);
    public ushort OrigPort { get; private set; }
    public NetAddress RespAddress => NetAddress.FromParts(_respHigh, _respLow, _version);
    public ushort RespPort { get; private set; }
    public long FirstFrame { get; }
    public long LastFrame { get; internal set; }
    /// <summary>Nanoseconds since the epoch.</summary>
    public long StartTime { get; }
    public long EndTime { get; internal set; }
    public DirectionStats Orig;
    public DirectionStats Resp;

    /// <summary>The tunnel the conversation's first packet came through; null for a conversation not in a tunnel.</summary>
    public Tunnel? Tunnel { get; internal set; }

    public ref DirectionStats Stats(Direction d) => ref d == Direction.Orig ? ref Orig : ref Resp;

    public Direction DirectionOf(in DecodedPacket p) =>
        p.SrcPort == OrigPort && p.Src == OrigAddress ? Direction.Orig : Direction.Resp;

    /// <summary>Whether the packet travels between this conversation's two endpoints, in either direction.</summary>
    internal bool Connects(in DecodedPacket p) =>
        p.SrcPort == OrigPort && p.DstPort == RespPort && p.Src == OrigAddress && p.Dst == RespAddress
        || p.SrcPort == RespPort && p.DstPort == OrigPort && p.Src == RespAddress && p.Dst == OrigAddress;

    /// <summary>Swaps originator and responder (Zeek flips a connection whose first packet came from the responder).</summary>
    protected void Flip()
    {
        (_origHigh, _origLow, _respHigh, _respLow) = (_respHigh, _respLow, _origHigh, _origLow);
        (OrigPort, RespPort) = (RespPort, OrigPort);
        (Orig, Resp) = (Resp, Orig);
    }
}
