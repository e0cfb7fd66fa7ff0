using ProtoScope.Core.Decoding;

namespace ProtoScope.Core.Tcp;

/// <summary>
/// A direction-independent 5-tuple: the lower (address, port) endpoint is always A, so both directions of a
/// conversation map to one key. A value type, so dictionary lookups allocate nothing.
/// </summary>
public readonly struct FlowKey : IEquatable<FlowKey>
{
    public readonly NetAddress A;
    public readonly NetAddress B;
    public readonly ushort PortA;
    public readonly ushort PortB;
    public readonly byte Protocol;

    private FlowKey(NetAddress a, ushort portA, NetAddress b, ushort portB, byte protocol)
    {
        A = a; PortA = portA; B = b; PortB = portB; Protocol = protocol;
    }

    /// <summary>The key of a packet's conversation; <paramref name="srcIsA"/> tells which side sent it.</summary>
    public static FlowKey Of(in DecodedPacket p, out bool srcIsA)
    {
        int c = p.Src.CompareTo(p.Dst);
        srcIsA = c < 0 || (c == 0 && p.SrcPort <= p.DstPort);
        return srcIsA
            ? new FlowKey(p.Src, p.SrcPort, p.Dst, p.DstPort, p.IpProtocol)
            : new FlowKey(p.Dst, p.DstPort, p.Src, p.SrcPort, p.IpProtocol);
    }

    public bool Equals(FlowKey o) => PortA == o.PortA && PortB == o.PortB && Protocol == o.Protocol && A.Equals(o.A) && B.Equals(o.B);
    public override bool Equals(object? obj) => obj is FlowKey o && Equals(o);
    public override int GetHashCode() => HashCode.Combine(A, B, PortA | (PortB << 16), Protocol);
}
