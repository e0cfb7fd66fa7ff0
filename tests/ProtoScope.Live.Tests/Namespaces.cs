namespace ProtoScope.Live.Tests;

/// <summary>
/// A network namespace the test owns (`ip netns add`), deleted on Dispose with everything in it. Traffic
/// between test namespaces never touches the host's own interfaces.
/// </summary>
public sealed class NetNamespace : IDisposable
{
    private static int _counter;

    public string Name { get; }

    public NetNamespace()
    {
        Name = $"pscap{Environment.ProcessId}x{Interlocked.Increment(ref _counter)}";
        Ip("netns", "add", Name);
        Exec("ip", "link", "set", "lo", "up");
    }

    /// <summary>The command to run <paramref name="command"/> inside the namespace.</summary>
    public string[] Inside(params string[] command) => ["ip", "netns", "exec", Name, .. command];

    public Host.Result Exec(params string[] command)
    {
        var r = Host.Run("ip", ["netns", "exec", Name, .. command], TimeSpan.FromSeconds(60));
        if (r.ExitCode != 0) throw new InvalidOperationException($"{string.Join(' ', command)} in {Name}: exit {r.ExitCode}: {r.Stderr}");
        return r;
    }

    public static void Ip(params string[] args)
    {
        var r = Host.Run("ip", args, TimeSpan.FromSeconds(30));
        if (r.ExitCode != 0) throw new InvalidOperationException($"ip {string.Join(' ', args)}: exit {r.ExitCode}: {r.Stderr}");
    }

    public void Dispose() => Host.Run("ip", ["netns", "delete", Name], TimeSpan.FromSeconds(30));
}

/// <summary>Two namespaces joined by a veth pair: A (10.99.N.1, fd00:99:N::1) and B (.2, ::2).</summary>
public sealed class VethPair : IDisposable
{
    private static int _counter;

    public NetNamespace A { get; } = new();
    public NetNamespace B { get; } = new();
    public string AddressA4 { get; }
    public string AddressB4 { get; }
    public string AddressA6 { get; }
    public string AddressB6 { get; }
    public const string InterfaceA = "psveth0", InterfaceB = "psveth1";

    public VethPair()
    {
        int n = (Environment.ProcessId * 7 + Interlocked.Increment(ref _counter)) % 250 + 1;
        AddressA4 = $"10.99.{n}.1"; AddressB4 = $"10.99.{n}.2";
        AddressA6 = $"fd00:99:{n:x}::1"; AddressB6 = $"fd00:99:{n:x}::2";
        // Created directly inside A, then one end moved to B: it never exists in the host's namespace.
        A.Exec("ip", "link", "add", InterfaceA, "type", "veth", "peer", "name", InterfaceB);
        A.Exec("ip", "link", "set", InterfaceB, "netns", B.Name);
        A.Exec("ip", "addr", "add", $"{AddressA4}/24", "dev", InterfaceA);
        B.Exec("ip", "addr", "add", $"{AddressB4}/24", "dev", InterfaceB);
        A.Exec("ip", "-6", "addr", "add", $"{AddressA6}/64", "dev", InterfaceA, "nodad");
        B.Exec("ip", "-6", "addr", "add", $"{AddressB6}/64", "dev", InterfaceB, "nodad");
        A.Exec("ip", "link", "set", InterfaceA, "up");
        B.Exec("ip", "link", "set", InterfaceB, "up");
    }

    public void Dispose()
    {
        A.Dispose();
        B.Dispose();
    }
}
