using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ProtoScope.Core.Framing;
using ProtoScope.Peers;
using Xunit;

namespace ProtoScope.Peers.Tests;

public class TcpEchoTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static void Note(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);

    private static TcpEchoClientOptions Client(IPEndPoint to, int count, string size, int seed = 1) =>
        new() { To = to, Count = count, Size = ParseSize(size), Seed = seed };

    private static SizeRange ParseSize(string text) =>
        SizeRange.TryParse(text, out SizeRange size, out string? error) ? size : throw new FormatException(error);

    private static async Task<Socket> ConnectRawAsync(IPEndPoint to)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(to, Cancel);
        return socket;
    }

    private static void AssertSuccess(TcpEchoResult result)
    {
        Assert.True(result.Success, $"{result}: {string.Join("; ", result.Errors)}");
    }

    [Fact]
    public async Task Two_hundred_concurrent_clients_get_every_echo_intact()
    {
        const int Clients = 200, Frames = 100;
        long logLines = 0;
        using var stop = new CancellationTokenSource();
        using TcpEchoServer server = TcpEchoServer.Start(new TcpEchoServerOptions { Port = 0, MaxClients = Clients },
            _ => Interlocked.Increment(ref logLines));
        Task<TcpEchoSummary> serving = server.RunAsync(stop.Token);

        var clock = Stopwatch.StartNew();
        TcpEchoResult[] results = await Task.WhenAll(Enumerable.Range(0, Clients).Select(seed =>
            TcpEchoClient.RunAsync(Client(server.LocalEndPoint, Frames, "0-65536", seed) with { Timeout = TimeSpan.FromSeconds(30) },
                cancel: Cancel)));
        TimeSpan elapsed = clock.Elapsed;
        await stop.CancelAsync();
        TcpEchoSummary summary = await serving;

        foreach (TcpEchoResult result in results)
            AssertSuccess(result);
        long bytes = results.Sum(r => r.BytesSent);
        Note($"{Clients} clients x {Frames} frames (0-64 KiB): {bytes / 1e6:0.0} MB each way in {elapsed.TotalSeconds:0.0} s; server: {summary}");
        Assert.Equal(Clients, summary.Connections);
        Assert.Equal(Clients * Frames, summary.Frames);
        Assert.Equal(bytes - Clients * Frames * 4, summary.Bytes);
        Assert.Equal(0, summary.Dropped + summary.Resets + summary.Refused);
        // connect + close per client, one line per frame, listening and stopped.
        Assert.Equal(Clients * (Frames + 2) + 2, Interlocked.Read(ref logLines));
    }

    [Fact]
    public async Task A_length_over_max_frame_drops_that_connection_and_no_other()
    {
        await using var server = new RunningTcpServer();
        Task<TcpEchoResult>[] others = Enumerable.Range(0, 5).Select(seed =>
            TcpEchoClient.RunAsync(Client(server.EndPoint, 20, "0-2000", seed) with { Interval = TimeSpan.FromMilliseconds(10) }, cancel: Cancel)).ToArray();

        using Socket bad = await ConnectRawAsync(server.EndPoint);
        await bad.SendAsync(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF }, Cancel);
        await server.WaitForLineAsync($"{bad.LocalEndPoint} dropped: length 4294967295 exceeds --max-frame 16777216");
        // Dropped at once, without waiting for 4 GiB: the server's FIN arrives right away.
        Assert.Equal(0, await bad.ReceiveAsync(new byte[16], Cancel));

        foreach (TcpEchoResult result in await Task.WhenAll(others))
            AssertSuccess(result);
        TcpEchoSummary summary = await server.StopAsync();
        Assert.Equal(1, summary.Dropped);
        Assert.Equal(100, summary.Frames);
    }

    [Fact]
    public async Task A_client_that_stops_mid_frame_is_logged()
    {
        await using var server = new RunningTcpServer();

        using (Socket inHeader = await ConnectRawAsync(server.EndPoint))
        {
            await inHeader.SendAsync(new byte[] { 10, 0, 0 }, Cancel);
            inHeader.Shutdown(SocketShutdown.Send);
            await server.WaitForLineAsync($"{inHeader.LocalEndPoint} dropped: stream ended mid-frame (3 of 4 header bytes)");
        }

        using (Socket inPayload = await ConnectRawAsync(server.EndPoint))
        {
            await inPayload.SendAsync(new byte[] { 10, 0, 0, 0, 1, 2, 3, 4 }, Cancel);
            inPayload.Close();
            await server.WaitForLineAsync("dropped: stream ended mid-frame (4 of 10 payload bytes)");
        }

        Assert.Equal(2, (await server.StopAsync()).Dropped);
    }

    [Fact]
    public async Task Half_close_still_gets_every_echo_then_the_servers_FIN()
    {
        await using var server = new RunningTcpServer();
        var lines = new List<string>();
        TcpEchoResult result = await TcpEchoClient.RunAsync(Client(server.EndPoint, 50, "0-5000") with { HalfClose = true }, lines.Add, Cancel);

        AssertSuccess(result);
        Assert.Equal(50, result.EchoesOk);
        Assert.Contains(lines, l => l.EndsWith("half-close: FIN sent, reading echoes until the server closes"));
        Assert.Contains(lines, l => l.EndsWith("closed by server"));
        await server.WaitForLineAsync("closed by peer");
    }

    [Fact]
    public async Task Abort_sends_RST_and_the_server_logs_a_reset()
    {
        await using var server = new RunningTcpServer();
        var lines = new List<string>();
        TcpEchoResult result = await TcpEchoClient.RunAsync(Client(server.EndPoint, 5, "100") with { Abort = true }, lines.Add, Cancel);

        AssertSuccess(result);
        string local = lines[0].Split(' ')[1];
        Assert.EndsWith("aborted: RST sent", lines[^2]);
        await server.WaitForLineAsync($"{local} reset by peer");
        Assert.Equal(1, (await server.StopAsync()).Resets);
    }

    [Fact]
    public async Task Sticky_frames_sharing_segments_all_echo()
    {
        await using var server = new RunningTcpServer();
        var lines = new List<string>();
        TcpEchoResult result = await TcpEchoClient.RunAsync(Client(server.EndPoint, 2000, "0-300") with { Sticky = true }, lines.Add, Cancel);

        AssertSuccess(result);
        Assert.Equal(2000, result.EchoesOk);
        int writes = lines.Count(l => l.Contains(" in one write: "));
        Note($"2000 sticky frames went out in {writes} writes");
        Assert.InRange(writes, 2, 100);
    }

    [Fact]
    public async Task A_sticky_burst_larger_than_the_socket_buffers_does_not_deadlock()
    {
        await using var server = new RunningTcpServer(logFrames: false);
        var clock = Stopwatch.StartNew();
        TcpEchoResult result = await TcpEchoClient.RunAsync(Client(server.EndPoint, 100, "200000") with { Sticky = true }, cancel: Cancel);
        AssertSuccess(result);
        Note($"100 x 200 KB sticky: {clock.ElapsedMilliseconds} ms");
    }

    [Theory]
    [InlineData("u8", "0-255")]
    [InlineData("u16be", "0")]
    [InlineData("u32le", "200000")]
    [InlineData("u64be", "0-70000")]
    public async Task Frames_from_empty_to_200_KB_echo_with_every_prefix(string framing, string size)
    {
        FramingSpec spec = FramingSpec.Parse(framing);
        await using var server = new RunningTcpServer(new TcpEchoServerOptions { Framing = spec }, logFrames: false);
        TcpEchoResult result = await TcpEchoClient.RunAsync(Client(server.EndPoint, 20, size) with { Framing = spec }, cancel: Cancel);
        AssertSuccess(result);
    }

    [Fact]
    public async Task A_message_is_sent_as_UTF8_and_logged_per_frame()
    {
        await using var server = new RunningTcpServer();
        TcpEchoResult result = await TcpEchoClient.RunAsync(
            new TcpEchoClientOptions { To = server.EndPoint, Count = 3, Message = "héllo" }, cancel: Cancel);
        AssertSuccess(result);
        Assert.Equal(3 * (4 + 6), result.BytesSent);
        await server.StopAsync();
        Assert.Equal(3, server.Log.Count(l => l.EndsWith(" frame 6 bytes")));
        Assert.Matches(@"^\d\d:\d\d:\d\d\.\d{3} 127\.0\.0\.1:\d+ connected$", server.Log.ElementAt(1));
    }

    [Fact]
    public async Task Graceful_stop_sends_FIN_not_RST_and_waits_for_the_peer()
    {
        await using var server = new RunningTcpServer();
        using Socket client = await ConnectRawAsync(server.EndPoint);
        await client.SendAsync(new byte[] { 2, 0, 0, 0, (byte)'h', (byte)'i' }, Cancel);
        byte[] echo = new byte[6];
        Assert.Equal(6, await client.ReceiveAsync(echo, Cancel));

        Task<TcpEchoSummary> stopping = server.StopAsync();
        // A FIN reads as end of stream; a RST would throw ConnectionReset here.
        Assert.Equal(0, await client.ReceiveAsync(new byte[16], Cancel));
        Assert.False(stopping.IsCompleted, "the server should wait for our FIN");
        client.Shutdown(SocketShutdown.Send);
        TcpEchoSummary summary = await stopping;

        Assert.Equal(1, summary.Frames);
        Assert.Contains(server.Log, l => l.EndsWith($"{client.LocalEndPoint} closed by server (stopping), peer closed"));
        Assert.EndsWith("stopped: 1 connections, 1 frames, 2 bytes echoed, 0 dropped, 0 reset, 0 refused", server.Log.Last());
    }

    [Fact]
    public async Task Graceful_stop_gives_up_on_a_peer_that_never_closes()
    {
        await using var server = new RunningTcpServer(new TcpEchoServerOptions { CloseTimeout = TimeSpan.FromMilliseconds(300) });
        using Socket client = await ConnectRawAsync(server.EndPoint);
        await server.WaitForLineAsync($"{client.LocalEndPoint} connected");
        await server.StopAsync();
        Assert.Contains(server.Log, l => l.EndsWith("closed by server (stopping), peer did not close within 300 ms"));
    }

    [Fact]
    public async Task A_client_that_never_reads_is_held_back_by_flow_control()
    {
        await using var server = new RunningTcpServer(logFrames: false);
        using Socket client = await ConnectRawAsync(server.EndPoint);
        byte[] frame = new byte[4 + 65536];
        BinaryPrimitives.WriteInt32LittleEndian(frame, 65536);
        const long Total = 256L * 1024 * 1024;
        long accepted = 0;
        Task writing = Task.Run(async () =>
        {
            while (accepted < Total)
            {
                await client.SendAsync(frame, Cancel);
                Interlocked.Add(ref accepted, frame.Length);
            }
        }, Cancel);

        // Once both directions' socket buffers are full the server stops reading, so our sends stop completing.
        long before;
        do
        {
            before = Interlocked.Read(ref accepted);
            await Task.Delay(500, Cancel);
        } while (Interlocked.Read(ref accepted) != before);
        Note($"sends stalled after {before / 1e6:0.0} MB of {Total / 1e6:0} MB");
        Assert.False(writing.IsCompleted);
        Assert.True(before < 64L * 1024 * 1024, $"{before} bytes accepted");

        TcpEchoSummary summary = await server.StopAsync();
        Assert.Contains(server.Log, l => l.EndsWith("closed by server (stopping), peer was not reading its echoes"));
        Assert.True(summary.Bytes < before);
        client.Close();
        await Assert.ThrowsAnyAsync<Exception>(() => writing);
    }

    [Fact]
    public async Task Clients_over_max_clients_are_refused_with_a_reason()
    {
        await using var server = new RunningTcpServer(new TcpEchoServerOptions { MaxClients = 1 });
        using Socket first = await ConnectRawAsync(server.EndPoint);
        await server.WaitForLineAsync($"{first.LocalEndPoint} connected");

        TcpEchoResult refused = await TcpEchoClient.RunAsync(Client(server.EndPoint, 1, "10"), cancel: Cancel);
        Assert.False(refused.Success);
        // The server closes a refused socket at once. When the client's frame has already reached it, the kernel
        // answers the close of a socket with unread data with a RST (RFC 2525, 2.17), so the client sees either the
        // FIN or the reset, depending on who was first: both say the connection ended before any echo.
        Assert.Matches("^(server closed after 0 of 1 echoes|receive after 0 of 1 echoes: reset by peer)", refused.Errors.Single());
        await server.WaitForLineAsync("refused: max-clients 1 reached");
        first.Shutdown(SocketShutdown.Send);
        Assert.Equal(1, (await server.StopAsync()).Refused);
    }

    [Fact]
    public async Task Starting_on_a_port_in_use_fails_instead_of_sharing_it()
    {
        // SO_REUSEADDR alone (no SO_REUSEPORT) lets a restart bind past TIME_WAIT but not next to a live listener.
        await using var first = new RunningTcpServer();
        var second = new TcpEchoServerOptions { Port = first.EndPoint.Port };
        SocketException e = Assert.Throws<SocketException>(() => TcpEchoServer.Start(second));
        Assert.Equal(SocketError.AddressAlreadyInUse, e.SocketErrorCode);
    }

    [Fact]
    public async Task Echoes_over_IPv6_loopback()
    {
        await using var server = new RunningTcpServer(new TcpEchoServerOptions { Bind = IPAddress.IPv6Loopback });
        var lines = new List<string>();
        TcpEchoResult result = await TcpEchoClient.RunAsync(Client(server.EndPoint, 3, "10"), lines.Add, Cancel);
        AssertSuccess(result);
        Assert.Contains("[::1]:", lines[0]);
    }

    [Fact]
    public async Task Client_reports_a_refused_connection_and_invalid_options()
    {
        var nowhere = new IPEndPoint(IPAddress.Loopback, 1);
        TcpEchoResult result = await TcpEchoClient.RunAsync(new TcpEchoClientOptions { To = nowhere }, cancel: Cancel);
        Assert.Equal("connect to 127.0.0.1:1: connection refused", result.Errors.Single());

        var tooBig = new TcpEchoClientOptions { Size = new SizeRange(300, 300), Framing = FramingSpec.Parse("u8") };
        Assert.Equal("size 300 does not fit u8 framing (at most 255 bytes)", tooBig.Validate());
        await Assert.ThrowsAsync<ArgumentException>(() => TcpEchoClient.RunAsync(tooBig, cancel: Cancel));
    }
}
