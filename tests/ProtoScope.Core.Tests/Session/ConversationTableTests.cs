using ProtoScope.Core.Decoding;
using ProtoScope.Core.Session;

namespace ProtoScope.Core.Tests.Session;

/// <summary>
/// Finding a packet's conversation: either direction of the same endpoints is one conversation, numbered in order of
/// first appearance (tshark's tcp.stream and udp.stream), through every growth of the table's index.
/// </summary>
public class ConversationTableTests
{
    private const TcpFlags Syn = TcpFlags.Syn, SynAck = TcpFlags.Syn | TcpFlags.Ack, Ack = TcpFlags.Ack;

    private static int Add(CaptureSession session, byte[] packet)
    {
        session.Add(new PacketHeader(1_700_000_000_000_000_000L + session.PacketCount * 1_000L, packet.Length, packet.Length), packet);
        return session.CurrentAnalysis.Conversation;
    }

    /// <summary>The endpoints of the test's connection <paramref name="n"/>: a mix of address and port differences, IPv4 and IPv6.</summary>
    private static (string Client, string Server, ushort ClientPort, ushort ServerPort) Endpoints(int n) => (n % 4) switch
    {
        // Same addresses, ports swapped between connections 0/1, 4/5, ...: a different conversation each way round.
        0 => ("10.0.0.1", "10.0.0.2", (ushort)(1000 + n), (ushort)(2000 + n)),
        1 => ("10.0.0.1", "10.0.0.2", (ushort)(2000 + n - 1), (ushort)(1000 + n - 1)),
        // Same ports, addresses differing by one connection each.
        2 => ($"10.1.{n >> 8 & 0xFF}.{n & 0xFF}", "10.0.0.2", 5000, 80),
        _ => ($"2001:db8::{n:x}", "2001:db8::1", 5000, 80),
    };

    private static byte[] Tcp(int n, From from, TcpFlags flags, uint seq, uint ack)
    {
        var e = Endpoints(n);
        return new Connection(e.Client, e.ClientPort, e.Server, e.ServerPort).IpTcp(from, flags, seq, ack);
    }

    [Fact]
    public void Interleaved_connections_in_both_directions_keep_their_stream_numbers_as_the_table_grows()
    {
        const int Connections = 5_000;
        var session = new CaptureSession(LinkType.Raw);
        for (int n = 0; n < Connections; n++)
            Assert.Equal(n, Add(session, Tcp(n, From.Orig, Syn, 1000, 0)));
        // Answers from the servers, newest first, then the clients' ACKs, oldest first: every lookup after growth.
        for (int n = Connections - 1; n >= 0; n--)
            Assert.Equal(n, Add(session, Tcp(n, From.Resp, SynAck, 7000, 1001)));
        for (int n = 0; n < Connections; n++)
            Assert.Equal(n, Add(session, Tcp(n, From.Orig, Ack, 1001, 7001)));

        Assert.Equal(Connections, session.Conversations.Tcp.Count);
        foreach (var conn in session.Conversations.Tcp)
        {
            var e = Endpoints(conn.Id);
            Assert.Equal((e.Client, e.ClientPort, e.Server, e.ServerPort),
                (conn.OrigAddress.ToString(), conn.OrigPort, conn.RespAddress.ToString(), conn.RespPort));
            Assert.Equal((3L, "ShA"), (conn.Orig.Packets + conn.Resp.Packets, conn.History.ToString()));
        }
    }

    /// <summary>
    /// Wireshark's rule for port reuse: a SYN with another ISN on the same endpoints opens a new stream, and the
    /// packets after it belong to the new one; the old connection keeps what it had.
    /// </summary>
    [Fact]
    public void A_new_SYN_on_the_same_endpoints_opens_a_new_stream_that_later_packets_join()
    {
        var session = new CaptureSession(LinkType.Raw);
        Assert.Equal(0, Add(session, Tcp(0, From.Orig, Syn, 1000, 0)));
        Assert.Equal(1, Add(session, Tcp(2, From.Orig, Syn, 1000, 0)));
        Assert.Equal(0, Add(session, Tcp(0, From.Resp, SynAck, 7000, 1001)));
        Assert.Equal(2, Add(session, Tcp(0, From.Orig, Syn, 90_000, 0)));
        Assert.Equal(2, Add(session, Tcp(0, From.Resp, SynAck, 3000, 90_001)));
        Assert.Equal(2, Add(session, Tcp(0, From.Orig, Ack, 90_001, 3001)));
        Assert.Equal(1, Add(session, Tcp(2, From.Resp, SynAck, 7000, 1001)));

        var tcp = session.Conversations.Tcp;
        Assert.Equal(["Sh", "Sh", "ShA"], tcp.Select(c => c.History.ToString()));
        Assert.Equal([2L, 2L, 3L], tcp.Select(c => c.Orig.Packets + c.Resp.Packets));
    }

    [Fact]
    public void Udp_datagrams_either_way_between_the_same_endpoints_are_one_conversation()
    {
        var session = new CaptureSession(LinkType.Raw);
        byte[] Datagram(string src, string dst, ushort sport, ushort dport) => Packets.IPv4(17, Packets.Udp(sport, dport, 10), src, dst);
        Assert.Equal(0, Add(session, Datagram("10.0.0.1", "10.0.0.2", 40000, 53)));
        Assert.Equal(1, Add(session, Datagram("10.0.0.1", "10.0.0.2", 53, 40000)));
        Assert.Equal(0, Add(session, Datagram("10.0.0.2", "10.0.0.1", 53, 40000)));
        Assert.Equal(1, Add(session, Datagram("10.0.0.2", "10.0.0.1", 40000, 53)));
        Assert.Equal(2, session.Conversations.Udp.Count);
    }

    [Fact]
    public void A_stored_packet_finds_its_conversation_and_a_packet_outside_any_finds_none()
    {
        var table = new PacketTable(LinkType.Raw);
        var session = new CaptureSession(LinkType.Raw, table: table, maxConversations: 2);
        Add(session, Tcp(0, From.Orig, Syn, 1000, 0));
        Add(session, Packets.IPv4(17, Packets.Udp(40000, 53, 10)));
        Add(session, Tcp(0, From.Resp, SynAck, 7000, 1001));
        Add(session, Packets.IPv4(1, new byte[8]));
        // The table is full: this connection is decoded and stored, not tracked.
        Add(session, Tcp(2, From.Orig, Syn, 1000, 0));

        var conversations = session.Conversations;
        Assert.Same(conversations.Tcp[0], conversations.Of(table[0]));
        Assert.Same(conversations.Udp[0], conversations.Of(table[1]));
        Assert.Same(conversations.Tcp[0], conversations.Of(table[2]));
        Assert.Null(conversations.Of(table[3]));
        Assert.Null(conversations.Of(table[4]));
    }
}
