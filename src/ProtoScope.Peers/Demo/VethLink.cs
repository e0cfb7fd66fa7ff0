using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;

namespace ProtoScope.Peers.Demo;

/// <summary>
/// A link of a demo's own: a network namespace joined to the host by a veth pair with MTU 1500 on both ends and
/// offloads off, so segments and fragments are MTU-sized on the wire as on a real Ethernet link. The server lives
/// in the namespace (<see cref="Inside{T}"/>); the client stays in the host and sends through the host end, where the
/// demo captures: every packet the client sent is in the capture, even one the link then loses. On request the link
/// loses packets (nftables in the namespace, for `demo loss`: this kernel has no netem) or the namespace's TCP offers
/// no timestamps (for `demo mss`). Dispose deletes the namespace, and the veth pair goes with it.
/// </summary>
public sealed partial class VethLink : IDisposable
{
    public const int Mtu = 1500;

    private readonly string _namespace;
    private readonly string _inside;
    private readonly int? _dropOneIn;

    private VethLink(string demo, int? dropOneIn)
    {
        int id = Environment.ProcessId;
        _namespace = $"ps{demo}{id}";
        // Interface names have at most 15 characters; the demo's initial keeps two demos' pairs apart.
        Interface = $"ps{demo[0]}{id % 1_000_000}h";
        _inside = $"ps{demo[0]}{id % 1_000_000}n";
        _dropOneIn = dropOneIn;
        int subnet = id % 250 + 1;
        ClientAddress = IPAddress.Parse($"10.77.{subnet}.1");
        ServerAddress = IPAddress.Parse($"10.77.{subnet}.2");
    }

    /// <summary>The host's end of the veth pair: where the demo captures.</summary>
    public string Interface { get; }

    public IPAddress ClientAddress { get; }
    public IPAddress ServerAddress { get; }

    /// <summary>
    /// What to capture on <see cref="Interface"/>: the traffic between the two ends, by address rather than by port,
    /// because an IP fragment after the first carries no UDP or TCP header and so no port for the filter to match.
    /// ARP and IPv6 neighbour discovery stay out.
    /// </summary>
    public string CaptureFilter => $"ip host {ServerAddress}";

    /// <summary>
    /// Makes the link for the demo named <paramref name="demo"/>: dropping one in <paramref name="dropOneIn"/> of the
    /// segments to <paramref name="port"/> when that is given, with TCP timestamps off in the namespace when
    /// <paramref name="tcpTimestamps"/> is false. Throws <see cref="VethLinkException"/>, with one line saying why,
    /// when it cannot: not root, or no <c>ip</c> (or <c>nft</c>, to drop).
    /// </summary>
    public static VethLink Create(string demo, int port, int? dropOneIn = null, bool tcpTimestamps = true)
    {
        if (!OperatingSystem.IsLinux() || !Environment.IsPrivilegedProcess)
            throw new VethLinkException($"demo {demo} needs root: it creates a network namespace and a veth pair{(dropOneIn is null ? "" : ", and drops packets with nftables")}");
        foreach (var tool in dropOneIn is null ? ["ip"] : new[] { "ip", "nft" })
            if (!OnPath(tool))
                throw new VethLinkException($"demo {demo} needs '{tool}' ({(tool == "ip" ? "iproute2" : "nftables")}), which is not installed");
        var link = new VethLink(demo, dropOneIn);
        try
        {
            link.Build(port, tcpTimestamps);
        }
        catch
        {
            link.Dispose();
            throw;
        }
        return link;
    }

