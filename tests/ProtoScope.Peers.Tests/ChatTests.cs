using ProtoScope.Peers;
using Xunit;

namespace ProtoScope.Peers.Tests;

public class ChatTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>A chat server on an ephemeral port with its log, and clients that are members of the room once joined.</summary>
    private sealed class Room(int maxLine = 1024, int maxQueued = 256 * 1024, double stalledAfter = 5) : RunningServer<ChatServer, ChatSummary>(
        log => ChatServer.Start(new ChatServerOptions { Port = 0, MaxLine = maxLine, MaxQueued = maxQueued, StalledAfter = TimeSpan.FromSeconds(stalledAfter) }, log),
        (server, stop) => server.RunAsync(stop))
    {
        /// <summary>Connects <paramref name="count"/> clients and waits until the server has them all in the room.</summary>
        public async Task<ChatClient[]> JoinAsync(int count)
        {
            var clients = new ChatClient[count];
            for (int i = 0; i < count; i++)
                clients[i] = await ChatClient.ConnectAsync(Server.LocalEndPoint, Cancel);
            await WaitForAsync(l => l.EndsWith(" joined", StringComparison.Ordinal), count);
            return clients;
        }

        public async Task WaitForAsync(Func<string, bool> line, int count = 1)
        {
            DateTime deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (Log.Count(line) < count)
            {
                Assert.True(DateTime.UtcNow < deadline, "log:\n" + string.Join('\n', Log));
                await Task.Delay(10, Cancel);
            }
        }
    }

    [Fact]
    public async Task A_line_is_broadcast_to_every_other_client_and_not_back_to_its_sender()
    {
        await using var room = new Room();
        var clients = await room.JoinAsync(3);
        await clients[0].SendLineAsync("hello, everyone", Cancel);
        string from0 = $"{clients[0].LocalEndPoint}: hello, everyone";
        Assert.Equal(from0, await clients[1].ReadLineAsync(Cancel));
        Assert.Equal(from0, await clients[2].ReadLineAsync(Cancel));
        // The sender's first line is the next one someone else sends: its own never came back.
        await clients[1].SendLineAsync("hi\r", Cancel);
        Assert.Equal($"{clients[1].LocalEndPoint}: hi", await clients[0].ReadLineAsync(Cancel));
        Assert.Equal($"{clients[1].LocalEndPoint}: hi", await clients[2].ReadLineAsync(Cancel));
        foreach (var c in clients)
        {
            await c.CloseAsync(Cancel);
            c.Dispose();
        }
        await room.WaitForAsync(l => l.EndsWith(" left", StringComparison.Ordinal), 3);
        Assert.Equal(new ChatSummary(3, 2, 0), await room.StopAsync());
    }

    [Fact]
    public async Task A_line_too_long_drops_that_client_and_the_others_keep_talking()
    {
        await using var room = new Room(maxLine: 100);
        var clients = await room.JoinAsync(3);
        await clients[0].SendAsync(new byte[101], Cancel);
        await room.WaitForAsync(l => l.EndsWith(" dropped: line longer than 100 bytes", StringComparison.Ordinal));
        Assert.Null(await clients[0].ReadLineAsync(Cancel));
        await clients[1].SendLineAsync("still here", Cancel);
        Assert.Equal($"{clients[1].LocalEndPoint}: still here", await clients[2].ReadLineAsync(Cancel));
        // A line of exactly the limit is fine.
        await clients[2].SendLineAsync(new string('x', 100), Cancel);
        Assert.Equal($"{clients[2].LocalEndPoint}: {new string('x', 100)}", await clients[1].ReadLineAsync(Cancel));
        var summary = await room.StopAsync();
        Assert.Equal(1, summary.Dropped);
        Assert.Null(await clients[1].ReadLineAsync(Cancel));
        foreach (var c in clients) c.Dispose();
    }

    /// <summary>
    /// A client that stops reading: once its socket buffers are full, lines queue for it; past the queue's bound the
    /// room waits for it, and after half a second of reading nothing it is dropped with the reason. The client still
    /// reading gets every line, in order, however fast the sender floods the room.
    /// </summary>
    [Fact]
    public async Task A_client_that_stops_reading_is_dropped_and_holds_up_nobody()
    {
        await using var room = new Room(maxQueued: 64 * 1024, stalledAfter: 0.5);
        var clients = await room.JoinAsync(3);
        var (talker, reader, stalled) = (clients[0], clients[1], clients[2]);
        string text = new('x', 1000);
        // More than loopback's socket buffers can hold for the stalled client (a few MB at most) plus its queue.
        const int Lines = 12_000;
        var received = Task.Run(async () =>
        {
            for (int i = 0; i < Lines; i++)
                Assert.Equal($"{talker.LocalEndPoint}: {i} {text}", await reader.ReadLineAsync(Cancel));
        }, Cancel);
        for (int i = 0; i < Lines; i++)
            await talker.SendLineAsync($"{i} {text}", Cancel);
        await received.WaitAsync(TimeSpan.FromSeconds(60), Cancel);
        string dropped = await room.WaitForLineAsync(" bytes waiting for it for 0.5 s)");
        Assert.Contains($"{stalled.LocalEndPoint}", dropped);
        Assert.Contains(" dropped: not reading (", dropped);

        // The room goes on.
        await reader.SendLineAsync("still here", Cancel);
        Assert.Equal($"{reader.LocalEndPoint}: still here", await talker.ReadLineAsync(Cancel));
        var summary = await room.StopAsync();
        Assert.Equal(1, summary.Dropped);
        foreach (var c in clients) c.Dispose();
    }
}
