using System.Net;
using System.Net.Sockets;

namespace ProtoScope.Peers.Demo;

/// <summary>
/// `demo mss`: what fits in one packet on an Ethernet link (MTU 1500), over a <see cref="VethLink"/> whose namespace
/// offers no TCP timestamps. A TCP transfer whose SYN carries MSS 1460 (1500 - 20 IP - 20 TCP) and whose full
/// segments carry 1460 bytes each way; then a 1472-byte UDP datagram (1500 - 20 IP - 8 UDP), which fits one packet,
/// and a 1473-byte one, which the sender's kernel splits into two IP fragments and the receiver's puts back together.
/// </summary>
/// <remarks>
/// Timestamps (RFC 7323) are used only when both SYNs offer them, and Linux offers them by default: they would take
/// 12 bytes of every segment's header and leave 1448 for data, as the `loss` capture shows. No socket option turns
/// them off, so the link turns them off in the namespace (its own sysctl): the host's SYN still offers them, the
/// namespace's SYN-ACK does not, and neither side uses them.
/// </remarks>
internal static class MssScenario
{
    private const int TransferSize = 20_000;

    private const int IpHeader = 20, TcpHeader = 20, UdpHeader = 8;
    private const int Mss = VethLink.Mtu - IpHeader - TcpHeader;
    private const int LargestUnfragmented = VethLink.Mtu - IpHeader - UdpHeader;

    // getsockopt(IPPROTO_TCP, TCP_MAXSEG): the MSS the connection settled on, after both SYNs' options.
    private const int IpProtoTcp = 6, TcpMaxSeg = 2;

    private static readonly TimeSpan DatagramTimeout = TimeSpan.FromSeconds(5);

    public static async Task RunAsync(DemoRun run)
    {
        var link = run.Link ?? throw new InvalidOperationException("demo mss runs on its own link: run it by name");
        run.Log($"the link: a veth pair with MTU {VethLink.Mtu} on both ends and offloads off, so every packet on the wire is at most {VethLink.Mtu} bytes of IP");
        await TcpAsync(run, link);
        await UdpAsync(run, link);
        await run.StepAsync(null);
    }

    private static async Task TcpAsync(DemoRun run, VethLink link)
    {
        var address = new IPEndPoint(link.ServerAddress, run.Port);
        using var server = link.Inside(() => TcpEchoServer.Start(new TcpEchoServerOptions { Bind = link.ServerAddress, Port = run.Port }, run.Log));
        using var stop = new CancellationTokenSource();
        var serving = server.RunAsync(stop.Token);
        using (var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true })
        {
            await run.StepAsync($"client connects to the echo server at {address}: its SYN carries MSS {Mss} = MTU {VethLink.Mtu} - {IpHeader} (IP) - {TcpHeader} (TCP), and so does the SYN-ACK");
            await client.ConnectAsync(address, run.Cancel);
            var maxSeg = new byte[sizeof(int)];
            client.GetRawSocketOption(IpProtoTcp, TcpMaxSeg, maxSeg);
            run.Log($"client: the connection's MSS is {BitConverter.ToInt32(maxSeg)} (TCP_MAXSEG); the namespace's SYN-ACK offered no timestamps, so no 12-byte option takes room from the data");
            var message = new byte[TransferSize];
            for (int i = 0; i < message.Length; i++) message[i] = (byte)('a' + i % 26);
            await run.SendFrameAsync(client, message);
            run.Log($"each full segment carries {Mss} bytes, each way; between two Linux hosts with timestamps on it would be {Mss - 12}");
            await run.ReceiveFrameAsync(client);
            await run.StepAsync("client closes with FIN");
            SocketText.SendFin(client);
            await run.ReceiveEndAsync(client);
        }
        stop.Cancel();
        await serving;
    }

    private static async Task UdpAsync(DemoRun run, VethLink link)
    {
        var address = new IPEndPoint(link.ServerAddress, run.Port);
        using var receiver = link.Inside(() =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            socket.Bind(address);
            return socket;
        });
        // The sender's kernel default for UDP is IP_PMTUDISC_WANT: a datagram larger than the route's MTU is
        // fragmented locally rather than refused with EMSGSIZE (only IP_PMTUDISC_DO refuses), and a datagram that
        // fits goes with DF set. So the default already shows the course's case; nothing to set.
        using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        await SendAndReceiveAsync(run, sender, receiver, address, LargestUnfragmented,
            $"client sends a {LargestUnfragmented}-byte UDP datagram: {LargestUnfragmented} = {VethLink.Mtu} - {IpHeader} (IP) - {UdpHeader} (UDP), the largest payload that fits one packet");
        await SendAndReceiveAsync(run, sender, receiver, address, LargestUnfragmented + 1,
            $"client sends a {LargestUnfragmented + 1}-byte UDP datagram: {LargestUnfragmented + 1} bytes do not fit: the kernel splits the datagram into two IP fragments, " +
            $"the first with {VethLink.Mtu - IpHeader} bytes of it (the UDP header and {LargestUnfragmented} bytes of payload) and more-fragments set, the second with the last byte");
    }

    private static async Task SendAndReceiveAsync(DemoRun run, Socket sender, Socket receiver, IPEndPoint address, int size, string step)
    {
        var buffer = new byte[2 * VethLink.Mtu];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(run.Cancel);
        var receiving = receiver.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), timeout.Token);
        await run.StepAsync(step);
        var datagram = new byte[size];
        for (int i = 0; i < datagram.Length; i++) datagram[i] = (byte)('A' + i % 26);
        await sender.SendToAsync(datagram, address, run.Cancel);
        // The clock starts with the send: with --step the step before it waits for the teacher's key, however long.
        timeout.CancelAfter(DatagramTimeout);
        SocketReceiveFromResult received;
        try
        {
            received = await receiving;
        }
        catch (OperationCanceledException) when (!run.Cancel.IsCancellationRequested)
        {
            throw new IOException($"the server received no datagram within {DatagramTimeout.TotalSeconds:0} s of the {size}-byte one being sent");
        }
        run.Log(received.ReceivedBytes > LargestUnfragmented
            ? $"server received a {received.ReceivedBytes}-byte datagram: its kernel put the two fragments back together before handing it over"
            : $"server received a {received.ReceivedBytes}-byte datagram in one packet");
    }
}
