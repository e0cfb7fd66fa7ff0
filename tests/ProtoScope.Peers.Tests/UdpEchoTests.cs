using System.Net;
using System.Net.Sockets;
using ProtoScope.Peers;
using Xunit;

namespace ProtoScope.Peers.Tests;

public class UdpEchoTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static readonly TimeSpan ShortTimeout = TimeSpan.FromMilliseconds(300);

    private sealed class RunningUdpServer : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task<UdpEchoSummary> _run;

        public RunningUdpServer(UdpEchoServerOptions options)
        {
            Server = UdpEchoServer.Start(options with { Port = 0 }, Log.Add);
            _run = Server.RunAsync(_stop.Token);
        }

        public UdpEchoServer Server { get; }
        public SynchronizedList Log { get; } = new();

        public async Task<UdpEchoSummary> StopAsync()
        {
            await _stop.CancelAsync();
            return await _run.WaitAsync(TimeSpan.FromSeconds(10));
        }

        public async ValueTask DisposeAsync()
        {
            if (!_stop.IsCancellationRequested)
                await StopAsync();
            Server.Dispose();
            _stop.Dispose();
        }
    }

    internal sealed class SynchronizedList
    {
        private readonly List<string> _lines = [];

        public void Add(string line)
        {
            lock (_lines)
                _lines.Add(line);
        }

        public string[] Lines
        {
            get
            {
                lock (_lines)
                    return [.. _lines];
            }
        }
    }

    [Fact]
    public async Task Framed_datagrams_echo_and_replies_are_lost_once_the_server_is_gone()
    {
        IPEndPoint to;
        await using (var server = new RunningUdpServer(new UdpEchoServerOptions()))
        {
            to = server.Server.LocalEndPoint;
            UdpEchoResult result = await UdpEchoClient.RunAsync(
                new UdpEchoClientOptions { To = to, Count = 50, Size = new SizeRange(0, 60000) }, cancel: Cancel);
            Assert.True(result.Success, result.ToString());
            Assert.Equal(50, result.RepliesOk);
            UdpEchoSummary summary = await server.StopAsync();
            Assert.Equal(50, summary.Echoed);
        }

        // Nothing listens now: the kernel answers with ICMP port unreachable, counted as lost, not as an error.
        UdpEchoResult afterStop = await UdpEchoClient.RunAsync(
            new UdpEchoClientOptions { To = to, Count = 4, Timeout = ShortTimeout }, cancel: Cancel);
        Assert.False(afterStop.Success);
        Assert.Equal(4, afterStop.Lost);
        Assert.Equal(0, afterStop.RepliesOk + afterStop.Mismatches);
    }

    [Fact]
    public async Task Raw_datagrams_echo_as_they_are()
    {
        await using var server = new RunningUdpServer(new UdpEchoServerOptions { Raw = true });
        var lines = new List<string>();
        UdpEchoResult result = await UdpEchoClient.RunAsync(new UdpEchoClientOptions
        {
            To = server.Server.LocalEndPoint, Raw = true, Count = 3, Message = "ping",
        }, lines.Add, Cancel);
        Assert.True(result.Success, result.ToString());
        Assert.Equal(3, result.RepliesOk);
        await server.StopAsync();
        Assert.Equal(3, server.Log.Lines.Count(l => l.EndsWith(" datagram 4 bytes")));
    }

    [Fact]
    public async Task A_framed_server_drops_datagrams_that_are_not_one_frame()
    {
        await using var server = new RunningUdpServer(new UdpEchoServerOptions());
        UdpEchoResult result = await UdpEchoClient.RunAsync(new UdpEchoClientOptions
        {
            To = server.Server.LocalEndPoint, Raw = true, Count = 2, Message = "hello", Timeout = ShortTimeout,
        }, cancel: Cancel);
        Assert.Equal(2, result.Lost);
        UdpEchoSummary summary = await server.StopAsync();
        Assert.Equal(2, summary.Invalid);
        // "hell" read as u32le is 1819043176, far over the 16 MiB limit.
        Assert.Contains(server.Log.Lines, l => l.EndsWith("dropped: length 1819043176 exceeds --max-frame 16777216"));
    }

    [Fact]
    public async Task A_datagram_larger_than_the_receive_buffer_is_logged_as_truncated_not_echoed()
    {
        await using var server = new RunningUdpServer(new UdpEchoServerOptions { ReceiveBuffer = 1024 });
        var client = new UdpEchoClientOptions { To = server.Server.LocalEndPoint, Timeout = ShortTimeout };

        UdpEchoResult fits = await UdpEchoClient.RunAsync(client with { Size = new SizeRange(1020, 1020) }, cancel: Cancel);
        Assert.True(fits.Success, fits.ToString());

        UdpEchoResult truncated = await UdpEchoClient.RunAsync(client with { Count = 3, Size = new SizeRange(2000, 2000) }, cancel: Cancel);
        Assert.Equal(3, truncated.Lost);
        Assert.Equal(0, truncated.Mismatches);

        UdpEchoSummary summary = await server.StopAsync();
        Assert.Equal(3, summary.Truncated);
        Assert.Equal(1, summary.Echoed);
        Assert.Equal(3, server.Log.Lines.Count(l => l.EndsWith("dropped: datagram truncated (larger than the 1024-byte receive buffer)")));
    }

    [Fact]
    public async Task A_late_reply_is_recognised_and_not_a_mismatch()
    {
        // A hand-made server that answers datagram 0 at 1.5 timeouts, while the client waits for datagram 1's reply.
        TimeSpan timeout = TimeSpan.FromMilliseconds(400);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Task slowEcho = Task.Run(async () =>
        {
            byte[] buffer = new byte[100];
            for (int i = 0; i < 2; i++)
            {
                SocketReceiveFromResult received = await socket.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), Cancel);
                if (i == 0)
                    await Task.Delay(timeout * 1.5, Cancel);
                await socket.SendToAsync(buffer.AsMemory(0, received.ReceivedBytes), received.RemoteEndPoint, Cancel);
            }
        }, Cancel);
        var lines = new List<string>();
        UdpEchoResult result = await UdpEchoClient.RunAsync(new UdpEchoClientOptions
        {
            To = (IPEndPoint)socket.LocalEndPoint!, Count = 2, Timeout = timeout,
        }, lines.Add, Cancel);
        await slowEcho;
        Assert.Equal((1, 1, 1, 0), (result.RepliesOk, result.Lost, result.Late, result.Mismatches));
        Assert.Contains(lines, l => l.EndsWith("late reply to datagram 0"));
    }

    [Fact]
    public void Client_options_refuse_datagrams_over_the_UDP_maximum()
    {
        var options = new UdpEchoClientOptions { Size = new SizeRange(65504, 65504) };
        Assert.Equal("a 65508-byte datagram exceeds the UDP maximum of 65507", options.Validate());
        Assert.Null((options with { Raw = true }).Validate());
    }
}
