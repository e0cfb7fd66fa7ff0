using System.Net.Sockets;

namespace ProtoScope.Peers;

/// <summary>
/// SO_REUSEADDR alone, set and read as the raw Linux option. <see cref="SocketOptionName.ReuseAddress"/> is not
/// used: on Linux .NET sets SO_REUSEPORT with it, which would let a second server silently bind the same port.
/// </summary>
internal static class ReuseAddress
{
    private const int SolSocket = 1, SoReuseAddr = 2;

    /// <summary>
    /// A server that closes first leaves its ends in TIME-WAIT; without SO_REUSEADDR (on the old socket and the new)
    /// a restart on the same port fails with EADDRINUSE for a minute.
    /// </summary>
    public static void Set(Socket socket, bool on)
    {
        if (OperatingSystem.IsLinux())
            socket.SetRawSocketOption(SolSocket, SoReuseAddr, BitConverter.GetBytes(on ? 1 : 0));
    }

    public static bool IsSet(Socket socket)
    {
        if (!OperatingSystem.IsLinux())
            return false;
        Span<byte> value = stackalloc byte[4];
        socket.GetRawSocketOption(SolSocket, SoReuseAddr, value);
        return BitConverter.ToInt32(value) != 0;
    }
}
