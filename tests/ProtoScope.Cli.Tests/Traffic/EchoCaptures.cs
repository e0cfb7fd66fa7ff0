using System.Net;
using ProtoScope.Core.Framing;
using ProtoScope.Peers;

namespace ProtoScope.Cli.Tests.Traffic;

/// <summary>A capture of real echo traffic and what the client sent.</summary>
internal sealed record Recorded(string Pcap, int Port, Plan? Tcp = null, List<byte[]>? Datagrams = null, bool Framed = true);

/// <summary>
/// Records real socket traffic once per test class: TCP and UDP echo exchanges in a namespace pair (MTU 1500)
/// and on loopback, each captured by tcpdump started before the first packet and stopped with SIGINT after the last.
/// </summary>
public sealed class EchoCaptures : IDisposable
{
    public const string Collection = "echo captures";

    /// <summary>An Ethernet frame of the 1500-byte MTU with room to spare.</summary>
    private const int NamespaceSnaplen = 1600;

    /// <summary>Loopback's MTU is 65536.</summary>
    private const int LoopbackSnaplen = 65600;

    private readonly string _dir = Directory.CreateTempSubdirectory("protoscope-echo-").FullName;
    private readonly Lazy<Recorded> _netnsTcp, _loopbackTcp, _netnsUdpFramed, _netnsUdpRaw, _loopbackUdpFramed;

    public EchoCaptures()
    {
        _netnsTcp = new(() => InNamespaces(ns => TcpInNamespaces(ns, Plan.Tcp(seed: 1, frames: 40), 9101)));
        _loopbackTcp = new(() => TcpOnLoopback(Plan.Tcp(seed: 2, frames: 40)));
        _netnsUdpFramed = new(() => InNamespaces(ns => UdpInNamespaces(ns, FramedDatagrams(3, 1472), 9201, framed: true)));
        _netnsUdpRaw = new(() => InNamespaces(ns => UdpInNamespaces(ns, RawDatagrams(4, 1472), 9202, framed: false)));
        _loopbackUdpFramed = new(() => UdpOnLoopback(FramedDatagrams(5, 65507), 9203));
    }

    internal Recorded NetnsTcp => _netnsTcp.Value;
    internal Recorded LoopbackTcp => _loopbackTcp.Value;
    internal Recorded NetnsUdpFramed => _netnsUdpFramed.Value;
    internal Recorded NetnsUdpRaw => _netnsUdpRaw.Value;
    internal Recorded LoopbackUdpFramed => _loopbackUdpFramed.Value;

    internal string Dir => _dir;

    private int _works;

    private string Work(string prefix) => Directory.CreateDirectory(Path.Combine(_dir, $"{prefix}{Interlocked.Increment(ref _works)}")).FullName;

    private static Recorded InNamespaces(Func<NamespacePair, Recorded> record)
    {
        using var ns = new NamespacePair();
        return record(ns);
    }

    private Recorded TcpInNamespaces(NamespacePair ns, Plan plan, int port)
    {
        string work = Work("tcp-");
        plan.Save(work);
        string pcap = Path.Combine(work, "capture.pcap");
        using var tcpdump = Peer.Tcpdump(ns.A, ns.LinkA, pcap, $"tcp port {port}", NamespaceSnaplen);
        using var server = Peer.Python(ns.B, "tcp-server", NamespacePair.AddressB, $"{port}");
        server.WaitForReady();
        using var client = Peer.Python(ns.A, "tcp-client", NamespacePair.AddressB, $"{port}", Path.Combine(work, "stream.bin"), Path.Combine(work, "writes.json"));
        Assert.Equal(0, client.WaitForExit());
        Assert.Contains($"sent {plan.Stream.Length} received {plan.Stream.Length}", client.Stdout);
        server.WaitForExit();
        tcpdump.StopCapture();
        return new Recorded(pcap, port, Tcp: plan);
    }

    /// <summary>The project's own echo server (ProtoScope.Peers) answers; python sends the planned writes.</summary>
    private Recorded TcpOnLoopback(Plan plan)
    {
        string work = Work("lo-");
        plan.Save(work);
        using TcpEchoServer server = TcpEchoServer.Start(new TcpEchoServerOptions { Port = 0, Bind = IPAddress.Loopback });
        using var stop = new CancellationTokenSource();
        Task<TcpEchoSummary> serving = server.RunAsync(stop.Token);
        int port = server.LocalEndPoint.Port;
        string pcap = Path.Combine(work, "capture.pcap");
        using (var tcpdump = Peer.Tcpdump(null, "lo", pcap, $"tcp port {port}", LoopbackSnaplen))
        {
            using var client = Peer.Python(null, "tcp-client", "127.0.0.1", $"{port}", Path.Combine(work, "stream.bin"), Path.Combine(work, "writes.json"));
            Assert.Equal(0, client.WaitForExit());
            Assert.Contains($"sent {plan.Stream.Length} received {plan.Stream.Length}", client.Stdout);
            Thread.Sleep(200);
            tcpdump.StopCapture();
        }
        stop.Cancel();
        TcpEchoSummary summary = serving.GetAwaiter().GetResult();
        Assert.Equal(plan.Payloads.Count, summary.Frames);
        return new Recorded(pcap, port, Tcp: plan);
    }

