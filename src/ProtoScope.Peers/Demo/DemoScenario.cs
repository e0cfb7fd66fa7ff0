using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text;
using ProtoScope.Core.Framing;

namespace ProtoScope.Peers.Demo;

/// <summary>
/// The classroom demos: each one makes one kind of TCP or UDP exchange on loopback, step by step, so a capture
/// of it shows a textbook handshake, teardown, reset, refusal, sticky frames, a split frame or UDP datagrams, and
/// further into the course (each in a file of its own) a zero window, TIME-WAIT, a truncated datagram, long against
/// short connections, a chat room, a file transfer, an HTTP exchange and, on a link of their own, loss and what fits in
/// one packet (MSS and IP fragments).
/// </summary>
/// <remarks>
/// A scenario with a <paramref name="Link"/> runs on a link of its own, made before the capture opens and captured
/// on its <see cref="VethLink.Interface"/>, instead of on loopback; `all` leaves such scenarios out.
/// </remarks>
public sealed record DemoScenario(string Name, string Description, Func<DemoRun, Task> RunAsync, Func<int, VethLink>? Link = null)
{
    public static IReadOnlyList<DemoScenario> All { get; } =
    [
        new("handshake", "connect (three-way handshake), send one message and get its echo, close with FIN (four-way teardown)", Handshake),
        new("teardown-server-first", "the server closes first: its FIN starts the teardown, the client's FIN ends it", TeardownServerFirst),
        new("half-close", "the client shuts down its sending side after one message; the server still answers, then closes", HalfClose),
        new("reset", "the client aborts with RST (SO_LINGER 0) instead of closing with FIN", Reset),
        new("refused", "connect to a port where nothing listens: the SYN is answered by RST", Refused),
        new("sticky", "ten small frames in one write: several frames share one TCP segment", Sticky),
        new("split", "one 200 KB frame, larger than the MSS: one frame spans several TCP segments", Split),
        new("udp", "three framed UDP datagrams; the last is too large for the server's 1 KB buffer and is lost", Udp),
        new("zero-window", "the receiver stops reading: its window fills and closes, the sender probes, a window update reopens it", ZeroWindowScenario.RunAsync),
        new("time-wait", "the server closes first and restarts at once: its bind fails (EADDRINUSE) without SO_REUSEADDR and succeeds with it", TimeWaitScenario.RunAsync),
        new("udp-truncate", "a datagram larger than the receiver's 512-byte buffer: the read is cut (MSG_TRUNC), the capture shows it whole", UdpTruncateScenario.RunAsync),
        new("long-short", "five messages over one long connection, then over one connection each: six handshakes instead of one", LongShortScenario.RunAsync),
        new("chat", "three clients of a newline-delimited chat server: one client's line is broadcast to the other two", ChatScenario.RunAsync),
        new("file-transfer", "puts and gets of a 2 MB file over the length-prefixed framing, checked by SHA-256 on both sides", FileTransferScenario.RunAsync),
        new("http", "one keep-alive HTTP/1.1 connection: a GET answered with a Content-Length body, a GET answered in chunks, a POST with a body", HttpScenario.RunAsync) { MessageFraming = FramingSpec.Http },
        new("loss", "300 KB over a link that drops one segment in 20 (network namespace, veth, nftables; needs root): retransmissions", LossScenario.RunAsync,
            port => VethLink.Create("loss", port, dropOneIn: LossScenario.DropOneIn)),
        new("mss", "what fits one packet on MTU 1500 (network namespace, veth; needs root): MSS 1460, a 1472-byte UDP datagram whole, a 1473-byte one in two IP fragments", MssScenario.RunAsync,
            port => VethLink.Create("mss", port, tcpTimestamps: false)),
    ];

    public static DemoScenario? Find(string name) => All.FirstOrDefault(s => s.Name == name);

    /// <summary>How the scenario's messages are read, e.g. in the UI's Frames view; null for the length prefix the echo peers speak.</summary>
    public FramingSpec? MessageFraming { get; init; }

    /// <summary>What `all` runs: every scenario on loopback, one after the other.</summary>
    public static IReadOnlyList<DemoScenario> OnLoopback { get; } = [.. All.Where(s => s.Link is null)];

    private static readonly FramingSpec Framing = FramingSpec.Default;

    private static async Task Handshake(DemoRun run)
    {
        using var listener = run.Listen();
        using var client = await run.ConnectAsync();
        using var accepted = await listener.AcceptAsync();
        await run.SendFrameAsync(client, Encoding.UTF8.GetBytes("hello, 你好"));
        var request = await run.ReceiveFrameAsync(accepted);
        await run.SendFrameAsync(accepted, request);
        await run.ReceiveFrameAsync(client);
        await run.CloseAsync(client, accepted, "client closes with FIN",
            "server's TCP acknowledges the FIN; the server application closes a moment later");
        await run.StepAsync(null);
    }

    private static async Task TeardownServerFirst(DemoRun run)
    {
        using var listener = run.Listen();
        using var client = await run.ConnectAsync();
        using var accepted = await listener.AcceptAsync();
        await run.SendFrameAsync(client, Encoding.UTF8.GetBytes("please close first"));
        var request = await run.ReceiveFrameAsync(accepted);
        await run.SendFrameAsync(accepted, request);
        await run.ReceiveFrameAsync(client);
        await run.CloseAsync(accepted, client, "server closes first with FIN",
            "client's TCP acknowledges the FIN; the client application answers with its own FIN");
        await run.StepAsync(null);
    }

