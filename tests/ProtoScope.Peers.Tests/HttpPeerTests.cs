using System.Net;
using System.Net.Sockets;
using System.Text;
using ProtoScope.Core.Framing;
using ProtoScope.Peers;
using Xunit;

namespace ProtoScope.Peers.Tests;

public class HttpPeerTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>An HTTP server on an ephemeral loopback port, its log kept for assertions.</summary>
    private sealed class Running(HttpServerOptions? options = null) : RunningServer<HttpServer, HttpServerSummary>(
        log => HttpServer.Start((options ?? new HttpServerOptions()) with { Port = 0 }, log),
        (server, stop) => server.RunAsync(stop));

    private static async Task<Socket> ConnectRawAsync(IPEndPoint to)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(to, Cancel);
        return socket;
    }

    /// <summary>Everything the server sends until its FIN.</summary>
    private static async Task<string> ReadToEndAsync(Socket socket)
    {
        var all = new MemoryStream();
        byte[] buffer = new byte[4096];
        int n;
        while ((n = await socket.ReceiveAsync(buffer, Cancel)) > 0) all.Write(buffer, 0, n);
        return Encoding.ASCII.GetString(all.ToArray());
    }

    [Fact]
    public async Task One_keep_alive_connection_gets_content_length_chunked_post_and_head_answers()
    {
        await using var running = new Running();
        using (var client = await HttpClientConnection.ConnectAsync(running.Server.LocalEndPoint, Cancel))
        {
            var hello = await client.SendAsync("GET", "/hello", cancel: Cancel);
            Assert.Equal((200, HttpBody.ContentLength), (hello.StatusCode, hello.Framing));
            Assert.Equal("hello from ProtoScope's HTTP server\n", Encoding.UTF8.GetString(hello.Body));

            var chunked = await client.SendAsync("GET", "/chunked", cancel: Cancel);
            Assert.Equal((200, HttpBody.Chunked), (chunked.StatusCode, chunked.Framing));
            Assert.Equal("first chunk\nsecond chunk\nand the last one\n", Encoding.UTF8.GetString(chunked.Body));

            byte[] form = Encoding.UTF8.GetBytes("name=ProtoScope&lang=C#");
            var post = await client.SendAsync("POST", "/form", form, Cancel);
            Assert.Equal($"received {form.Length} bytes\n", Encoding.UTF8.GetString(post.Body));

            // The answer to HEAD has a Content-Length and no body; the next answer must still be read right.
            var head = await client.SendAsync("HEAD", "/hello", cancel: Cancel);
            Assert.Equal((200, 0), (head.StatusCode, head.Body.Length));
            var missing = await client.SendAsync("GET", "/nothing", cancel: Cancel);
            Assert.Equal(404, missing.StatusCode);
            await client.CloseAsync(Cancel);
        }
        var summary = await running.StopAsync();
        Assert.Equal((1L, 5L, 0L), (summary.Connections, summary.Requests, summary.Dropped));
    }

    [Fact]
    public async Task Pipelined_requests_in_one_write_are_answered_in_order()
    {
        await using var running = new Running();
        using var socket = await ConnectRawAsync(running.Server.LocalEndPoint);
        await socket.SendAsync("GET /hello HTTP/1.1\r\nHost: x\r\n\r\nGET /chunked HTTP/1.1\r\nHost: x\r\n\r\nGET /x HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray(), Cancel);
        socket.Shutdown(SocketShutdown.Send);
        string answers = await ReadToEndAsync(socket);
        int ok = answers.IndexOf("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length", StringComparison.Ordinal);
        int chunked = answers.IndexOf("Transfer-Encoding: chunked", StringComparison.Ordinal);
        int notFound = answers.IndexOf("HTTP/1.1 404", StringComparison.Ordinal);
        Assert.True(ok >= 0 && ok < chunked && chunked < notFound, answers);
    }

    [Theory]
    [InlineData("GARBAGE\u0001\r\n\r\n", "not an HTTP start line")]
    [InlineData("GET / HTTP/1.1\r\nHost x\r\n\r\n", "malformed header field")]
    [InlineData("POST / HTTP/1.1\r\nContent-Length: 2000000\r\n\r\n", "body longer than --max-frame")]
    public async Task A_malformed_request_drops_that_client_and_the_others_are_served_on(string bad, string reason)
    {
        await using var running = new Running();
        using var other = await HttpClientConnection.ConnectAsync(running.Server.LocalEndPoint, Cancel);
        Assert.Equal(200, (await other.SendAsync("GET", "/", cancel: Cancel)).StatusCode);

        using (var bad1 = await ConnectRawAsync(running.Server.LocalEndPoint))
        {
            await bad1.SendAsync(Encoding.ASCII.GetBytes(bad), Cancel);
            string answer = await ReadToEndAsync(bad1);
            Assert.StartsWith("HTTP/1.1 400 Bad Request\r\n", answer);
        }
        Assert.Contains(running.Log, l => l.Contains($"dropped: {reason}"));

        // The connection opened before the bad one is still served, and so is a new one.
        Assert.Equal(200, (await other.SendAsync("GET", "/chunked", cancel: Cancel)).StatusCode);
        using var next = await HttpClientConnection.ConnectAsync(running.Server.LocalEndPoint, Cancel);
        Assert.Equal(200, (await next.SendAsync("POST", "/", "x"u8.ToArray(), Cancel)).StatusCode);
        await other.CloseAsync(Cancel);
        await next.CloseAsync(Cancel);
        var summary = await running.StopAsync();
        Assert.Equal((3L, 1L), (summary.Connections, summary.Dropped));
    }

    [Fact]
    public async Task A_header_block_without_end_is_refused_once_it_passes_the_limit()
    {
        await using var running = new Running();
        using var socket = await ConnectRawAsync(running.Server.LocalEndPoint);
        byte[] line = Encoding.ASCII.GetBytes("X-Filler: " + new string('a', 1000) + "\r\n");
        await socket.SendAsync("GET / HTTP/1.1\r\n"u8.ToArray(), Cancel);
        // The server answers before the client stops sending: keep sending until it does, well past the limit.
        string answer = "";
        var reading = ReadToEndAsync(socket);
        for (int sent = 0; sent < 4 * FramingSpec.MaxHttpHead && !reading.IsCompleted; sent += line.Length)
        {
            try { await socket.SendAsync(line, Cancel); }
            catch (SocketException) { break; }
        }
        try { answer = await reading; } catch (SocketException) { }
        Assert.Contains(running.Log, l => l.Contains($"dropped: header block longer than {FramingSpec.MaxHttpHead} bytes"));
        Assert.True(answer.Length == 0 || answer.StartsWith("HTTP/1.1 400", StringComparison.Ordinal), answer);
    }
}
