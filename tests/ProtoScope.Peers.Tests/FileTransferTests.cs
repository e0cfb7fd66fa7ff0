using System.Collections.Concurrent;
using System.Net.Sockets;
using ProtoScope.Peers;
using Xunit;

namespace ProtoScope.Peers.Tests;

public sealed class FileTransferTests : IAsyncDisposable
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private readonly string _root = Directory.CreateTempSubdirectory("psfiles").FullName;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<string> _log = new();
    private readonly FileServer _server;
    private readonly Task _serving;

    public FileTransferTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "disk"));
        _server = FileServer.Start(new FileServerOptions { Port = 0, Directory = Path.Combine(_root, "disk"), MaxFile = 1 << 20 }, _log.Enqueue);
        _serving = _server.RunAsync(_stop.Token);
    }

    [Fact]
    public async Task Puts_then_gets_returns_the_same_bytes_and_hash()
    {
        var content = new byte[300_000];
        new Random(7).NextBytes(content);
        await using var client = await FileClient.ConnectAsync(_server.LocalEndPoint, Cancel);
        string stored = await client.PutAsync("notes.bin", content, Cancel);
        Assert.Equal(FileServer.Sha256(content), stored);
        Assert.Equal(content, await File.ReadAllBytesAsync(Path.Combine(_root, "disk", "notes.bin"), Cancel));
        var (back, announced) = await client.GetAsync("notes.bin", Cancel);
        Assert.Equal(content, back);
        Assert.Equal(stored, announced);
        await client.CloseAsync(Cancel);
    }

    [Theory]
    [InlineData("../escape.txt")]
    [InlineData("sub/file.txt")]
    [InlineData("..")]
    [InlineData("/etc/passwd")]
    public async Task A_name_outside_the_directory_is_refused_and_the_connection_goes_on(string name)
    {
        await using var client = await FileClient.ConnectAsync(_server.LocalEndPoint, Cancel);
        var put = await Assert.ThrowsAsync<IOException>(() => client.PutAsync(name, "x"u8.ToArray(), Cancel));
        Assert.Contains("not a plain file name", put.Message);
        var get = await Assert.ThrowsAsync<IOException>(() => client.GetAsync(name, Cancel));
        Assert.Contains("not a plain file name", get.Message);
        Assert.False(File.Exists(Path.Combine(_root, "escape.txt")));
        Assert.Equal(FileServer.Sha256("ok"u8), await client.PutAsync("fine.txt", "ok"u8.ToArray(), Cancel));
    }

    [Fact]
    public async Task A_length_over_the_limit_drops_that_client_and_another_goes_on()
    {
        await using var bad = await FileClient.ConnectAsync(_server.LocalEndPoint, Cancel, maxFile: 4 << 20);
        await Assert.ThrowsAnyAsync<Exception>(() => bad.PutAsync("big.bin", new byte[(1 << 20) + 1], Cancel));
        DateTime deadline = DateTime.UtcNow.AddSeconds(10);
        while (!_log.Any(l => l.Contains(" dropped: ", StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
            await Task.Delay(10, Cancel);
        Assert.Contains(_log, l => l.Contains(" dropped: ", StringComparison.Ordinal));
        await using var good = await FileClient.ConnectAsync(_server.LocalEndPoint, Cancel);
        Assert.Equal(FileServer.Sha256("fine"u8), await good.PutAsync("small.bin", "fine"u8.ToArray(), Cancel));
        Assert.False(File.Exists(Path.Combine(_root, "disk", "big.bin")));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _serving.WaitAsync(TimeSpan.FromSeconds(10));
        _server.Dispose();
        _stop.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}
