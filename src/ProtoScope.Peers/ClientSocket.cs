using System.Net;
using System.Net.Sockets;

namespace ProtoScope.Peers;

/// <summary>The client side's connect, shared by the chat, file and HTTP clients and the demos.</summary>
internal static class ClientSocket
{
    /// <summary>
    /// A TCP socket connected to <paramref name="server"/>, with Nagle off so that each request or line goes out
    /// as it is written. The caller owns it; a failed connect disposes it before rethrowing.
    /// </summary>
    public static async Task<Socket> ConnectAsync(IPEndPoint server, CancellationToken cancel)
    {
        var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(server, cancel);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return socket;
    }
}
