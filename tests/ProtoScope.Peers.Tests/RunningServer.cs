using System.Collections.Concurrent;
using System.Net;
using ProtoScope.Peers;
using Xunit;

namespace ProtoScope.Peers.Tests;

/// <summary>A TCP echo server on an ephemeral loopback port, its log kept for assertions.</summary>
internal sealed class RunningTcpServer : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task<TcpEchoSummary> _run;

    public RunningTcpServer(TcpEchoServerOptions? options = null, bool logFrames = true)
    {
        options ??= new TcpEchoServerOptions();
        Server = TcpEchoServer.Start(options with { Port = 0 }, line =>
        {
            if (logFrames || !line.Contains(" frame "))
                Log.Enqueue(line);
        });
        _run = Server.RunAsync(_stop.Token);
    }

    public TcpEchoServer Server { get; }
    public IPEndPoint EndPoint => Server.LocalEndPoint;
    public ConcurrentQueue<string> Log { get; } = new();

    public async Task<TcpEchoSummary> StopAsync()
    {
        await _stop.CancelAsync();
        TcpEchoSummary summary = await _run.WaitAsync(TimeSpan.FromSeconds(30));
        // "error:" marks an exception the server did not expect: a bug in the server, whatever the test checks.
        Assert.DoesNotContain(Log, l => l.Contains(" error: "));
        return summary;
    }

    /// <summary>Waits for a log line ending with <paramref name="suffix"/>: the server logs after the client has moved on.</summary>
    public async Task<string> WaitForLineAsync(string suffix, TimeSpan? timeout = null)
    {
        DateTime deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (DateTime.UtcNow < deadline)
        {
            string? line = Log.FirstOrDefault(l => l.EndsWith(suffix, StringComparison.Ordinal));
            if (line is not null)
                return line;
            await Task.Delay(20);
        }
        Assert.Fail($"no log line ending with '{suffix}'; log:\n{string.Join('\n', Log.TakeLast(40))}");
        return "";
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
            await StopAsync();
        Server.Dispose();
        _stop.Dispose();
    }
}
