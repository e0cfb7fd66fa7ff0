using ProtoScope.Core.Decoding;
using ProtoScope.Core.Framing;
using ProtoScope.Core.Reassembly;
using ProtoScope.Core.Session;

namespace ProtoScope.Core.Tests.Session;

public class StoredConversationTests
{
    private const string Client = "10.0.0.1", Server = "10.0.0.2";
    private const TcpFlags Syn = TcpFlags.Syn, Ack = TcpFlags.Ack, PshAck = TcpFlags.Psh | TcpFlags.Ack;

    private static byte[] Tcp(From from, ushort clientPort, TcpFlags flags, uint seq, uint ack, byte[] payload) =>
        new Connection(Client, clientPort, Server, 9000).EthernetTcp(from, flags, seq, ack, payload);

    /// <summary>A u32le length prefix and the text.</summary>
    private static byte[] Message(string text) => [(byte)text.Length, 0, 0, 0, .. System.Text.Encoding.ASCII.GetBytes(text)];

    /// <summary>
    /// Two connections (tcp.stream 0 from port 1000, 1 from port 2000) interleaved packet by packet, a UDP datagram
    /// between them; stream 1 carries "world" one way (packet 8) and "ok" back (packet 10).
    /// </summary>
    private static readonly byte[][] Capture =
    [
        Tcp(From.Orig, 1000, Syn, 100, 0, []),
        Tcp(From.Orig, 2000, Syn, 100, 0, []),
        Tcp(From.Resp, 1000, Syn | Ack, 500, 101, []),
        Tcp(From.Resp, 2000, Syn | Ack, 500, 101, []),
        Tcp(From.Orig, 1000, Ack, 101, 501, []),
        Tcp(From.Orig, 2000, Ack, 101, 501, []),
        Tcp(From.Orig, 1000, PshAck, 101, 501, Message("hello")),
        Tcp(From.Orig, 2000, PshAck, 101, 501, Message("world")),
        Packets.EthernetUdp(Client, Server, 5353, 53, 4),
        Tcp(From.Resp, 2000, PshAck, 501, 110, Message("ok")),
    ];

    private sealed class Collected : IMessageSink
    {
        public readonly List<FramedMessage> Messages = [];
        public readonly List<FramingFailure> Failures = [];
        public void OnMessage(in FramedMessage message, ReadOnlySpan<byte> payload, string? error) => Messages.Add(message);
        public void OnFailure(in FramingFailure failure) => Failures.Add(failure);
    }

    private sealed class Turns : IFollowOutput
    {
        public Conversation? Opened;
        public readonly List<(Direction Direction, long Offset, long Frame)> Started = [];
        public string Text = "";
        void IFollowOutput.Opened(Conversation conversation) => Opened = conversation;
        public void Turn(Direction direction, long offset, long frame) => Started.Add((direction, offset, frame));
        void IFollowOutput.Text(Direction direction, string text) => Text += text;
        public void Bytes(Direction direction, ReadOnlySpan<byte> bytes, long offset) { }
        public void TurnEnded(Direction direction) { }
        public void Gap(Direction direction, in StreamGap gap) { }
    }

    /// <summary>The whole capture in one pass into a table, with every conversation's messages as the `frames` verb makes them.</summary>
    private static (PacketTable Table, CaptureSession Session, Collected OnePass) Load()
    {
        var table = new PacketTable(LinkType.Ethernet);
        var session = new CaptureSession(LinkType.Ethernet, table: table);
        var onePass = new Collected();
        var framer = new ConversationFramer(new ConversationFramerOptions(), onePass);
        var reassembler = new Reassembler(framer, framer);
        session.Reassembly = reassembler;
        foreach (var packet in Capture) session.Add(new PacketHeader(0, packet.Length, packet.Length), packet);
        reassembler.Finish(session.PacketCount);
        return (table, session, onePass);
    }

    [Fact]
    public void Messages_rebuilt_from_stored_packets_keep_the_capture_frame_numbers_and_conversation_id()
    {
        var (table, session, onePass) = Load();
        var stored = new StoredConversation(table, session.Conversations.Tcp[1], table.Count, session.TimestampUnit);
        Assert.Equal(5, stored.Packets);
        var replayed = new List<long>();
        stored.Replay(s => replayed.Add(s.CurrentAnalysis.Frame));
        Assert.Equal([2L, 4L, 6L, 8L, 10L], replayed);

        var rebuilt = new Collected();
        stored.Messages(new ConversationFramerOptions(), rebuilt);

        Assert.Equal(onePass.Messages.Where(m => m.Transport == Transport.Tcp && m.Conversation == 1), rebuilt.Messages);
        Assert.Equal([(Direction.Orig, 8L, 8L), (Direction.Resp, 10L, 10L)], rebuilt.Messages.Select(m => (m.Direction, m.FirstFrame, m.LastFrame)));
        Assert.All(rebuilt.Messages, m => Assert.Equal(1, m.Conversation));
        Assert.Empty(rebuilt.Failures);
    }

    [Fact]
    public void Following_stored_packets_keeps_the_capture_frame_numbers_and_conversation()
    {
        var (table, session, _) = Load();
        var connection = session.Conversations.Tcp[1];
        var turns = new Turns();

        var totals = new StoredConversation(table, connection, table.Count, session.TimestampUnit).Follow(turns);

        Assert.Same(connection, turns.Opened);
        Assert.Equal([(Direction.Orig, 0L, 8L), (Direction.Resp, 0L, 10L)], turns.Started);
        Assert.Contains("world", turns.Text);
        Assert.Contains("ok", turns.Text);
        Assert.Equal((9L, 6L), (totals!.Value.Orig.Bytes, totals.Value.Resp.Bytes));
    }

    [Fact]
    public void Following_a_udp_conversation_gives_each_datagram_its_capture_frame_number()
    {
        var (table, session, _) = Load();
        var turns = new Turns();

        var totals = new StoredConversation(table, session.Conversations.Udp[0], table.Count, session.TimestampUnit).Follow(turns);

        Assert.Equal([(Direction.Orig, 0L, 9L)], turns.Started);
        Assert.Equal(4L, totals!.Value.Orig.Bytes);
    }
}
