using System.Net.Sockets;

namespace ProtoScope.Peers;

/// <summary>Socket failures in the words a network engineer uses in a log line.</summary>
public static class SocketText
{
    public static string Describe(SocketError error) => error switch
    {
        SocketError.ConnectionReset => "reset by peer",
        SocketError.ConnectionRefused => "connection refused",
        SocketError.ConnectionAborted => "connection aborted",
        SocketError.Shutdown => "broken pipe",
        SocketError.TimedOut => "timed out",
        SocketError.HostUnreachable => "host unreachable",
        SocketError.NetworkUnreachable => "network unreachable",
        SocketError.MessageSize => "message too long",
        _ => error.ToString(),
    };

    /// <summary>The socket error behind an exception from a socket or a NetworkStream (which wraps it in an IOException).</summary>
    public static SocketError? ErrorOf(Exception e) => e switch
    {
        SocketException s => s.SocketErrorCode,
        IOException { InnerException: SocketException s } => s.SocketErrorCode,
        _ => null,
    };

    public static string Describe(Exception e) => ErrorOf(e) is SocketError error ? Describe(error) : e.Message;

    /// <summary>Sends FIN. A socket the peer already reset cannot be shut down, and there is nothing left to finish.</summary>
    public static void SendFin(Socket socket)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
        }
    }

    /// <summary>Closes with RST instead of FIN: SO_LINGER on with a zero timeout makes close() discard unsent data and abort.</summary>
    public static void Abort(Socket socket)
    {
        socket.LingerState = new LingerOption(true, 0);
        socket.Close();
    }
}
