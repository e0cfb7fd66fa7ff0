using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using ProtoScope.Core.Framing;

namespace ProtoScope.Peers.Demo;

/// <summary>
/// `demo udp-truncate`: UDP keeps message boundaries, so a datagram larger than the buffer given to recvfrom is not
/// left for the next read as TCP would leave it: the kernel copies what fits, sets MSG_TRUNC and discards the rest.
/// The capture still holds the whole datagram, since it was whole on the wire.
/// </summary>
internal static class UdpTruncateScenario
{
    private const int ReceiveBuffer = 512;

    private static readonly int[] Sizes = [100, 1400];

    public static async Task RunAsync(DemoRun run)
    {
        var address = new IPEndPoint(IPAddress.Loopback, run.Port);
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        server.Bind(address);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        run.Log($"server: reads datagrams on {address} into a {ReceiveBuffer}-byte buffer");
        var buffer = new byte[ReceiveBuffer];
        foreach (int size in Sizes)
        {
            string fits = size <= ReceiveBuffer ? "it fits" : "larger than the server's buffer";
            await run.StepAsync($"client sends a {size}-byte datagram (one framed message): {fits}");
            var datagram = new ArrayBufferWriter<byte>();
            MessageWriter.Write(datagram, new byte[size - FramingSpec.Default.HeaderSize], FramingSpec.Default);
            await client.SendToAsync(datagram.WrittenMemory, address, run.Cancel);
            // ReceiveMessageFrom rather than ReceiveFrom: only it reports MSG_TRUNC.
            var received = await server.ReceiveMessageFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), run.Cancel);
            run.Log(Describe(received, buffer));
        }
        await run.StepAsync(null);
    }

    /// <summary>
    /// What the server learnt. A truncated read does not say how long the datagram was; the frame's length prefix,
    /// in the part that arrived, does.
    /// </summary>
    private static string Describe(SocketReceiveMessageFromResult received, byte[] buffer)
    {
        int read = received.ReceivedBytes;
        if ((received.SocketFlags & SocketFlags.Truncated) == 0)
            return $"server: read {read} bytes, the whole datagram";
        long sent = FramingSpec.Default.HeaderSize + BinaryPrimitives.ReadUInt32LittleEndian(buffer);
        return $"server: read {read} of {sent} bytes (MSG_TRUNC): the datagram was truncated, "
            + $"the kernel discarded the other {sent - read} (the size comes from the frame's length prefix)";
    }
}
