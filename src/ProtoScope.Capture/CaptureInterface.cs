using System.Net;
using System.Net.Sockets;
using SharpPcap;
using SharpPcap.LibPcap;

namespace ProtoScope.Capture;

/// <summary>An address of an interface with its prefix length (from the netmask libpcap reports).</summary>
public readonly record struct InterfaceAddress(IPAddress Address, int? PrefixLength)
{
    public override string ToString() => PrefixLength is { } p ? $"{Address}/{p}" : Address.ToString();
}

/// <summary>One interface as libpcap's pcap_findalldevs(3PCAP) sees it, and whether this process may capture on it.</summary>
/// <param name="CaptureProblem">Why this process may not capture on it (null when it may, or when not probed).</param>
public sealed record CaptureInterface(
    string Name,
    string? Description,
    IReadOnlyList<InterfaceAddress> Addresses,
    bool IsUp,
    bool IsRunning,
    bool IsLoopback,
    bool? CanCapture,
    string? CaptureProblem)
{
    // PCAP_IF_* flags from pcap/pcap.h.
    private const uint Loopback = 0x1, Up = 0x2, Running = 0x4;

    /// <summary>
    /// Lists the interfaces. With <paramref name="probe"/>, opens each one briefly (without promiscuous mode)
    /// to find out whether this process may capture on it: libpcap lists devices to anyone but checks the
    /// permission only when one is activated.
    /// </summary>
    /// <exception cref="CaptureError">libpcap is missing, or cannot list the interfaces.</exception>
    public static IReadOnlyList<CaptureInterface> List(bool probe)
    {
        LibPcapLiveDeviceList devices;
        try
        {
            devices = Libpcap.Call(LibPcapLiveDeviceList.New);
        }
        catch (PcapException e)
        {
            throw new CaptureError($"cannot list interfaces: {e.Message}", e);
        }
        var result = new List<CaptureInterface>();
        foreach (var d in devices)
        {
            var addresses = new List<InterfaceAddress>();
            foreach (var a in d.Addresses)
            {
                if (a.Addr?.ipAddress is not { } ip) continue;
                addresses.Add(new InterfaceAddress(ip, PrefixOf(a.Netmask?.ipAddress)));
            }
            bool? can = null;
            string? problem = null;
            if (probe) (can, problem) = Probe(d);
            result.Add(new CaptureInterface(d.Name, string.IsNullOrWhiteSpace(d.Description) ? null : d.Description, addresses,
                (d.Flags & Up) != 0, (d.Flags & Running) != 0, (d.Flags & Loopback) != 0, can, problem));
        }
        return result;
    }

    private static (bool, string?) Probe(LibPcapLiveDevice device)
    {
        try
        {
            LiveDevices.Open(device, new DeviceConfiguration { Mode = DeviceModes.None, Snaplen = 64, ReadTimeout = 1 });
            device.Close();
            return (true, null);
        }
        catch (CaptureError e)
        {
            return (false, e.InnerException is PcapException { Error: PcapError.PermissionDenied } ? "permission denied" : e.Message);
        }
    }

    private static int? PrefixOf(IPAddress? mask)
    {
        if (mask is null || (mask.AddressFamily != AddressFamily.InterNetwork && mask.AddressFamily != AddressFamily.InterNetworkV6))
            return null;
        int bits = 0;
        foreach (byte b in mask.GetAddressBytes())
            bits += System.Numerics.BitOperations.PopCount(b);
        return bits;
    }
}
