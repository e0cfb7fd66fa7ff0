using System.Net.Sockets;
using System.Text;

namespace ProtoScope.Peers.Demo;

/// <summary>
/// `demo long-short`: the same messages to the echo server over one long connection, then over one short connection
/// each. Every connection costs a handshake and a teardown (and leaves a TIME-WAIT behind on the side that closes
/// first), which is what HTTP/1.1's keep-alive and connection pools save.
/// </summary>
internal static class LongShortScenario
{
    private const int Messages = 5;

    public static async Task RunAsync(DemoRun run)
    {
        using var server = TcpEchoServer.Start(new TcpEchoServerOptions { Port = run.Port }, run.Log);
        using var stop = new CancellationTokenSource();
        var serving = server.RunAsync(stop.Token);
        int handshakes = 0;

        await run.StepAsync($"long connection: {Messages} messages over one connection");
        using (var client = await run.ConnectAsync())
        {
            handshakes++;
            for (int i = 1; i <= Messages; i++)
                await ExchangeAsync(run, client, i);
            await CloseAsync(run, client);
        }
        run.Log($"long connection: {Messages} messages, 1 handshake");

        await run.StepAsync($"short connections: the same {Messages} messages, one connection each");
        for (int i = 1; i <= Messages; i++)
        {
            using var client = await run.ConnectAsync();
            handshakes++;
            await ExchangeAsync(run, client, i);
            await CloseAsync(run, client);
        }
        run.Log($"short connections: {Messages} messages, {Messages} handshakes");
        run.Log($"{handshakes} handshakes in all for {2 * Messages} messages: 1 for the long connection, {Messages} for the short ones");

        await run.StepAsync(null);
        stop.Cancel();
        await serving;
    }

    private static async Task ExchangeAsync(DemoRun run, Socket client, int i)
    {
        await run.SendFrameAsync(client, Encoding.UTF8.GetBytes($"message {i} of {Messages}"));
        await run.ReceiveFrameAsync(client, quiet: true);
    }

    private static async Task CloseAsync(DemoRun run, Socket client)
    {
        await run.StepAsync("client closes with FIN");
        SocketText.SendFin(client);
        await run.ReceiveEndAsync(client);
    }
}
