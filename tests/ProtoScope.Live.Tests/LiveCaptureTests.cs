using System.Net;
using System.Text;
using ProtoScope.Capture;
using ProtoScope.Core.Decoding;
using ProtoScope.Core.Session;

namespace ProtoScope.Live.Tests;

/// <summary>The live source in-process on `lo`: what the test sends through sockets comes back, whole and decoded.</summary>
public class LiveCaptureTests
{
    private static List<(PacketHeader Header, byte[] Data)> ReadAll(LiveCapture capture, int expected, TimeSpan within)
    {
        var got = new List<(PacketHeader, byte[])>();
        var deadline = DateTime.UtcNow + within;
        while (got.Count < expected && DateTime.UtcNow < deadline)
        {
            var status = capture.Read(out var header, out var data);
            if (status == ReadStatus.Packet) got.Add((header, data.ToArray()));
            else if (status is ReadStatus.End or ReadStatus.Error) break;
        }
        return got;
    }

    [Fact]
    public void Every_datagram_sent_over_IPv4_and_IPv6_is_captured_and_decoded()
    {
        int port = Traffic.FreeUdpPort();
        using var capture = LiveCapture.Open("lo", new LiveCaptureOptions { Filter = $"udp dst port {port}" });
        Assert.Equal(LinkType.Ethernet, capture.LinkType);
        var v4 = Traffic.SendUdp(new IPEndPoint(IPAddress.Loopback, port), 300, "v4", 40);
        var v6 = Traffic.SendUdp(new IPEndPoint(IPAddress.IPv6Loopback, port), 300, "v6", 1200);
        var sent = v4.Concat(v6).ToList();

        var got = ReadAll(capture, sent.Count, TimeSpan.FromSeconds(15));

        Assert.Equal(sent.Count, got.Count);
        var session = new CaptureSession(capture.LinkType);
        for (int i = 0; i < sent.Count; i++)
        {
            var (header, data) = got[i];
            session.Add(header, data);
            ref readonly var p = ref session.Current;
            Assert.False(p.HasError, p.Error.ToString());
            Assert.Equal(Transport.Udp, p.Transport);
            Assert.Equal(i < v4.Count ? "127.0.0.1" : "::1", p.Src.ToString());
            Assert.Equal(port, p.DstPort);
            Assert.Equal(header.WireLength, header.CapturedLength);
            Assert.Equal(sent[i], Encoding.ASCII.GetString(data, p.PayloadOffset, p.PayloadLength));
        }
        Assert.True(capture.Statistics.Captured >= sent.Count);
        Assert.Equal(0, capture.Statistics.DroppedByKernel);
    }

    [Fact]
    public void Stop_delivers_what_was_already_captured_then_ends()
    {
        int port = Traffic.FreeUdpPort();
        using var capture = LiveCapture.Open("lo", new LiveCaptureOptions { Filter = $"udp dst port {port}", ReadTimeout = TimeSpan.FromSeconds(1) });
        // sendto on lo hands the frame to packet sockets before it returns: all of these are in libpcap's
        // ring (or already queued) when Stop is called.
        var sent = Traffic.SendUdp(new IPEndPoint(IPAddress.Loopback, port), 500, "stop");
        capture.Stop();

        var got = new List<string>();
        ReadStatus status;
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while ((status = capture.Read(out _, out var data)) != ReadStatus.End && DateTime.UtcNow < deadline)
            if (status == ReadStatus.Packet) got.Add(Encoding.ASCII.GetString(data[^10..]));
        Assert.Equal(ReadStatus.End, status);
        Assert.Equal(sent, got);
    }

    [Fact]
    public void Snaplen_cuts_packets_but_keeps_the_wire_length()
    {
        int port = Traffic.FreeUdpPort();
        using var capture = LiveCapture.Open("lo", new LiveCaptureOptions { Filter = $"udp dst port {port}", Snaplen = 60 });
        Traffic.SendUdp(new IPEndPoint(IPAddress.Loopback, port), 1, "snap", 500);
        var got = ReadAll(capture, 1, TimeSpan.FromSeconds(10));
        Assert.Single(got);
        // libpcap's TPACKET_V2 frames may keep a few bytes less than the snaplen (see ImmediateBufferSize).
        Assert.InRange(got[0].Header.CapturedLength, 14 + 20 + 8, 60);
        Assert.Equal(14 + 20 + 8 + 500, got[0].Header.WireLength);
    }

    [Fact]
    public void A_bad_filter_is_reported_with_libpcaps_message()
    {
        var e = Assert.Throws<CaptureError>(() => LiveCapture.Open("lo", new LiveCaptureOptions { Filter = "udp port 53 and" }));
        Assert.Contains("syntax error", e.Message);
        Assert.Contains("udp port 53 and", e.Message);
    }

    [Fact]
    public void An_unknown_interface_points_to_the_devices_verb()
    {
        var e = Assert.Throws<CaptureError>(() => LiveCapture.Open("nosuchif0", new LiveCaptureOptions()));
        Assert.Contains("protoscope devices", e.Message);
    }

    [Fact]
    public void Devices_lists_loopback_with_its_addresses_as_the_kernel_has_them()
    {
        var lo = CaptureInterface.List(probe: true).Single(i => i.Name == "lo");
        Assert.True(lo.IsLoopback);
        Assert.True(lo.IsUp);
        Assert.True(lo.CanCapture); // the tests run as root
        var kernel = Host.Run("ip", "-o", "addr", "show", "dev", "lo").Stdout
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3]).Order();
        Assert.Equal(kernel, lo.Addresses.Select(a => a.ToString()).Order());
    }
}
