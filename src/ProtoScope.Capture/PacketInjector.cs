using SharpPcap;
using SharpPcap.LibPcap;

namespace ProtoScope.Capture;

/// <summary>Sends raw link-layer frames onto an interface with pcap_sendpacket(3PCAP).</summary>
public sealed class PacketInjector : IDisposable
{
    private readonly LibPcapLiveDevice _device;

    public string Name { get; }
    public int LinkType { get; }
    public bool IsLoopback { get; }

    private PacketInjector(string name, LibPcapLiveDevice device)
    {
        Name = name;
        _device = device;
        LinkType = (int)device.LinkType;
        IsLoopback = (device.Flags & 0x1) != 0; // PCAP_IF_LOOPBACK
    }

    /// <summary>Opens <paramref name="name"/> for sending; throws <see cref="CaptureError"/> as <see cref="LiveCapture.Open"/> does.</summary>
    public static PacketInjector Open(string name)
    {
        var device = LiveDevices.Find(name);
        LiveDevices.Open(device, new DeviceConfiguration { Mode = DeviceModes.None, Snaplen = 64, ReadTimeout = 1 });
        return new PacketInjector(name, device);
    }

    /// <summary>Sends one frame; returns libpcap's error instead of throwing, since one bad frame should not end a replay.</summary>
    public string? Send(ReadOnlySpan<byte> frame)
    {
        try
        {
            _device.SendPacket(frame);
            return null;
        }
        catch (PcapException e)
        {
            return e.Message.Trim();
        }
    }

    /// <summary>
    /// True when this process runs in a network namespace other than init's (`ip netns exec`, a container):
    /// what it sends there cannot reach the host's real networks directly.
    /// </summary>
    public static bool InOwnNetworkNamespace()
    {
        try
        {
            string mine = Path.GetFileName(new FileInfo("/proc/self/ns/net").LinkTarget ?? "");
            string init = Path.GetFileName(new FileInfo("/proc/1/ns/net").LinkTarget ?? "");
            return mine.Length > 0 && init.Length > 0 && mine != init;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public void Dispose() => _device.Close();
}
