using System.Net;
using System.Net.Sockets;

namespace ProtoScope.Peers.Demo;

/// <summary>
/// `demo loss`: one large message to the echo server over a <see cref="VethLink"/> that drops one in
/// <see cref="DropOneIn"/> of the client's segments. TCP recovers what was lost: duplicate ACKs with SACK blocks,
/// fast retransmissions, and a retransmission on timeout when too little follows a loss to trigger the fast one.
/// </summary>
internal static class LossScenario
{
    public const int DropOneIn = 20;

    private const int MessageSize = 300_000;

    public static async Task RunAsync(DemoRun run)
    {
        var link = run.Link ?? throw new InvalidOperationException("demo loss runs on its own link: run it by name");
        var address = new IPEndPoint(link.ServerAddress, run.Port);
        using var server = link.Inside(() => TcpEchoServer.Start(new TcpEchoServerOptions { Bind = link.ServerAddress, Port = run.Port }, run.Log));
        using var stop = new CancellationTokenSource();
        var serving = server.RunAsync(stop.Token);
        using (var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true })
        {
            await run.StepAsync($"client connects to the echo server at {address}, in a network namespace behind a veth pair");
            await client.ConnectAsync(address, run.Cancel);
            var message = new byte[MessageSize];
            for (int i = 0; i < message.Length; i++) message[i] = (byte)('a' + i % 26);
            run.Log($"the link drops one in {DropOneIn} of the client's segments at random; TCP retransmits them");
            await run.SendFrameAsync(client, message);
            await run.ReceiveFrameAsync(client);
            await run.StepAsync("client closes with FIN");
            SocketText.SendFin(client);
            await run.ReceiveEndAsync(client);
        }
        await run.StepAsync(null);
        stop.Cancel();
        await serving;
    }
}
