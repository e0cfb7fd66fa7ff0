using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ProtoScope.Peers;

/// <summary>
/// One member of the <see cref="ChatServer"/>'s room: sends lines, reads the lines others sent. Reads are bounded:
/// a line longer than <c>maxLine</c> from the server is an error, not a reason to grow without limit.
/// </summary>
public sealed class ChatClient : IDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _buffer;
    private int _used;

    private ChatClient(Socket socket, int maxLine)
    {
        _socket = socket;
        _buffer = new byte[maxLine + 1];
    }

    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    public static async Task<ChatClient> ConnectAsync(IPEndPoint server, CancellationToken cancel, int maxLine = 4096) =>
        new(await ClientSocket.ConnectAsync(server, cancel), maxLine);

    /// <summary>Sends <paramref name="text"/> and LF, in one write.</summary>
    public async Task SendLineAsync(string text, CancellationToken cancel) =>
        await _socket.SendAsync(Encoding.UTF8.GetBytes(text + "\n"), SocketFlags.None, cancel);

    /// <summary>Sends raw bytes, as a misbehaving client would.</summary>
    public async Task SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancel) =>
        await _socket.SendAsync(bytes, SocketFlags.None, cancel);

    /// <summary>The next line without its LF, or null once the server has closed.</summary>
    /// <exception cref="InvalidDataException">The server sent a line longer than the client's limit.</exception>
    public async Task<string?> ReadLineAsync(CancellationToken cancel)
    {
        while (true)
        {
            int lf = Array.IndexOf(_buffer, (byte)'\n', 0, _used);
            if (lf >= 0)
            {
                string line = Encoding.UTF8.GetString(_buffer, 0, lf);
                _used -= lf + 1;
                Array.Copy(_buffer, lf + 1, _buffer, 0, _used);
                return line;
            }
            if (_used == _buffer.Length)
                throw new InvalidDataException($"the server sent a line longer than {_buffer.Length - 1} bytes");
            int n = await _socket.ReceiveAsync(_buffer.AsMemory(_used), SocketFlags.None, cancel);
            if (n == 0)
                return null;
            _used += n;
        }
    }

    /// <summary>Sends FIN, then reads until the server's FIN, discarding what is left.</summary>
    public async Task CloseAsync(CancellationToken cancel)
    {
        SocketText.SendFin(_socket);
        while (await ReadLineAsync(cancel) is not null) { }
    }

    public void Dispose() => _socket.Dispose();
}