    private Recorded UdpInNamespaces(NamespacePair ns, List<byte[]> datagrams, int port, bool framed)
    {
        string work = Work("udp-");
        string list = SaveDatagrams(work, datagrams);
        string pcap = Path.Combine(work, "capture.pcap");
        using var tcpdump = Peer.Tcpdump(ns.A, ns.LinkA, pcap, $"udp port {port}", NamespaceSnaplen);
        using var server = Peer.Python(ns.B, "udp-server", NamespacePair.AddressB, $"{port}");
        server.WaitForReady();
        using var client = Peer.Python(ns.A, "udp-client", NamespacePair.AddressB, $"{port}", list);
        Assert.Equal(0, client.WaitForExit());
        Assert.Contains($"sent {datagrams.Count} echoed {datagrams.Count}", client.Stdout);
        tcpdump.StopCapture();
        return new Recorded(pcap, port, Datagrams: datagrams, Framed: framed);
    }

    private Recorded UdpOnLoopback(List<byte[]> datagrams, int port)
    {
        string work = Work("lo-udp-");
        string list = SaveDatagrams(work, datagrams);
        string pcap = Path.Combine(work, "capture.pcap");
        using var tcpdump = Peer.Tcpdump(null, "lo", pcap, $"udp port {port}", LoopbackSnaplen);
        using var server = Peer.Python(null, "udp-server", "127.0.0.1", $"{port}");
        server.WaitForReady();
        using var client = Peer.Python(null, "udp-client", "127.0.0.1", $"{port}", list);
        Assert.Equal(0, client.WaitForExit());
        Assert.Contains($"sent {datagrams.Count} echoed {datagrams.Count}", client.Stdout);
        tcpdump.StopCapture();
        return new Recorded(pcap, port, Datagrams: datagrams);
    }

    /// <summary>Sends <paramref name="stream"/> in one write to a python echo server on loopback and records the exchange.</summary>
    internal string RawTcpOnLoopback(string name, byte[] stream, int port)
    {
        string work = Work(name);
        File.WriteAllBytes(Path.Combine(work, "stream.bin"), stream);
        File.WriteAllText(Path.Combine(work, "writes.json"), $"[{stream.Length}]");
        string pcap = Path.Combine(work, "capture.pcap");
        using var tcpdump = Peer.Tcpdump(null, "lo", pcap, $"tcp port {port}", LoopbackSnaplen);
        using var server = Peer.Python(null, "tcp-server", "127.0.0.1", $"{port}");
        server.WaitForReady();
        using var client = Peer.Python(null, "tcp-client", "127.0.0.1", $"{port}", Path.Combine(work, "stream.bin"), Path.Combine(work, "writes.json"));
        Assert.Equal(0, client.WaitForExit());
        server.WaitForExit();
        tcpdump.StopCapture();
        return pcap;
    }

    private static string SaveDatagrams(string work, List<byte[]> datagrams)
    {
        string list = Path.Combine(work, "datagrams.json");
        File.WriteAllText(list, "[" + string.Join(",", datagrams.Select(d => $"\"{Convert.ToBase64String(d)}\"")) + "]");
        return list;
    }

    /// <summary>Datagrams of one to three u32le frames each, at most <paramref name="largest"/> bytes: the frames are the payloads.</summary>
    internal static List<byte[]> FramedDatagrams(int seed, int largest)
    {
        var random = new Random(seed);
        var datagrams = new List<byte[]>();
        for (int i = 0; i < 30; i++)
        {
            int frames = random.Next(1, 4);
            var writer = new System.Buffers.ArrayBufferWriter<byte>();
            for (int k = 0; k < frames; k++)
            {
                int room = (largest - writer.WrittenCount) / (frames - k) - 4;
                MessageWriter.Write(writer, Plan.Payload(random, i == 0 ? 0 : random.Next(0, room + 1)), FramingSpec.Default);
            }
            datagrams.Add(writer.WrittenSpan.ToArray());
        }
        datagrams.Add(new byte[4]);
        return datagrams;
    }

    internal static List<byte[]> RawDatagrams(int seed, int largest)
    {
        var random = new Random(seed);
        var datagrams = new List<byte[]> { Array.Empty<byte>() };
        for (int i = 0; i < 30; i++) datagrams.Add(Plan.Payload(random, random.Next(1, largest + 1)));
        return datagrams;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}

/// <summary>The test classes that read the echo captures share one recording of them.</summary>
[CollectionDefinition(EchoCaptures.Collection)]
public sealed class EchoCapturesCollection : ICollectionFixture<EchoCaptures>;