    private void Build(int port, bool tcpTimestamps)
    {
        string mtu = Mtu.ToString(CultureInfo.InvariantCulture);
        Run("ip", "netns", "add", _namespace);
        Run("ip", "link", "add", Interface, "type", "veth", "peer", "name", _inside, "netns", _namespace);
        Run("ip", "addr", "add", $"{ClientAddress}/24", "dev", Interface);
        Run("ip", "-n", _namespace, "addr", "add", $"{ServerAddress}/24", "dev", _inside);
        Run("ip", "link", "set", Interface, "mtu", mtu, "up");
        Run("ip", "-n", _namespace, "link", "set", _inside, "mtu", mtu, "up");
        Run("ip", "-n", _namespace, "link", "set", "lo", "up");
        // Without offloads the kernel cuts segments to the MTU itself, as a real link's sender does, and the receiver
        // does not merge them; ethtool is optional: with offloads on, the capture shows segments larger than the MTU.
        if (OnPath("ethtool"))
        {
            TryRun("ethtool", "-K", Interface, "tso", "off", "gso", "off", "gro", "off");
            TryRun("ip", "netns", "exec", _namespace, "ethtool", "-K", _inside, "tso", "off", "gso", "off", "gro", "off");
        }
        if (!tcpTimestamps)
        {
            // The namespace has its own copy of the TCP sysctls, and a thread that has entered it writes that copy:
            // the host's stays as it was. Linux has no per-socket switch for timestamps.
            Inside(() =>
            {
                File.WriteAllText("/proc/sys/net/ipv4/tcp_timestamps", "0");
                return true;
            });
        }
        if (_dropOneIn is { } oneIn)
        {
            Run("ip", "netns", "exec", _namespace, "nft", "add", "table", "inet", "loss");
            Run("ip", "netns", "exec", _namespace, "nft", "add", "chain", "inet", "loss", "input", "{ type filter hook input priority 0; }");
            // Not the SYN: a lost SYN only delays the start by a second; data segments show the recovery.
            Run("ip", "netns", "exec", _namespace, "nft", "add", "rule", "inet", "loss", "input", "tcp", "dport", port.ToString(CultureInfo.InvariantCulture),
                "tcp", "flags", "&", "syn", "==", "0", "numgen", "random", "mod", oneIn.ToString(CultureInfo.InvariantCulture), "==", "0", "drop");
        }
    }

    /// <summary>
    /// Runs <paramref name="make"/> on a thread that has entered the namespace, so that the sockets it creates live
    /// there (a socket belongs to the network namespace of the thread that created it, whichever thread uses it).
    /// </summary>
    public T Inside<T>(Func<T> make)
    {
        T? made = default;
        Exception? failed = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var ns = File.OpenHandle($"/var/run/netns/{_namespace}");
                if (setns((int)ns.DangerousGetHandle(), CloneNewNet) != 0)
                    throw new Win32Exception(Marshal.GetLastPInvokeError(), $"cannot enter the network namespace {_namespace}");
                made = make();
            }
            catch (Exception e)
            {
                failed = e;
            }
        }) { Name = $"demo namespace {_namespace}" };
        thread.Start();
        thread.Join();
        if (failed is not null)
            throw new VethLinkException(failed.Message, failed);
        return made!;
    }

    public void Dispose() => TryRun("ip", "netns", "delete", _namespace);

    private const int CloneNewNet = 0x40000000;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setns(int fd, int nstype);

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Append("/usr/sbin").Append("/sbin")
            .Any(dir => dir.Length > 0 && File.Exists(Path.Combine(dir, tool)));

    private static void Run(params string[] command)
    {
        var (code, stderr) = Exec(command);
        if (code != 0)
            throw new VethLinkException($"{string.Join(' ', command)}: {stderr.Trim()}");
    }

    private static void TryRun(params string[] command) => Exec(command);

    private static (int Code, string Stderr) Exec(string[] command)
    {
        var start = new ProcessStartInfo(command[0]) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in command.Skip(1)) start.ArgumentList.Add(arg);
        try
        {
            using var process = Process.Start(start)!;
            string stderr = process.StandardError.ReadToEnd();
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, stderr);
        }
        catch (Win32Exception e)
        {
            return (-1, e.Message);
        }
    }
}

/// <summary>The demo's link could not be made; the message is one line for the user.</summary>
public sealed class VethLinkException(string message, Exception? inner = null) : Exception(message, inner);
