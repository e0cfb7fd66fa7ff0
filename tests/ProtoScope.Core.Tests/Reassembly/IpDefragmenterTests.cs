using System.Net;
using PacketDotNet;
using ProtoScope.Core.Decoding;
using ProtoScope.Core.Reassembly;

namespace ProtoScope.Core.Tests.Reassembly;

public class IpDefragmenterTests
{
    private static readonly IPAddress A = IPAddress.Parse("10.0.0.1"), B = IPAddress.Parse("10.0.0.2");

    /// <summary>An IPv4 fragment (raw IP, link type 101) of a datagram of protocol UDP, built by PacketDotNet.</summary>
    private static byte[] Fragment(ushort id, int offset, byte[] data, bool more, IPAddress? src = null)
    {
        var ip = new IPv4Packet(src ?? A, B) { Protocol = ProtocolType.Udp, PayloadData = data, Id = id, TimeToLive = 64 };
        ip.FragmentOffset = offset / 8;
        ip.FragmentFlags = more ? 0b001 : 0;
        ip.UpdateCalculatedValues();
        ip.UpdateIPChecksum();
        return ip.Bytes;
    }

    private static bool Add(IpDefragmenter d, byte[] bytes, long timestamp, out byte[] whole, out int count)
    {
        var p = new DecodedPacket();
        PacketDecoder.Decode(bytes, LinkType.Raw, bytes.Length, ref p);
        Assert.True(p.IsFragment);
        return d.Add(in p, bytes, timestamp, out whole, out count);
    }

    /// <summary>A UDP datagram 10.0.0.1:5000 → 10.0.0.2:6000 with its checksum, no IP header; each payload byte is its offset in the datagram.</summary>
    private static byte[] UdpDatagram(int payload)
    {
        var data = new byte[payload];
        for (int i = 0; i < payload; i++) data[i] = (byte)(8 + i);
        var udp = new UdpPacket(5000, 6000) { PayloadData = data };
        // The checksum covers the addresses of the IP packet the datagram is in.
        _ = new IPv4Packet(A, B) { PayloadPacket = udp };
        udp.UpdateUdpChecksum();
        return udp.Bytes;
    }

    [Fact]
    public void Fragments_out_of_order_make_the_whole_datagram_at_the_last_one_to_arrive()
    {
        var udp = UdpDatagram(2992);
        var d = new IpDefragmenter();
        Assert.False(Add(d, Fragment(7, 1496, udp[1496..], more: false), 0, out _, out _));
        // Other identifications and other sources are other datagrams.
        Assert.False(Add(d, Fragment(8, 0, udp[..1496], more: true), 1, out _, out _));
        Assert.False(Add(d, Fragment(7, 0, udp[..1496], more: true, src: IPAddress.Parse("10.0.0.9")), 1, out _, out _));
        Assert.Equal(3, d.PendingDatagrams);
        Assert.True(Add(d, Fragment(7, 0, udp[..1496], more: true), 2, out var frame, out int count));
        Assert.Equal(2, count);
        var whole = new DecodedPacket();
        PacketDecoder.Decode(frame, LinkType.Raw, frame.Length, ref whole);
        Assert.False(whole.IsFragment);
        Assert.Equal(Transport.Udp, whole.Transport);
        Assert.Equal(2992, whole.PayloadLength);
        Assert.Equal(udp[8..], whole.Payload(frame).ToArray());
        Assert.Equal(2, d.PendingDatagrams);
    }

    [Fact]
    public void Overlapping_fragments_keep_the_bytes_already_in_place_and_count_a_conflict()
    {
        var udp = UdpDatagram(2992);
        var forged = (byte[])udp.Clone();
        for (int i = 1000; i < 1496; i++) forged[i] = 0xEE;
        var d = new IpDefragmenter();
        Assert.False(Add(d, Fragment(1, 0, udp[..1496], more: true), 0, out _, out _));
        // A second fragment rewriting bytes 1000..1495 with other data, then the rest.
        Assert.False(Add(d, Fragment(1, 1000, forged[1000..2000], more: true), 1, out _, out _));
        Assert.True(Add(d, Fragment(1, 2000, udp[2000..], more: false), 2, out var frame, out _));
        var p = new DecodedPacket();
        PacketDecoder.Decode(frame, LinkType.Raw, frame.Length, ref p);
        Assert.Equal(udp[8..], p.Payload(frame).ToArray());
        Assert.Equal(1, d.OverlapConflicts);
    }

    [Fact]
    public void A_datagram_waiting_longer_than_the_timeout_is_given_up()
    {
        var udp = UdpDatagram(2992);
        var d = new IpDefragmenter();
        Assert.False(Add(d, Fragment(1, 0, udp[..1496], more: true), 0, out _, out _));
        long late = (long)IpDefragmenter.Timeout.TotalNanoseconds + 1;
        Assert.False(Add(d, Fragment(1, 1496, udp[1496..], more: false), late, out _, out _));
        Assert.Equal(1, d.Abandoned);
        Assert.Equal(1, d.PendingDatagrams); // the late fragment waits alone for a first one
    }

    [Fact]
    public void A_flood_of_fragments_that_never_complete_stays_within_the_bounds()
    {
        var d = new IpDefragmenter(maxDatagrams: 1000, maxBytes: 1_000_000);
        var piece = new byte[1480];
        for (int i = 0; i < 100_000; i++)
            Add(d, Fragment((ushort)i, 0, piece, more: true, src: new IPAddress(0x0A000000 + i / 65536)), i, out _, out _);
        Assert.True(d.PendingDatagrams <= 1000, $"{d.PendingDatagrams} datagrams pending");
        Assert.True(d.PendingBytes <= 1_000_000, $"{d.PendingBytes} bytes pending");
        Assert.True(d.Abandoned >= 99_000);
    }

    [Fact]
    public void Fragments_adding_up_beyond_65535_bytes_are_dropped()
    {
        var d = new IpDefragmenter();
        Assert.False(Add(d, Fragment(1, 0, new byte[1480], more: true), 0, out _, out _));
        Assert.False(Add(d, Fragment(1, 65528, new byte[100], more: false), 1, out _, out _));
        Assert.Equal(0, d.PendingDatagrams);
        Assert.Equal(1, d.Abandoned);
    }
}
