using System.Buffers;
using System.Net.Sockets;
using ProtoScope.Core.Framing;

namespace ProtoScope.Peers.Demo;

/// <summary>
/// `demo zero-window`: a receiver that stops reading. Its small receive buffer fills, its window closes to zero,
/// the sender's TCP probes the closed window with backing-off timers, and when the application reads again the
/// receiver announces the space with a window update (RFC 9293 3.8.6.1). Linux probes with an empty segment one
/// byte below the acknowledged sequence, which Wireshark names a keep-alive, not a zero-window probe.
/// </summary>
internal static class ZeroWindowScenario
{
    /// <summary>
    /// Asked of the listener, and so of the connection it accepts (Linux doubles it for its bookkeeping): small
    /// enough that a fraction of the message fills it.
    /// </summary>
    private const int ReceiveBuffer = 4096;

    private const int MessageSize = 32 * 1024;

    /// <summary>
    /// How long the server leaves its buffer full. Linux sends the first probe after one RTO (200 ms at least) and
    /// doubles the interval each time, so two seconds show three or four probes.
    /// </summary>
    private static readonly TimeSpan Stall = TimeSpan.FromSeconds(2);

    public static async Task RunAsync(DemoRun run)
    {
        using var listener = run.Listen();
        // Set before the client's SYN arrives: the SYN-ACK's window and window scale are chosen from this buffer.
        listener.ReceiveBufferSize = ReceiveBuffer;
        using var client = await run.ConnectAsync();
        using var accepted = await listener.AcceptAsync(run.Cancel);

        await run.StepAsync($"client sends a {MessageSize / 1024} KB frame; the server application reads nothing, "
            + $"so its {ReceiveBuffer}-byte receive buffer fills and its window closes to zero");
        var message = new ArrayBufferWriter<byte>();
        MessageWriter.Write(message, new byte[MessageSize], FramingSpec.Default);
        var sending = client.SendAsync(message.WrittenMemory, run.Cancel).AsTask();

        await run.StepAsync("client's TCP probes the zero window, waiting longer after each probe");
        await Task.Delay(Stall, run.Cancel);

        await run.StepAsync("server application reads again: its TCP announces the space with a window update");
        await run.ReceiveFrameAsync(accepted);
        await sending;

        await run.CloseAsync(client, accepted, "client closes with FIN");
        await run.StepAsync(null);
    }
}
