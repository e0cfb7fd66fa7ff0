using System.ComponentModel;
using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;

namespace ProtoScope.Peers.Demo;

/// <summary>
/// A link that loses packets, for `demo loss`: a network namespace of its own, joined to the host by a veth pair
/// (MTU 1500, offloads off, so segments are MTU-sized as on a real link), with nftables in the namespace dropping
/// one in <see cref="DropOneIn"/> of the segments that arrive for the server's port, at random (this kernel has no
/// netem). The client stays in the host and sends through the host end, where the demo captures: every segment
/// it sent is in the capture, lost or not. Dispose deletes the namespace, and the veth pair goes with it.
/// </summary>
public sealed partial class LossyLink : IDisposable
{
    public const int DropOneIn = 20;

    private readonly string _namespace;

    private LossyLink(string ns, string hostEnd, int subnet)
    {
        _namespace = ns;
        Interface = hostEnd;
        ClientAddress = IPAddress.Parse($"10.77.{subnet}.1");
        ServerAddress = IPAddress.Parse($"10.77.{subnet}.2");
    }

    /// <summary>The host's end of the veth pair: where the demo captures.</summary>
    public string Interface { get; }

    public IPAddress ClientAddress { get; }
    public IPAddress ServerAddress { get; }

    /// <summary>
    /// Makes the link, dropping segments to <paramref name="port"/>. Throws <see cref="LossyLinkException"/>, with
    /// one line saying why, when it cannot: not root, or no <c>ip</c> or <c>nft</c>.
    /// </summary>
    public static LossyLink Create(int port)
    {
        if (!OperatingSystem.IsLinux() || !Environment.IsPrivilegedProcess)
            throw new LossyLinkException("demo loss needs root: it creates a network namespace and a veth pair, and drops packets with nftables");
        foreach (var tool in new[] { "ip", "nft" })
            if (!OnPath(tool))
                throw new LossyLinkException($"demo loss needs '{tool}' ({(tool == "ip" ? "iproute2" : "nftables")}), which is not installed");
        int id = Environment.ProcessId;
        var link = new LossyLink($"psloss{id}", $"psl{id % 1_000_000}h", id % 250 + 1);
        try
        {
            link.Build(port);
        }
        catch
        {
            link.Dispose();
            throw;
        }
        return link;
    }

    private void Build(int port)
    {
        string inside = $"psl{Environment.ProcessId % 1_000_000}n";
        Run("ip", "netns", "add", _namespace);
        Run("ip", "link", "add", Interface, "type", "veth", "peer", "name", inside, "netns", _namespace);
        Run("ip", "addr", "add", $"{ClientAddress}/24", "dev", Interface);
        Run("ip", "-n", _namespace, "addr", "add", $"{ServerAddress}/24", "dev", inside);
        Run("ip", "link", "set", Interface, "mtu", "1500", "up");
        Run("ip", "-n", _namespace, "link", "set", inside, "mtu", "1500", "up");
        Run("ip", "-n", _namespace, "link", "set", "lo", "up");
        // Without offloads the kernel cuts segments to the MTU itself, as a real link's sender does; ethtool is
        // optional: with offloads on, the capture shows larger segments but the loss is the same.
        if (OnPath("ethtool"))
        {
            TryRun("ethtool", "-K", Interface, "tso", "off", "gso", "off", "gro", "off");
            TryRun("ip", "netns", "exec", _namespace, "ethtool", "-K", inside, "tso", "off", "gso", "off", "gro", "off");
        }
        Run("ip", "netns", "exec", _namespace, "nft", "add", "table", "inet", "loss");
        Run("ip", "netns", "exec", _namespace, "nft", "add", "chain", "inet", "loss", "input", "{ type filter hook input priority 0; }");
        // Not the SYN: a lost SYN only delays the start by a second; data segments show the recovery.
        Run("ip", "netns", "exec", _namespace, "nft", "add", "rule", "inet", "loss", "input", "tcp", "dport", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "tcp", "flags", "&", "syn", "==", "0", "numgen", "random", "mod", DropOneIn.ToString(System.Globalization.CultureInfo.InvariantCulture), "==", "0", "drop");
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
        }) { Name = "demo loss namespace" };
        thread.Start();
        thread.Join();
        if (failed is not null)
            throw new LossyLinkException(failed.Message, failed);
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
            throw new LossyLinkException($"{string.Join(' ', command)}: {stderr.Trim()}");
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

/// <summary>The lossy link could not be made; the message is one line for the user.</summary>
public sealed class LossyLinkException(string message, Exception? inner = null) : Exception(message, inner);
