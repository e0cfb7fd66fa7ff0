using System.Diagnostics;

namespace ProtoScope.Cli.Tests.Live;

/// <summary>
/// Two network namespaces joined by a veth pair, made by the test and removed on dispose: A (the client side,
/// 10.231.K.1 and fd00:231:K::1) and B (the server side, .2 and ::2). Address .3 / ::3 is wired to B's MAC by a
/// permanent neighbour entry in A but belongs to nobody: a SYN to it goes out on the wire and is never answered
/// (B does not forward). Needs root and iproute2.
/// </summary>
public sealed class NetnsPair : IDisposable
{
    private static int _counter;

    public NetnsPair()
    {
        int k = Interlocked.Increment(ref _counter) % 250;
        string tag = $"psc{Environment.ProcessId % 10000}x{k}";
        A = tag + "a";
        B = tag + "b";
        Subnet = k;
        try
        {
            Ip("netns", "add", A);
            Ip("netns", "add", B);
            Ip("link", "add", A, "netns", A, "type", "veth", "peer", "name", B, "netns", B);
            Ip("-n", B, "link", "set", B, "address", "02:00:00:e7:00:02");
            Ip("-n", A, "addr", "add", $"10.231.{k}.1/24", "dev", A);
            Ip("-n", B, "addr", "add", $"10.231.{k}.2/24", "dev", B);
            Ip("-n", A, "-6", "addr", "add", $"fd00:231:{k}::1/64", "dev", A, "nodad");
            Ip("-n", B, "-6", "addr", "add", $"fd00:231:{k}::2/64", "dev", B, "nodad");
            foreach (var (ns, dev) in new[] { (A, A), (B, B), (A, "lo"), (B, "lo") }) Ip("-n", ns, "link", "set", dev, "up");
            Ip("-n", A, "neigh", "add", $"10.231.{k}.3", "lladdr", "02:00:00:e7:00:02", "dev", A, "nud", "permanent");
            Ip("-n", A, "-6", "neigh", "add", $"fd00:231:{k}::3", "lladdr", "02:00:00:e7:00:02", "dev", A, "nud", "permanent");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The client namespace; its veth interface has the same name.</summary>
    public string A { get; }
    /// <summary>The server namespace; its veth interface has the same name.</summary>
    public string B { get; }
    private int Subnet { get; }

    public string Address(bool v6, int host) => v6 ? $"fd00:231:{Subnet}::{host}" : $"10.231.{Subnet}.{host}";

    public void Dispose()
    {
        foreach (var ns in new[] { A, B })
            Run("ip", ["netns", "del", ns], check: false);
    }

    private static void Ip(params string[] args) => Run("ip", args, check: true);

    public static void Run(string program, string[] args, bool check)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string err = p.StandardError.ReadToEnd();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (check && p.ExitCode != 0) throw new InvalidOperationException($"{program} {string.Join(' ', args)}: {err.Trim()}");
    }
}
