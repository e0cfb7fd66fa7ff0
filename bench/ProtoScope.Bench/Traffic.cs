using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ProtoScope.Core.Framing;
using ProtoScope.Peers;

namespace ProtoScope.Bench;

/// <summary>
/// Real loopback traffic for the benchmark captures, made by the project's own echo peers in this process while
/// tcpdump records it (scripts/bench.sh starts and stops tcpdump around this). Every client checks its echoes, so a
/// run that lost or garbled something fails instead of producing a quietly different capture.
/// </summary>
/// <remarks>
/// Ports: TCP servers listen on 127.0.0.1 at <c>basePort</c> .. <c>basePort + TcpServers - 1</c> and the UDP server
/// at <c>basePort + TcpServers</c>. Spreading connections over several server ports multiplies the 4-tuples the
/// kernel can hand out (each destination has its own ephemeral range), so 100k short connections do not run out
/// of ports while earlier ones sit in TIME_WAIT.
/// </remarks>
internal static class Traffic
{
    public const int TcpServers = 8;

    /// <summary>The shapes, with what each is for.</summary>
    public static readonly string[] Shapes = ["mixed", "many", "one"];

    public static async Task<int> RunAsync(string shape, int basePort, double scale)
    {
        var servers = new List<TcpEchoServer>();
        using var stop = new CancellationTokenSource();
        var running = new List<Task>();
        for (int i = 0; i < TcpServers; i++)
        {
            var server = TcpEchoServer.Start(new TcpEchoServerOptions { Port = basePort + i, MaxClients = 100_000 });
            servers.Add(server);
            running.Add(server.RunAsync(stop.Token));
        }
        using var udp = UdpEchoServer.Start(new UdpEchoServerOptions { Port = basePort + TcpServers });
        running.Add(udp.RunAsync(stop.Token));

        var clock = Stopwatch.StartNew();
        var failures = new Failures();
        switch (shape)
        {
            case "mixed":
                await Task.WhenAll(
                    ShortConnections(basePort, Scaled(24_000, scale), new SizeRange(1, 24), new SizeRange(16, 600), concurrency: 24, failures),
                    Bulk(basePort, connections: 4, frames: Scaled(800, scale), failures),
                    Udp(basePort, conversations: 40, datagrams: Scaled(2_500, scale), failures));
                break;
            case "many":
                await ShortConnections(basePort, Scaled(100_000, scale), new SizeRange(1, 1), new SizeRange(16, 200), concurrency: 48, failures);
                break;
            case "one":
                await Task.Run(() => OneConnection(basePort, Scaled(500_000, scale), failures));
                break;
            default:
                Console.Error.WriteLine($"bench: unknown traffic shape '{shape}'; use one of {string.Join(", ", Shapes)}");
                return 2;
        }
        stop.Cancel();
        await Task.WhenAll(running);
        foreach (var s in servers) s.Dispose();
        Console.Error.WriteLine($"traffic {shape}: {failures.Runs} client runs in {clock.Elapsed.TotalSeconds:0.0} s, {failures.Count} failed{failures.First}");
        return failures.Count == 0 ? 0 : 1;
    }

    private static int Scaled(int n, double scale) => Math.Max(1, (int)(n * scale));

    private static IPEndPoint Server(int basePort, int i) => new(IPAddress.Loopback, basePort + i % TcpServers);

    /// <summary>Many short connections with a few length-prefixed frames each, <paramref name="concurrency"/> at a time.</summary>
    private static async Task ShortConnections(int basePort, int connections, SizeRange frames, SizeRange sizes, int concurrency, Failures failures)
    {
        int next = -1;
        async Task Worker()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < connections)
            {
                var rng = new Random(i);
                var options = new TcpEchoClientOptions
                {
                    To = Server(basePort, i),
                    Count = rng.Next(frames.Min, frames.Max + 1),
                    Size = sizes,
                    Seed = i,
                };
                failures.Record(await TcpEchoClient.RunAsync(options));
            }
        }
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(Worker)));
    }

    /// <summary>Bulk transfers: large frames written several to a send, so segments fill loopback's 64 KiB MTU.</summary>
    private static Task Bulk(int basePort, int connections, int frames, Failures failures) =>
        Task.WhenAll(Enumerable.Range(0, connections).Select(i => Task.Run(async () =>
            failures.Record(await TcpEchoClient.RunAsync(new TcpEchoClientOptions
            {
                To = Server(basePort, i),
                Count = frames,
                Size = new SizeRange(1024, 16384),
                Sticky = true,
                Seed = 1_000_000 + i,
                Timeout = TimeSpan.FromSeconds(60),
            })))));

    /// <summary>UDP request/response conversations, one datagram in flight each.</summary>
    private static Task Udp(int basePort, int conversations, int datagrams, Failures failures) =>
        Task.WhenAll(Enumerable.Range(0, conversations).Select(i => Task.Run(async () =>
            failures.Record(await UdpEchoClient.RunAsync(new UdpEchoClientOptions
            {
                To = new IPEndPoint(IPAddress.Loopback, basePort + TcpServers),
                Count = datagrams,
                Size = new SizeRange(16, 400),
                Seed = 2_000_000 + i,
                Timeout = TimeSpan.FromSeconds(5),
            })))));

    /// <summary>
    /// One long connection of small frames in lockstep against the echo server: each frame waits for its echo, so
    /// every frame is its own segment (a client that writes ahead has its small writes corked into 64 KiB segments
    /// by Linux's tcp_autocorking on loopback, and a million frames would make a few thousand packets).
    /// </summary>
    private static void OneConnection(int basePort, int frames, Failures failures)
    {
        FramingSpec spec = FramingSpec.Default;
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Connect(Server(basePort, 0));
        var rng = new Random(7);
        byte[] frame = new byte[MessageWriter.GetFramedSize(200, spec)];
        byte[] echo = new byte[frame.Length];
        string? error = null;
        for (int i = 0; i < frames && error is null; i++)
        {
            int size = rng.Next(16, 201);
            int length = (int)MessageWriter.GetFramedSize(size, spec);
            MessageWriter.WriteHeader(frame, size, spec);
            rng.NextBytes(frame.AsSpan(spec.HeaderSize, size));
            socket.Send(frame.AsSpan(0, length));
            int got = 0;
            while (got < length)
            {
                int n = socket.Receive(echo.AsSpan(got, length - got));
                if (n == 0) { error = $"server closed after {i} frames"; break; }
                got += n;
            }
            if (error is null && !echo.AsSpan(0, length).SequenceEqual(frame.AsSpan(0, length)))
                error = $"echo {i} differs from the frame sent";
        }
        socket.Shutdown(SocketShutdown.Send);
        while (error is null && socket.Receive(echo) > 0) { }
        failures.Record(error is null, error ?? $"{frames} frames echoed");
    }

    private sealed class Failures
    {
        private int _runs, _count;
        public string First { get; private set; } = "";
        public int Runs => _runs;
        public int Count => _count;

        public void Record(TcpEchoResult r) => Record(r.Success, r.ToString());
        public void Record(UdpEchoResult r) => Record(r.Success, r.ToString());

        public void Record(bool success, string text)
        {
            Interlocked.Increment(ref _runs);
            if (success) return;
            if (Interlocked.Increment(ref _count) == 1) First = $" (first: {text})";
        }
    }
}
