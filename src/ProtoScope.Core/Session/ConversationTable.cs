using ProtoScope.Core.Decoding;
using ProtoScope.Core.Tcp;

namespace ProtoScope.Core.Session;

/// <summary>
/// Finds the conversation of each packet and numbers conversations from 0 in order of first appearance,
/// separately for TCP and UDP, as tshark's tcp.stream and udp.stream do.
/// </summary>
/// <remarks>
/// Memory grows with every conversation kept (about 700 bytes per TCP connection: one object of about 660 bytes
/// with both endpoints' state, Wireshark's analysis and Zeek's bookkeeping, and an index slot and a list entry; measured by HostileTrafficTests and bench inproc-conns; see docs/limits-and-safety.md), and a
/// capture of a SYN flood or a port scan holds one per packet. So the table keeps at most
/// <see cref="MaxConversations"/> (TCP and UDP together); a packet that would open one more is still decoded and
/// shown, without a stream number or TCP role, and counted in <see cref="UntrackedPackets"/>. Conversations already
/// tracked carry on. This is Suricata's flow memcap without its emergency eviction: evicting would renumber streams
/// and no longer agree with tshark, so the first conversations of the capture are the ones kept.
/// </remarks>
public sealed class ConversationTable
{
    public ConversationTable(int maxConversations = DefaultMaxConversations)
    {
        MaxConversations = maxConversations > 0
            ? maxConversations
            : throw new ArgumentOutOfRangeException(nameof(maxConversations), maxConversations, "the conversation limit must be positive");
        _tcpIndex = new(_tcp);
        _udpIndex = new(_udp);
    }

    /// <summary>The default of <see cref="MaxConversations"/>: under 1 GB of tracking state.</summary>
    public const int DefaultMaxConversations = 1_000_000;

    private readonly List<TcpConnection> _tcp = new();
    private readonly List<UdpConversation> _udp = new();
    private readonly ConversationIndex<TcpConnection> _tcpIndex;
    private readonly ConversationIndex<UdpConversation> _udpIndex;

    public IReadOnlyList<TcpConnection> Tcp => _tcp;
    public IReadOnlyList<UdpConversation> Udp => _udp;

    /// <summary>The most TCP connections and UDP conversations, together, that the table keeps.</summary>
    public int MaxConversations { get; }

    /// <summary>Packets that would have opened a conversation beyond <see cref="MaxConversations"/>: decoded and shown, not tracked.</summary>
    public long UntrackedPackets { get; private set; }

    public bool IsFull => _tcp.Count + _udp.Count >= MaxConversations;

    /// <summary>
    /// The conversation a stored packet belongs to: its <see cref="PacketRow.Transport"/> picks the list and its
    /// <see cref="PacketRow.Conversation"/> the entry. Null for a packet in none (not TCP or UDP, or untracked once
    /// the table was full).
    /// </summary>
    /// <remarks>
    /// Safe on the UI thread while the reader adds: an id the lists do not hold yet is treated as no conversation
    /// (see the threading note of the UI's capture model).
    /// </remarks>
    public Conversation? Of(in PacketRow row)
    {
        int id = row.Conversation;
        return row.Transport switch
        {
            Transport.Tcp when id >= 0 && id < _tcp.Count => _tcp[id],
            Transport.Udp when id >= 0 && id < _udp.Count => _udp[id],
            _ => null,
        };
    }

    /// <summary>
    /// The packet's connection, a new one, or null when it would be new and the table is full.
    /// <paramref name="portsReused"/> says the packet opened a new connection on the ports of an earlier one.
    /// </summary>
    public TcpConnection? FindOrAddTcp(in DecodedPacket p, long frame, long timestamp, out bool portsReused)
    {
        var conn = _tcpIndex.Find(p, out int slot);
        portsReused = conn is not null && StartsNewStream(conn, p);
        if (conn is not null && !portsReused)
            return conn;
        if (IsFull)
        {
            UntrackedPackets++;
            return null;
        }
        conn = new TcpConnection(_tcp.Count, p, frame, timestamp);
        _tcp.Add(conn);
        _tcpIndex.Store(slot, conn);
        return conn;
    }

    /// <summary>
    /// Port reuse: a SYN without ACK whose ISN differs from the SYN already seen in that direction opens a
    /// new connection on the same 4-tuple (Wireshark's rule for starting a new tcp.stream).
    /// </summary>
    private static bool StartsNewStream(TcpConnection conn, in DecodedPacket p)
    {
        if ((p.Flags & (TcpFlags.Syn | TcpFlags.Ack)) != TcpFlags.Syn) return false;
        ref readonly var b = ref conn.BaseOf(conn.DirectionOf(p));
        var seq = new SequenceNumber(p.SequenceNumber);
        return b.HasBase && b.Base != seq && !(!b.HasSyn && b.Base + 1 == seq);
    }

    /// <summary>The datagram's conversation, a new one, or null when it would be new and the table is full.</summary>
    public UdpConversation? FindOrAddUdp(in DecodedPacket p, long frame, long timestamp)
    {
        var conv = _udpIndex.Find(p, out int slot);
        if (conv is not null) return conv;
        if (IsFull)
        {
            UntrackedPackets++;
            return null;
        }
        conv = new UdpConversation(_udp.Count, p, frame, timestamp);
        _udp.Add(conv);
        _udpIndex.Store(slot, conv);
        return conv;
    }
}
