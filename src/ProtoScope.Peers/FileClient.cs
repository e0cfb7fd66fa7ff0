using System.Net;
using System.Net.Sockets;
using System.Text;
using ProtoScope.Core.Framing;

namespace ProtoScope.Peers;

/// <summary>A client of the <see cref="FileServer"/>: <c>puts</c> and <c>gets</c> over one connection.</summary>
public sealed class FileClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly FrameConnection _connection;

    private FileClient(Socket socket, long maxFile)
    {
        _socket = socket;
        _connection = new FrameConnection(socket, FramingSpec.Default with { MaxMessage = maxFile });
    }

    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    public static async Task<FileClient> ConnectAsync(IPEndPoint server, CancellationToken cancel, long maxFile = 16 * 1024 * 1024) =>
        new(await ClientSocket.ConnectAsync(server, cancel), maxFile);

    /// <summary>Uploads <paramref name="content"/> as <paramref name="name"/>; returns the SHA-256 the server computed.</summary>
    /// <exception cref="IOException">The server refused (its ERR reason) or closed.</exception>
    public async Task<string> PutAsync(string name, ReadOnlyMemory<byte> content, CancellationToken cancel)
    {
        await _connection.WriteAsync(Encoding.UTF8.GetBytes($"PUT {name}"), cancel);
        await _connection.WriteAsync(content, cancel);
        return await ReplyAsync(cancel);
    }

    /// <summary>Downloads <paramref name="name"/>; returns its bytes and the SHA-256 the server announced for them.</summary>
    /// <exception cref="IOException">The server refused (its ERR reason) or closed.</exception>
    public async Task<(byte[] Content, string Sha256)> GetAsync(string name, CancellationToken cancel)
    {
        await _connection.WriteAsync(Encoding.UTF8.GetBytes($"GET {name}"), cancel);
        string hash = await ReplyAsync(cancel);
        byte[] content = await _connection.ReadAsync(cancel) ?? throw new IOException("the server closed before the file");
        return (content, hash);
    }

    /// <summary>Sends FIN, then waits for the server's.</summary>
    public async Task CloseAsync(CancellationToken cancel)
    {
        SocketText.SendFin(_socket);
        while (await _connection.ReadAsync(cancel) is not null) { }
    }

    private async Task<string> ReplyAsync(CancellationToken cancel)
    {
        byte[] reply = await _connection.ReadAsync(cancel) ?? throw new IOException("the server closed before replying");
        string text = Encoding.UTF8.GetString(reply);
        return text.StartsWith("OK ", StringComparison.Ordinal) ? text[3..] : throw new IOException($"the server refused: {text}");
    }

    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync();
        _socket.Dispose();
    }
}
