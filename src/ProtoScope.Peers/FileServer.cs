using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using ProtoScope.Core.Framing;

namespace ProtoScope.Peers;

public sealed record FileServerOptions
{
    public IPAddress Bind { get; init; } = IPAddress.Loopback;

    /// <summary>0 picks an ephemeral port; read it from <see cref="FileServer.LocalEndPoint"/>.</summary>
    public int Port { get; init; } = 9000;

    /// <summary>The server's disk: files are stored and served here only, by plain name.</summary>
    public required string Directory { get; init; }

    /// <summary>The largest message, and so the largest file, a client may send; a longer length drops that client.</summary>
    public long MaxFile { get; init; } = 16 * 1024 * 1024;
}

/// <summary>
/// A small network disk over length-prefixed messages (u32le). A client sends requests, one message each, and gets
/// one reply message, followed by the file's message for a successful GET:
/// <code>
/// PUT name, then the file      ->  OK sha256-hex | ERR reason
/// GET name                     ->  OK sha256-hex, then the file | ERR reason
/// </code>
/// A name is a plain file name in <see cref="FileServerOptions.Directory"/> (no separators, not . or ..); any
/// other is refused with ERR and the connection goes on. A bad length, or a close in the middle of a message,
/// drops that client with the reason logged; the others go on.
/// </summary>
public sealed class FileServer : IDisposable
{
    private readonly FileServerOptions _options;
    private readonly FramingSpec _framing;
    private readonly PeerLog _log;
    private readonly PeerListener _listener;

    private FileServer(FileServerOptions options, PeerLog log, PeerListener listener)
    {
        _options = options;
        _framing = FramingSpec.Default with { MaxMessage = options.MaxFile };
        _log = log;
        _listener = listener;
    }

    public IPEndPoint LocalEndPoint => _listener.LocalEndPoint;

    /// <summary>Binds and listens, so a port in use fails here.</summary>
    /// <exception cref="SocketException">The address cannot be bound.</exception>
    /// <exception cref="DirectoryNotFoundException">The server's directory does not exist.</exception>
    public static FileServer Start(FileServerOptions options, Action<string>? log = null)
    {
        if (!System.IO.Directory.Exists(options.Directory))
            throw new DirectoryNotFoundException($"the file server's directory {options.Directory} does not exist");
        var peerLog = new PeerLog(log);
        // No limit on clients: a small network disk for demos, with no max-clients option.
        return new FileServer(options, peerLog, PeerListener.Start(options.Bind, options.Port, int.MaxValue, peerLog));
    }

    /// <summary>Serves until <paramref name="stop"/> fires, then closes every client with FIN. Call once.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        _log.Write(LocalEndPoint, $"file server listening (u32le, files up to {_options.MaxFile} bytes)");
        await _listener.RunAsync(client => ServeAsync(client, stop), stop);
        _log.Write(LocalEndPoint, "stopped");
    }

    public void Dispose() => _listener.Dispose();

    private async Task ServeAsync(Socket socket, CancellationToken stop)
    {
        EndPoint? peer = socket.RemoteEndPoint;
        _log.Write(peer, "connected");
        string ending = "closed by peer";
        await using (var connection = new FrameConnection(socket, _framing))
        {
            try
            {
                while (await connection.ReadAsync(stop) is { } request)
                    await HandleAsync(connection, peer, Encoding.UTF8.GetString(request), stop);
            }
            catch (OperationCanceledException)
            {
                ending = "server stopping";
            }
            catch (InvalidDataException e)
            {
                ending = $"dropped: {e.Message}";
            }
            catch (Exception e) when (SocketText.ErrorOf(e) is SocketError code)
            {
                ending = SocketText.Describe(code);
            }
        }
        _log.Write(peer, ending);
        SocketText.SendFin(socket);
        socket.Dispose();
    }

    private async Task HandleAsync(FrameConnection connection, EndPoint? peer, string request, CancellationToken stop)
    {
        string[] words = request.Split(' ', 2);
        string? path = words.Length == 2 ? PathOf(words[1]) : null;
        switch ((words[0], path))
        {
            case ("PUT", string target):
                byte[] content = await connection.ReadAsync(stop) ?? throw new InvalidDataException("closed before the file of a PUT");
                await File.WriteAllBytesAsync(target, content, stop);
                _log.Write(peer, $"stored {words[1]}: {content.Length} bytes, sha256 {Sha256(content)}");
                await ReplyAsync(connection, peer, $"OK {Sha256(content)}", stop);
                break;
            case ("GET", string target) when File.Exists(target):
                byte[] file = await File.ReadAllBytesAsync(target, stop);
                _log.Write(peer, $"sending {words[1]}: {file.Length} bytes, sha256 {Sha256(file)}");
                await ReplyAsync(connection, peer, $"OK {Sha256(file)}", stop);
                await connection.WriteAsync(file, stop);
                break;
            case ("GET", string):
                await ReplyAsync(connection, peer, $"ERR no such file: {words[1]}", stop);
                break;
            case ("PUT" or "GET", null):
                // A PUT's file follows whatever its name: read it, so that the next request starts where it should.
                if (words[0] == "PUT") await connection.ReadAsync(stop);
                await ReplyAsync(connection, peer, $"ERR not a plain file name: {request}", stop);
                break;
            default:
                await ReplyAsync(connection, peer, $"ERR unknown request: {words[0]}", stop);
                break;
        }
    }

    private async Task ReplyAsync(FrameConnection connection, EndPoint? peer, string reply, CancellationToken stop)
    {
        if (reply.StartsWith("ERR", StringComparison.Ordinal))
            _log.Write(peer, reply);
        await connection.WriteAsync(Encoding.UTF8.GetBytes(reply), stop);
    }

    /// <summary>The path of a plain file name in the server's directory, or null for anything that could leave it.</summary>
    private string? PathOf(string name)
    {
        if (name.Length == 0 || name is "." or ".." || name.IndexOfAny(['/', '\\', '\0']) >= 0)
            return null;
        string root = Path.GetFullPath(_options.Directory);
        string path = Path.GetFullPath(Path.Combine(root, name));
        return Path.GetDirectoryName(path) == root.TrimEnd(Path.DirectorySeparatorChar) ? path : null;
    }

    public static string Sha256(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
