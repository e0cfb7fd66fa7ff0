using SharpPcap;
using SharpPcap.LibPcap;

namespace ProtoScope.Capture;

/// <summary>Finds and opens libpcap's live devices, turning libpcap's failures into messages for the user.</summary>
internal static class LiveDevices
{
    /// <summary>Where scripts/install.sh puts the executable, the file the capability belongs on.</summary>
    public const string InstalledPath = "/usr/local/bin/protoscope";

    public static LibPcapLiveDevice Find(string name)
    {
        var list = Libpcap.Call(LibPcapLiveDeviceList.New);
        foreach (var d in list)
            if (d.Name == name) return d;
        throw new CaptureError($"no interface named '{name}'; 'protoscope devices' lists the ones you can capture on");
    }

    /// <summary>
    /// Opens (pcap_create + pcap_activate) <paramref name="device"/>. Every failure becomes a
    /// <see cref="CaptureError"/>; the device is closed again when opening fails.
    /// </summary>
    public static void Open(LibPcapLiveDevice device, DeviceConfiguration config)
    {
        string? configurationProblem = null;
        config.ConfigurationFailed += (_, e) => configurationProblem ??= $"{e.Property}: {e.Message}";
        try
        {
            device.Open(config);
        }
        catch (PcapException e)
        {
            device.Close();
            throw new CaptureError(Describe(device.Name, e), e);
        }
        if (configurationProblem is not null)
        {
            device.Close();
            throw new CaptureError($"cannot capture on {device.Name}: libpcap refused the setting {configurationProblem}");
        }
    }

    private static string Describe(string name, PcapException e) => e.Error switch
    {
        PcapError.PermissionDenied or PcapError.PromiscuousPermissionDenied => PermissionDenied(name),
        PcapError.NoSuchDevice => $"no interface named '{name}'; 'protoscope devices' lists the ones you can capture on",
        PcapError.InterfaceNotUp => $"cannot capture on {name}: the interface is down; bring it up with 'sudo ip link set {name} up'",
        _ => $"cannot capture on {name}: {e.Message.Trim()}",
    };

    /// <summary>
    /// The one-line answer to "you may not capture": both fixes, the second naming the file the capability
    /// must be on. A capability on `dotnet` would hand raw sockets to every .NET program, and one on the binary
    /// scripts/protoscope builds into the checkout's .build/ goes with the next build, so in both cases the message
    /// names the installed executable instead.
    /// </summary>
    public static string PermissionDenied(string name)
    {
        string? self = Environment.ProcessPath;
        bool installed = self is not null && Path.GetFileNameWithoutExtension(self) != "dotnet"
            && !self.Split(Path.DirectorySeparatorChar).Contains(".build");
        string target = installed ? self! : InstalledPath;
        return $"you may not capture on {name}: run it with sudo, or grant the capture capability once with " +
               $"'sudo setcap cap_net_raw,cap_net_admin=eip {target}' (scripts/install.sh --setcap installs it and does this)";
    }
}
