using System.Buffers.Binary;
using System.Net;
using System.Runtime.InteropServices;
using System.Net.Sockets;
using System.Text;

namespace ProtoScope.Peers.Demo;

/// <summary>
/// `demo time-wait`: the server closes first, so its end of the connection waits in TIME-WAIT (2 MSL, 60 s on
/// Linux, RFC 9293 3.6.1), still holding its address and port. Restarted at once on the same port, a server
/// without SO_REUSEADDR fails to bind with EADDRINUSE; with SO_REUSEADDR (on the old listener and the new) the
/// bind succeeds and the next client connects.
/// </summary>
internal static partial class TimeWaitScenario
{
    public static async Task RunAsync(DemoRun run)
    {
        var address = new IPEndPoint(IPAddress.Loopback, run.Port);
        using (var listener = Listen(address))
        {
            using var client = await run.ConnectAsync();
            using var accepted = await listener.AcceptAsync(run.Cancel);
            await run.SendFrameAsync(client, Encoding.UTF8.GetBytes("hello before the restart"));
            await run.ReceiveFrameAsync(accepted);
            await run.CloseAsync(accepted, client, $"server closes first with FIN: its end {address} <-> {client.LocalEndPoint} will wait in TIME-WAIT",
                "client's TCP acknowledges the FIN; the client application answers with its own FIN");
            await run.StepAsync("server stops: it closes the connection and its listening socket");
        }

        await run.StepAsync("server restarts at once on the same port, without SO_REUSEADDR");
        using (var plain = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            run.Log($"server: SO_REUSEADDR is {(ReuseAddress.IsSet(plain) ? "on" : "off")} on the new socket");
            int error = BindAsC(plain, address);
            if (error == 0)
                throw new InvalidOperationException($"bind {address} without SO_REUSEADDR succeeded: no TIME-WAIT held the port");
            string name = error == AddressInUse ? "EADDRINUSE" : $"errno {error}";
            run.Log($"server: bind {address} failed: {Marshal.GetPInvokeErrorMessage(error)} ({name}): the old connection is in TIME-WAIT");
        }

        await run.StepAsync("server restarts with SO_REUSEADDR: the bind succeeds despite the TIME-WAIT");
        using (var listener = Listen(address))
        {
            run.Log($"server: bind {address} succeeded, listening again");
            using var client = await run.ConnectAsync();
            using var accepted = await listener.AcceptAsync(run.Cancel);
            await run.SendFrameAsync(client, Encoding.UTF8.GetBytes("hello after the restart"));
            await run.ReceiveFrameAsync(accepted);
            await run.CloseAsync(client, accepted, "client closes with FIN");
        }
        await run.StepAsync(null);
    }

    private const int AddressInUse = 98;

    /// <summary>
    /// bind(2) as a C server calls it, returning errno (0 on success). .NET's <see cref="Socket.Bind"/> cannot show
    /// the failure: on Linux it turns SO_REUSEADDR on for every TCP socket it binds, so that a restart behaves as on
    /// Windows, where TIME-WAIT never blocks a bind.
    /// </summary>
    private static int BindAsC(Socket socket, IPEndPoint address)
    {
        // struct sockaddr_in: family (host order), port (network order), IPv4 address, 8 bytes of zero.
        var sockaddr = new byte[16];
        BinaryPrimitives.WriteUInt16LittleEndian(sockaddr, (ushort)AddressFamily.InterNetwork);
        BinaryPrimitives.WriteUInt16BigEndian(sockaddr.AsSpan(2), (ushort)address.Port);
        address.Address.TryWriteBytes(sockaddr.AsSpan(4), out _);
        return bind(socket.Handle, sockaddr, sockaddr.Length) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int bind(nint socket, byte[] address, int length);

    private static Socket Listen(IPEndPoint address)
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        ReuseAddress.Set(listener, true);
        listener.Bind(address);
        listener.Listen(1);
        return listener;
    }
}
