using System.Net;

namespace ProtoScope.Peers;

/// <summary>
/// Writes one timestamped line per event, <c>09:00:01.123 127.0.0.1:51234 connected</c>, to the caller's sink.
/// Calls to the sink are serialised, so a plain <c>Console.Out.WriteLine</c> or <c>List.Add</c> is safe.
/// </summary>
internal sealed class PeerLog(Action<string>? sink)
{
    private readonly Lock _gate = new();

    public bool Enabled => sink is not null;

    public void Write(EndPoint? peer, string message)
    {
        if (sink is null)
            return;
        string line = $"{DateTime.Now:HH:mm:ss.fff} {peer} {message}";
        lock (_gate)
            sink(line);
    }
}
