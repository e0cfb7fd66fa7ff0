using ProtoScope.Core.Decoding;
using ProtoScope.Core.Session;
using ProtoScope.Core.Tests.Decoding;
using ProtoScope.Core.Tests.Tcp;

namespace ProtoScope.Core.Tests.Session;

/// <summary>
/// The per-packet path of an established conversation allocates nothing: decode into the session's reused struct,
/// find the conversation through the table's index, track, count. Only a new conversation may allocate (its objects).
/// gopacket's reassembly tests pin the same property for its ordered path.
/// </summary>
public class SteadyStateAllocationTests
{
    private const int Warmup = 2_000, Measured = 20_000;

    [Fact]
    public void Established_tcp_connection_allocates_nothing_per_packet()
    {
        // Handshake, then data both ways with their ACKs: each round is C data, S ack, S data, C ack.
        var segments = new List<Segment> { new('C', "S", 1000, 0), new('S', "S.", 5000, 1001), new('C', ".", 1001, 5001) };
        uint c = 1001, s = 5001;
        for (int i = 0; i < (Warmup + Measured) / 4; i++)
        {
            segments.Add(new('C', "P.", c, s, 100));
            c += 100;
            segments.Add(new('S', ".", s, c));
            segments.Add(new('S', "P.", s, c, 60));
            s += 60;
            segments.Add(new('C', ".", c, s));
        }
        var packets = segments.Select(seg => SegmentScript.Build(seg)).ToArray();

        long allocated = AllocatedWhileAdding(packets, LinkType.Raw, skip: 3 + Warmup);

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Established_udp_conversation_allocates_nothing_per_packet()
    {
        var request = Frames.IPv4(17, Frames.Udp(40000, 53, 40));
        var reply = Frames.IPv4(17, Frames.Udp(53, 40000, 120), src: "10.0.0.2", dst: "10.0.0.1");
        var packets = Enumerable.Range(0, Warmup + Measured).Select(i => i % 2 == 0 ? request : reply).ToArray();

        long allocated = AllocatedWhileAdding(packets, LinkType.Raw, skip: Warmup);

        Assert.Equal(0, allocated);
    }

    /// <summary>Adds every packet to one session; returns the bytes this thread allocated after the first <paramref name="skip"/>.</summary>
    private static long AllocatedWhileAdding(byte[][] packets, int linkType, int skip)
    {
        var session = new CaptureSession(linkType, 1_000_000_000);
        var headers = packets.Select((p, i) => new PacketHeader(1_700_000_000_000_000_000L + i * 1_000L, p.Length, p.Length)).ToArray();
        for (int i = 0; i < skip; i++)
            session.Add(headers[i], packets[i]);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = skip; i < packets.Length; i++)
            session.Add(headers[i], packets[i]);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(packets.Length, session.PacketCount);
        return allocated;
    }
}
