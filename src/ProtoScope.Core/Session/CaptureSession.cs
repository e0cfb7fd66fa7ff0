using ProtoScope.Core.Decoding;
using ProtoScope.Core.Reassembly;
using ProtoScope.Core.Tcp;

namespace ProtoScope.Core.Session;

/// <summary>
/// The one pass: every packet goes through decode → conversation → relative numbers → connection tracking, exactly once, in
/// capture order. Views read <see cref="Current"/> and <see cref="CurrentAnalysis"/> right after
/// <see cref="Add"/>, and the conversation tables at any time. With a <see cref="PacketTable"/>, every packet
/// is also stored there as one row, in the same pass.
/// </summary>
public sealed class CaptureSession
{
    private DecodedPacket _current;
    private PacketAnalysis _analysis;

    /// <param name="maxConversations">The limit of tracked conversations (<see cref="ConversationTable.MaxConversations"/>).</param>
    public CaptureSession(int linkType, int timestampUnit = 1_000_000, PacketTable? table = null, int maxConversations = ConversationTable.DefaultMaxConversations)
    {
        LinkType = linkType;
        TimestampUnit = timestampUnit;
        Table = table;
        if (table is not null) table.MaxConversations = maxConversations;
        Conversations = new ConversationTable(maxConversations);
    }

    /// <summary>Where each packet is stored as it is added; null when the caller only streams (the CLI verbs).</summary>
    public PacketTable? Table { get; }

    public int LinkType { get; }

    /// <summary>Sub-second units per second in the source's record headers (1,000,000 or 1,000,000,000), for messages.</summary>
    public int TimestampUnit { get; }
    public ConversationTable Conversations { get; }
    public long PacketCount { get; private set; }
    public long FirstTimestamp { get; private set; }
    public long LastTimestamp { get; private set; }

    /// <summary>The packet last added; valid until the next <see cref="Add"/>.</summary>
    public ref readonly DecodedPacket Current => ref _current;
    public ref readonly PacketAnalysis CurrentAnalysis => ref _analysis;

    /// <summary>
    /// When set, every TCP and UDP packet goes on to reassembly and framing once its conversation is known.
    /// Call <see cref="Reassembler.Finish"/> after the last packet.
    /// </summary>
    public Reassembler? Reassembly { get; set; }

    /// <summary>Decodes and analyses one packet. <paramref name="data"/> is not kept.</summary>
    public void Add(in PacketHeader header, ReadOnlySpan<byte> data) => Add(header, data, PacketCount + 1);

    /// <summary>
    /// Adds a packet that already has a frame number in a larger capture, so that everything downstream
    /// (connection tracking, reassembly, framing) reports that number: <see cref="StoredConversation"/> replays
    /// one conversation's stored packets alone. Numbers must ascend.
    /// </summary>
    internal void Add(in PacketHeader header, ReadOnlySpan<byte> data, long frame)
    {
        if (++PacketCount == 1) FirstTimestamp = header.Timestamp;
        LastTimestamp = header.Timestamp;
        PacketDecoder.Decode(data, LinkType, header.WireLength, ref _current);
        if (header.InvalidFraction != 0 && !_current.HasError)
            _current.Error = new DecodeError(DecodeErrorKind.InvalidTimestamp, DecodeLayer.None, TimestampUnit, header.InvalidFraction);
        _analysis = default;
        _analysis.Frame = frame;
        _analysis.Conversation = -1;
        ref readonly var p = ref _current;
        if (p.HasPorts)
        {
            if (p.Transport == Transport.Tcp) AddTcp(in p, frame, header.Timestamp);
            else AddUdp(in p, frame, header.Timestamp);
        }
        // The row exists before reassembly runs, so a framing error can mark the packet it happens in.
        Table?.Append(header, data, in p, in _analysis);
        if (p.HasPorts) Reassembly?.Add(this, data);
    }

    private void AddTcp(in DecodedPacket p, long frame, long timestamp)
    {
        var conn = Conversations.FindOrAddTcp(p, frame, timestamp, out bool portsReused);
        if (conn is null) return;
        var dir = conn.DirectionOf(p);
        var reuse = portsReused ? PortReuse.NewConnection : conn.PortReuseOf(dir, p);
        conn.LearnBase(dir, p);
        _analysis.Conversation = conn.Id;
        _analysis.RelativeSeq = conn.RelativeSeq(dir, p.SequenceNumber);
        if ((p.Flags & TcpFlags.Ack) != 0)
        {
            _analysis.RelativeAck = conn.RelativeAck(dir, p.AcknowledgmentNumber);
            _analysis.HasRelativeAck = true;
        }
        conn.Track(p, ref _analysis, timestamp, reuse);
        // Tracking may have swapped originator and responder (Zeek's flips): count by the roles after it.
        dir = conn.DirectionOf(p);
        _analysis.Direction = dir;
        Count(conn, dir, p, frame, timestamp);
    }

    private void AddUdp(in DecodedPacket p, long frame, long timestamp)
    {
        var conv = Conversations.FindOrAddUdp(p, frame, timestamp);
        if (conv is null) return;
        var dir = conv.DirectionOf(p);
        conv.Track(dir, p);
        Count(conv, dir, p, frame, timestamp);
        _analysis.Conversation = conv.Id;
        _analysis.Direction = dir;
    }

    private static void Count(Conversation c, Direction dir, in DecodedPacket p, long frame, long timestamp)
    {
        ref var stats = ref c.Stats(dir);
        stats.Packets++;
        stats.PayloadBytes += p.PayloadLength;
        stats.IpBytes += p.IpLength;
        c.LastFrame = frame;
        c.EndTime = timestamp;
    }
}
