using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ProtoScope.Peers;
using Xunit;

namespace ProtoScope.Peers.Tests;

/// <summary>
/// The echo server under load and faults, on loopback: a thousand clients at once, clients that vanish mid-frame,
/// clients that never read, and a restart under live clients. Every client either gets its echoes intact or a
/// clear error; the server's memory stays bounded. The figures go to the test output.
/// </summary>
public class EchoUnderLoadTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static void Note(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);

    private static TcpEchoClientOptions Client(IPEndPoint to, int count, int min, int max, int seed) =>
        new() { To = to, Count = count, Size = new SizeRange(min, max), Seed = seed, Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>The soft RLIMIT_NOFILE of this process (.NET raises it to the hard limit at startup on Linux).</summary>
    private static long OpenFileLimit()
    {
        foreach (string line in File.ReadLines("/proc/self/limits"))
            if (line.StartsWith("Max open files", StringComparison.Ordinal))
                return long.TryParse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3], out long soft) ? soft : long.MaxValue;
        return long.MaxValue;
    }

    /// <summary>
    /// 1,000 clients connected at the same time (two descriptors each in this process: client and server side), 20
    /// frames of 0-4 KiB each, all echoes checked byte for byte. If the descriptor limit cannot hold them all at once,
    /// the clients run in the largest batches it allows, and the test output says so.
    /// </summary>
    [Fact]
    public async Task A_thousand_concurrent_clients_get_every_echo_intact()
    {
        const int Clients = 1000, Frames = 20;
        long limit = OpenFileLimit();
        int batch = (int)Math.Min(Clients, Math.Max(50, (limit - 256) / 2));
        using var stop = new CancellationTokenSource();
        using TcpEchoServer server = TcpEchoServer.Start(new TcpEchoServerOptions { Port = 0, MaxClients = Clients });
        Task<TcpEchoSummary> serving = server.RunAsync(stop.Token);

        var clock = Stopwatch.StartNew();
        var results = new List<TcpEchoResult>();
        for (int first = 0; first < Clients; first += batch)
        {
            results.AddRange(await Task.WhenAll(Enumerable.Range(first, Math.Min(batch, Clients - first)).Select(seed =>
                TcpEchoClient.RunAsync(Client(server.LocalEndPoint, Frames, 0, 4096, seed), cancel: Cancel))));
        }
        TimeSpan elapsed = clock.Elapsed;
        await stop.CancelAsync();
        TcpEchoSummary summary = await serving.WaitAsync(TimeSpan.FromSeconds(60), Cancel);

        Note($"{Clients} clients in batches of {batch} (open-file limit {limit}), {Frames} frames each: {elapsed.TotalSeconds:0.0} s; server: {summary}");
        Assert.All(results, r => Assert.True(r.Success, $"{r}: {string.Join("; ", r.Errors)}"));
        Assert.Equal(Clients, summary.Connections);
        Assert.Equal(Clients * Frames, summary.Frames);
        Assert.Equal(results.Sum(r => r.BytesSent) - Clients * Frames * 4L, summary.Bytes);
        Assert.Equal(0, summary.Refused + summary.Dropped + summary.Resets);
    }

    /// <summary>
    /// 200 clients vanish in the middle of a frame (half in the length prefix, half in the payload; half closing with
    /// FIN, half with RST) while 50 others echo normally: each vanished one is logged and counted, no other notices.
    /// </summary>
    [Fact]
    public async Task Clients_that_vanish_mid_frame_are_counted_and_nobody_else_notices()
    {
        const int Vanishing = 200, Good = 50;
        await using var server = new RunningTcpServer(logFrames: false);
        Task<TcpEchoResult[]> good = Task.WhenAll(Enumerable.Range(0, Good).Select(seed =>
            TcpEchoClient.RunAsync(Client(server.EndPoint, 40, 0, 20_000, seed) with { Interval = TimeSpan.FromMilliseconds(2) }, cancel: Cancel)));

        await Task.WhenAll(Enumerable.Range(0, Vanishing).Select(async i =>
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(server.EndPoint, Cancel);
            byte[] partial = new byte[4 + 1000];
            BinaryPrimitives.WriteInt32LittleEndian(partial, 5000);
            // A whole frame first, so the vanishing happens after real traffic; then part of the next one.
            byte[] whole = [3, 0, 0, 0, 1, 2, 3];
            await socket.SendAsync(whole, Cancel);
            byte[] echo = new byte[7];
            for (int got = 0; got < 7;) got += await socket.ReceiveAsync(echo.AsMemory(got), Cancel);
            Assert.Equal(whole, echo);
            await socket.SendAsync(i % 2 == 0 ? partial.AsMemory(0, 2) : partial, Cancel);
            if (i % 4 < 2)
                socket.Shutdown(SocketShutdown.Both);
            else
                SocketText.Abort(socket);
        }));

        foreach (TcpEchoResult r in await good)
            Assert.True(r.Success, $"{r}: {string.Join("; ", r.Errors)}");
        // The server logs after the clients have gone: wait until it has seen every one of them end.
        DateTime deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (server.Server.Summary is var s && s.Dropped + s.Resets < Vanishing && DateTime.UtcNow < deadline)
            await Task.Delay(50, Cancel);
        TcpEchoSummary summary = await server.StopAsync();
        Note($"{Vanishing} vanished mid-frame, {Good} normal clients: {summary}");
        Assert.Equal(Vanishing, summary.Dropped + summary.Resets);
        Assert.Equal(Good + Vanishing, summary.Connections);
        Assert.True(summary.Dropped > 0 && summary.Resets > 0, "both FIN and RST endings should be seen");
        Assert.Equal(summary.Dropped, server.Log.Count(l => l.Contains(" dropped: stream ended mid-frame (")));
    }

    /// <summary>
    /// Ten clients send 1 MiB frames as fast as they can and never read an echo. Flow control must stop them (the
    /// server stops reading while its echo waits), so the server's managed memory stays within a few frames per client
    /// however long they push: measured here after every client has stalled.
    /// </summary>
    [Fact]
    public async Task Clients_that_never_read_cannot_make_the_server_buffer_without_bound()
    {
        const int Clients = 10, FrameSize = 1024 * 1024;
        long before = RetainedMemory.Measure();
        await using var server = new RunningTcpServer(logFrames: false);
        byte[] frame = new byte[4 + FrameSize];
        BinaryPrimitives.WriteInt32LittleEndian(frame, FrameSize);
        var sockets = new List<Socket>();
        long[] accepted = new long[Clients];
        var writers = new List<Task>();
        for (int i = 0; i < Clients; i++)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(server.EndPoint, Cancel);
            sockets.Add(socket);
            int index = i;
            writers.Add(Task.Run(async () =>
            {
                while (true)
                {
                    await socket.SendAsync(frame, Cancel);
                    Interlocked.Add(ref accepted[index], frame.Length);
                }
            }, Cancel));
        }

        long total;
        long previous = -1;
        while ((total = accepted.Sum(a => Interlocked.Read(ref a))) != previous)
        {
            previous = total;
            await Task.Delay(1000, Cancel);
        }
        long held = RetainedMemory.Measure() - before;
        Note($"{Clients} clients that never read, 1 MiB frames: their sends stalled after {total / (1024 * 1024)} MiB in all; server managed memory grew by {held / (1024 * 1024)} MiB ({held / Clients / 1024} KiB per client)");
        Assert.All(writers, w => Assert.False(w.IsCompleted, w.Exception?.ToString()));
        // Per connection at most the frame being read, the echo waiting to be sent, and the pipes' 64 KiB segments.
        Assert.True(held < Clients * (3L * FrameSize + 256 * 1024), $"{held} bytes held");

        await server.StopAsync();
        foreach (var socket in sockets) socket.Dispose();
        foreach (var w in writers) await Assert.ThrowsAnyAsync<Exception>(() => w);
    }

    /// <summary>
    /// The server is stopped and started again on the same port while 50 clients are mid-run: each client either
    /// completes with every echo intact or reports a clear error (the server's close, a reset, a refused connect),
    /// never a mismatched echo; clients after the restart are served normally.
    /// </summary>
    [Fact]
    public async Task A_server_restart_gives_each_client_its_echoes_intact_or_a_clear_error()
    {
        const int Clients = 50;
        var first = new CancellationTokenSource();
        var server = TcpEchoServer.Start(new TcpEchoServerOptions { Port = 0, CloseTimeout = TimeSpan.FromMilliseconds(500) });
        IPEndPoint endPoint = server.LocalEndPoint;
        Task<TcpEchoSummary> serving = server.RunAsync(first.Token);
        Task<TcpEchoResult[]> clients = Task.WhenAll(Enumerable.Range(0, Clients).Select(seed =>
            TcpEchoClient.RunAsync(Client(endPoint, 200, 0, 2000, seed) with { Interval = TimeSpan.FromMilliseconds(5), Timeout = TimeSpan.FromSeconds(5) }, cancel: Cancel)));

        await Task.Delay(300, Cancel);
        await first.CancelAsync();
        TcpEchoSummary before = await serving.WaitAsync(TimeSpan.FromSeconds(30), Cancel);
        server.Dispose();
        using var second = new CancellationTokenSource();
        using TcpEchoServer restarted = TcpEchoServer.Start(new TcpEchoServerOptions { Port = endPoint.Port });
        Task<TcpEchoSummary> servingAgain = restarted.RunAsync(second.Token);

        TcpEchoResult[] results = await clients;
        TcpEchoResult after = await TcpEchoClient.RunAsync(Client(endPoint, 20, 0, 2000, 99), cancel: Cancel);
        await second.CancelAsync();
        await servingAgain;

        int failed = results.Count(r => !r.Success);
        Note($"restart after 300 ms: {Clients - failed} clients completed, {failed} got an error ({string.Join(" | ", results.SelectMany(r => r.Errors).Select(e => System.Text.RegularExpressions.Regex.Replace(e, @"\d+", "N")).Distinct())}); first server: {before}");
        Assert.All(results, r =>
        {
            Assert.Equal(0, r.Mismatches);
            Assert.True(r.Success || r.Errors.All(e => e.Length > 10), string.Join("; ", r.Errors));
        });
        Assert.True(failed > 0, "the restart happened after every client had finished: the test did not test anything");
        Assert.True(after.Success, $"{after}: {string.Join("; ", after.Errors)}");
    }
}