    private static async Task HalfClose(DemoRun run)
    {
        using var listener = run.Listen();
        using var client = await run.ConnectAsync();
        using var accepted = await listener.AcceptAsync();
        await run.SendFrameAsync(client, Encoding.UTF8.GetBytes("one question, then I stop talking"));
        await run.StepAsync("client shuts down its sending side (FIN) but keeps reading");
        SocketText.SendFin(client);
        var request = await run.ReceiveFrameAsync(accepted);
        await run.ReceiveEndAsync(accepted);
        await run.StepAsync("server still sends after the client's FIN");
        await run.SendFrameAsync(accepted, request);
        await run.SendFrameAsync(accepted, Encoding.UTF8.GetBytes("and one more thing"));
        await run.ReceiveFrameAsync(client);
        await run.ReceiveFrameAsync(client);
        await run.StepAsync("server closes: FIN");
        SocketText.SendFin(accepted);
        await run.ReceiveEndAsync(client);
        await run.StepAsync(null);
    }

    private static async Task Reset(DemoRun run)
    {
        using var server = TcpEchoServer.Start(new TcpEchoServerOptions { Port = run.Port }, run.Log);
        using var stop = new CancellationTokenSource();
        var serving = server.RunAsync(stop.Token);
        var client = await run.ConnectAsync();
        await run.SendFrameAsync(client, Encoding.UTF8.GetBytes("goodbye, abruptly"));
        await run.ReceiveFrameAsync(client);
        await run.StepAsync("client aborts: RST (SO_LINGER 0)");
        SocketText.Abort(client);
        await run.StepAsync(null);
        stop.Cancel();
        await serving;
    }

    private static async Task Refused(DemoRun run)
    {
        await run.StepAsync($"client connects to port {run.Port}, where nothing listens");
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await client.ConnectAsync(new IPEndPoint(IPAddress.Loopback, run.Port));
            throw new InvalidOperationException($"something is listening on port {run.Port}; pick another --port");
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            run.Log($"client: connection refused (the SYN was answered by RST)");
        }
        await run.StepAsync(null);
    }

    private static async Task Sticky(DemoRun run)
    {
        using var server = TcpEchoServer.Start(new TcpEchoServerOptions { Port = run.Port }, run.Log);
        using var stop = new CancellationTokenSource();
        var serving = server.RunAsync(stop.Token);
        using (var client = await run.ConnectAsync())
        {
            var frames = Enumerable.Range(1, 10).Select(i => Encoding.UTF8.GetBytes($"frame {i} of 10")).ToList();
            await run.StepAsync("client writes 10 frames with one send()");
            var buffer = new ArrayBufferWriter<byte>();
            foreach (var f in frames) MessageWriter.Write(buffer, f, Framing);
            await client.SendAsync(buffer.WrittenMemory);
            for (int i = 0; i < frames.Count; i++) await run.ReceiveFrameAsync(client, quiet: true);
            run.Log("client: 10 echoes received");
            await run.StepAsync("client closes with FIN");
            SocketText.SendFin(client);
            await run.ReceiveEndAsync(client);
        }
        stop.Cancel();
        await serving;
    }

    private static async Task Split(DemoRun run)
    {
        using var server = TcpEchoServer.Start(new TcpEchoServerOptions { Port = run.Port }, run.Log);
        using var stop = new CancellationTokenSource();
        var serving = server.RunAsync(stop.Token);
        using (var client = await run.ConnectAsync())
        {
            var big = new byte[200_000];
            for (int i = 0; i < big.Length; i++) big[i] = (byte)('a' + i % 26);
            await run.SendFrameAsync(client, big);
            await run.ReceiveFrameAsync(client);
            await run.StepAsync("client closes with FIN");
            SocketText.SendFin(client);
            await run.ReceiveEndAsync(client);
        }
        stop.Cancel();
        await serving;
    }

    private static async Task Udp(DemoRun run)
    {
        using var server = UdpEchoServer.Start(new UdpEchoServerOptions { Port = run.Port, ReceiveBuffer = 1024 }, run.Log);
        using var stop = new CancellationTokenSource();
        var serving = server.RunAsync(stop.Token);
        var result = await UdpEchoClient.RunAsync(new UdpEchoClientOptions
        {
            To = new IPEndPoint(IPAddress.Loopback, run.Port), Count = 3, Size = new SizeRange(20, 20),
            Timeout = TimeSpan.FromMilliseconds(500), Interval = run.Pause,
        }, run.Log);
        await UdpEchoClient.RunAsync(new UdpEchoClientOptions
        {
            To = new IPEndPoint(IPAddress.Loopback, run.Port), Count = 1, Size = new SizeRange(2000, 2000),
            Timeout = TimeSpan.FromMilliseconds(500), Seed = 2,
        }, run.Log);
        run.Log($"udp: {result.RepliesOk} small datagrams echoed; the 2000-byte one did not fit the server's 1024-byte buffer");
        await run.StepAsync(null);
        stop.Cancel();
        await serving;
    }
}
