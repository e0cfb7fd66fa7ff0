using System.Net;

namespace ProtoScope.Peers.Demo;

/// <summary>
/// `demo chat`: three clients of the newline-delimited chat server. One line from the first client goes out once to
/// the server and comes back twice, once on each other client's connection: the server's broadcast.
/// </summary>
internal static class ChatScenario
{
    private const int Clients = 3;

    public static async Task RunAsync(DemoRun run)
    {
        using var server = ChatServer.Start(new ChatServerOptions { Port = run.Port, MaxLine = 256 }, run.Log);
        using var stop = new CancellationTokenSource();
        var serving = server.RunAsync(stop.Token);
        var address = new IPEndPoint(IPAddress.Loopback, run.Port);

        var clients = new List<ChatClient>();
        try
        {
            for (int i = 1; i <= Clients; i++)
            {
                await run.StepAsync($"client {i} joins the chat: connects to {address}");
                clients.Add(await ChatClient.ConnectAsync(address, run.Cancel));
            }
            // A line goes to the clients the server has accepted; the last connect can finish before its accept.
            while (server.Members < Clients)
                await Task.Delay(10, run.Cancel);

            await run.StepAsync("client 1 sends one line; the server sends it on to clients 2 and 3");
            await clients[0].SendLineAsync("hello, everyone", run.Cancel);
            for (int i = 1; i < Clients; i++)
                run.Log($"client {i + 1} reads: {await clients[i].ReadLineAsync(run.Cancel)}");

            await run.StepAsync("the clients leave: each closes with FIN, the server answers with its own");
            foreach (var client in clients)
                await client.CloseAsync(run.Cancel);
        }
        finally
        {
            foreach (var client in clients)
                client.Dispose();
        }
        await run.StepAsync(null);
        stop.Cancel();
        await serving;
    }
}
