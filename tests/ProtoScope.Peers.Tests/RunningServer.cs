using System.Collections.Concurrent;
using System.Net;
using ProtoScope.Peers;
using Xunit;

namespace ProtoScope.Peers.Tests;

/// <summary>A peer server on an ephemeral loopback port, running until stopped, its log kept for assertions.</summary>
internal class RunningServer<TServer, TSummary> : IAsyncDisposable where TServer : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task<TSummary> _run;

    /// <param name="start">Starts the server on port 0 with the log sink it is given.</param>
    /// <param name="run">The server's RunAsync.</param>
    /// <param name="keep">Which log lines to keep; null keeps all.</param>
    public RunningServer(Func<Action<string>, TServer> start, Func<TServer, CancellationToken, Task<TSummary>> run, Func<string, bool>? keep = null)
    {
        Server = start(line =>
        {
            if (keep is null || keep(line))
                Log.Enqueue(line);
        });
        _run = run(Server, _stop.Token);
    }

    public TServer Server { get; }
    public ConcurrentQueue<string> Log { get; } = new();

    public async Task<TSummary> StopAsync()
    {
        await _stop.CancelAsync();
        TSummary summary = await _run.WaitAsync(TimeSpan.FromSeconds(30));
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

/// <summary>A TCP echo server on an ephemeral loopback port, its log kept for assertions.</summary>
internal sealed class RunningTcpServer(TcpEchoServerOptions? options = null, bool logFrames = true)
    : RunningServer<TcpEchoServer, TcpEchoSummary>(
        log => TcpEchoServer.Start((options ?? new TcpEchoServerOptions()) with { Port = 0 }, log),
        (server, stop) => server.RunAsync(stop),
        logFrames ? null : line => !line.Contains(" frame "))
{
    public IPEndPoint EndPoint => Server.LocalEndPoint;
}
