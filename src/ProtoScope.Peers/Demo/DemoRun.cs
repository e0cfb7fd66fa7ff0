using System.Buffers;
using System.Net;
using System.Net.Sockets;
using ProtoScope.Core.Framing;

namespace ProtoScope.Peers.Demo;

/// <summary>
/// What a scenario needs: the loopback port, the pace (a pause between steps with --slow, so a class can
/// follow; or, with --step, <paramref name="waitForStep"/>, which holds each step until the teacher's key), what
/// the steps after the first wait for (<paramref name="ready"/>: the UI's first screen) and where to say what
/// happens. Sockets made here are plain blocking-free .NET sockets on 127.0.0.1.
/// </summary>
public sealed class DemoRun(int port, TimeSpan pause, Action<string> log, CancellationToken cancel,
    Func<CancellationToken, Task>? waitForStep = null, Func<CancellationToken, Task>? ready = null)
{
    public int Port { get; } = port;
    public TimeSpan Pause { get; } = pause;
    public CancellationToken Cancel { get; } = cancel;

    /// <summary>The scenario's own link, made before the capture opened, for a scenario that has one.</summary>
    public VethLink? Link { get; init; }

    public void Log(string line) => log(line);

    private bool _started;

    /// <summary>
    /// Says what comes next, then waits the pause, or for the key with --step; a null step (the quiet wait at a
    /// scenario's end, for the last ACKs) only waits the pause. The pause goes between steps: the first step
    /// starts at once, while the UI is still starting, so its packets are on the first screen; the others wait
    /// for <c>ready</c> as well, so the class sees them arrive.
    /// </summary>
    public async Task StepAsync(string? step)
    {
        if (step is not null) log(step);
        bool first = !_started;
        _started = true;
        if (!first && ready is not null) await ready(Cancel);
        if (step is not null && waitForStep is not null) await waitForStep(Cancel);
        else if (!first && Pause > TimeSpan.Zero) await Task.Delay(Pause, Cancel);
    }

    /// <summary>
    /// Waits before an application's close long enough that its TCP has acknowledged the peer's FIN on its
    /// own (Linux delays an ACK by at most 200 ms): the teardown then shows four separate segments instead of
    /// a FIN that carries the ACK.
    /// </summary>
    public Task TeardownPauseAsync(string step) =>
        StepAsync(step).ContinueWith(_ => Task.Delay(Pause < MinimumTeardownPause ? MinimumTeardownPause - Pause : TimeSpan.Zero, Cancel), Cancel).Unwrap();

    private static readonly TimeSpan MinimumTeardownPause = TimeSpan.FromMilliseconds(300);

    public Socket Listen()
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, Port));
        listener.Listen(1);
        return listener;
    }

    public async Task<Socket> ConnectAsync()
    {
        await StepAsync($"client connects to 127.0.0.1:{Port}: SYN, SYN-ACK, ACK");
        return await ClientSocket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, Port), Cancel);
    }

    public async Task SendFrameAsync(Socket socket, ReadOnlyMemory<byte> payload)
    {
        await StepAsync($"{Side(socket)} sends a {payload.Length}-byte frame");
        var buffer = new ArrayBufferWriter<byte>();
        MessageWriter.Write(buffer, payload.Span, FramingSpec.Default);
        await socket.SendAsync(buffer.WrittenMemory, Cancel);
    }

    public async Task<byte[]> ReceiveFrameAsync(Socket socket, bool quiet = false)
    {
        var header = new byte[FramingSpec.Default.HeaderSize];
        await ReceiveExactAsync(socket, header);
        int length = (int)BitConverter.ToUInt32(header);
        var payload = new byte[length];
        await ReceiveExactAsync(socket, payload);
        if (!quiet) log($"{Side(socket)} received a {length}-byte frame");
        return payload;
    }

    /// <summary>Reads until the peer's FIN (a read of 0 bytes).</summary>
    public async Task ReceiveEndAsync(Socket socket)
    {
        var scratch = new byte[4096];
        while (await socket.ReceiveAsync(scratch, Cancel) > 0) { }
        log($"{Side(socket)} sees the peer's FIN");
    }

    /// <summary>
    /// The four-way teardown, <paramref name="first"/> closing first: its FIN, the peer reading to the end, then the
    /// peer's FIN. With <paramref name="teardownStep"/>, the peer's application waits (<see cref="TeardownPauseAsync"/>)
    /// so that its TCP acknowledges the first FIN in a segment of its own.
    /// </summary>
    public async Task CloseAsync(Socket first, Socket second, string step, string? teardownStep = null)
    {
        await StepAsync(step);
        SocketText.SendFin(first);
        await ReceiveEndAsync(second);
        if (teardownStep is not null) await TeardownPauseAsync(teardownStep);
        SocketText.SendFin(second);
        await ReceiveEndAsync(first);
    }

    private async Task ReceiveExactAsync(Socket socket, Memory<byte> buffer)
    {
        while (buffer.Length > 0)
        {
            int n = await socket.ReceiveAsync(buffer, Cancel);
            if (n == 0) throw new IOException("the peer closed mid-frame");
            buffer = buffer[n..];
        }
    }

    private string Side(Socket socket) => ((IPEndPoint)socket.LocalEndPoint!).Port == Port ? "server" : "client";
}
