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

    /// <summary>Puts IP fragments back together before the transport layer: on, as in tshark and Zeek.</summary>
    public IpDefragmenter Fragments { get; } = new();

    private byte[]? _reassembled;

    /// <summary>
    /// The bytes <see cref="Current"/>'s offsets point into: <paramref name="data"/>, the packet as added, or the whole
    /// datagram when this packet was the fragment that completed one (<see cref="DecodedPacket.ReassembledFragments"/>).
    /// </summary>
    public ReadOnlySpan<byte> CurrentBytes(ReadOnlySpan<byte> data) => _reassembled ?? data;

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
    /// Where a source that decodes ahead writes the next packet before <see cref="AddDecoded"/> analyses it: the
    /// session's own packet, so that it is not copied once more. Overwrites <see cref="Current"/>.
    /// </summary>
    public ref DecodedPacket Next => ref _current;

    /// <summary>
    /// Analyses the packet in <see cref="Next"/>, which must be what <see cref="PacketDecoder.Decode"/> gives for
    /// <paramref name="data"/> with this session's link type. <paramref name="data"/> is not kept.
    /// </summary>
    public void AddDecoded(in PacketHeader header, ReadOnlySpan<byte> data) => Analyse(header, data, PacketCount + 1);

    /// <summary>
    /// Adds a packet that already has a frame number in a larger capture, so that everything downstream
    /// (connection tracking, reassembly, framing) reports that number: <see cref="StoredConversation"/> replays
    /// one conversation's stored packets alone. Numbers must ascend.
    /// </summary>
    internal void Add(in PacketHeader header, ReadOnlySpan<byte> data, long frame)
    {
        PacketDecoder.Decode(data, LinkType, header.WireLength, ref _current);
        Analyse(header, data, frame);
    }

    /// <summary>Everything after decoding, for <see cref="Current"/> as just decoded from <paramref name="data"/>.</summary>
    private void Analyse(in PacketHeader header, ReadOnlySpan<byte> data, long frame)
    {
        var original = data;
        if (++PacketCount == 1) FirstTimestamp = header.Timestamp;
        LastTimestamp = header.Timestamp;
        _reassembled = null;
        // A fragment takes no part in a conversation unless it completes its datagram: then the datagram does, decoded
        // whole from the bytes the defragmenter rebuilt, with this fragment's own IP fields kept.
        bool track = true;
        if (_current.IsFragment)
        {
            track = false;
            if (Fragments.Add(in _current, data, header.Timestamp, out var whole, out int count))
            {
                var fragment = _current;
                PacketDecoder.Decode(whole, LinkType, header.WireLength, ref _current);
                _current.CapturedLength = fragment.CapturedLength;
                _current.MoreFragments = fragment.MoreFragments;
                _current.IsLaterFragment = fragment.IsLaterFragment;
                _current.FragmentOffset = fragment.FragmentOffset;
                _current.FragmentId = fragment.FragmentId;
                _current.FragmentDataOffset = fragment.FragmentDataOffset;
                _current.ReassembledFragments = count;
                _reassembled = whole;
                data = whole;
                track = true;
            }
            else
            {
                // A fragment that completes nothing is shown as tshark shows it: IP and a piece of data. Its first bytes may
                // look like a transport header, but the datagram is not there to read yet.
                ref var f = ref _current;
                f.PayloadLength = f.Network == Network.IPv4 ? f.IpLength - f.NetworkHeaderLength : f.IpLength - (f.FragmentDataOffset - f.NetworkOffset);
                f.PayloadOffset = f.FragmentDataOffset;
                f.CapturedPayloadLength = Math.Clamp(Math.Min(f.PayloadLength, data.Length - f.FragmentDataOffset), 0, int.MaxValue);
                f.Transport = Transport.Other;
                f.TransportHeaderLength = 0;
                f.SrcPort = f.DstPort = 0;
                f.CapturedTransportHeader = 0;
                f.Flags = 0;
                f.UdpLength = 0;
                if (f.Error.Layer is DecodeLayer.Tcp or DecodeLayer.Udp or DecodeLayer.TcpOptions or DecodeLayer.Icmp) f.Error = default;
            }
        }
        if (header.InvalidFraction != 0 && !_current.HasError)
            _current.Error = new DecodeError(DecodeErrorKind.InvalidTimestamp, DecodeLayer.None, TimestampUnit, header.InvalidFraction);
        _analysis = default;
        _analysis.Frame = frame;
        _analysis.Conversation = -1;
        ref readonly var p = ref _current;
        if (p.IsTunnelled && track) AddCarriers(in p, data, frame, header.Timestamp);
        if (p.HasPorts && track)
        {
            if (p.Transport == Transport.Tcp) AddTcp(in p, frame, header.Timestamp);
            else AddUdp(in p, frame, header.Timestamp);
        }
        // The row exists before reassembly runs, so a framing error can mark the packet it happens in.
        Table?.Append(header, original, in p, in _analysis);
        if (p.HasPorts && track) Reassembly?.Add(this, data);
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
        if (conn.FirstFrame == frame && p.IsTunnelled) conn.Tunnel = TunnelOf(in p, timestamp);
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
        if (conv.FirstFrame == frame && p.IsTunnelled) conv.Tunnel = TunnelOf(in p, timestamp);
        var dir = conv.DirectionOf(p);
        conv.Track(dir, p);
        Count(conv, dir, p, frame, timestamp);
        _analysis.Conversation = conv.Id;
        _analysis.Direction = dir;
    }

    private DecodedPacket _outer;
    // The innermost tunnel of the packet being added: what a conversation starting with it records as its tunnel.
    private UdpConversation? _carrier;
    private NetAddress _tunnelSrc, _tunnelDst;
    private (ushort Src, ushort Dst) _tunnelPorts;
    private readonly Dictionary<TunnelKey, Tunnel> _tunnels = new();

    private readonly record struct TunnelKey(TunnelKind Kind, NetAddress A, NetAddress B, uint Id, int Carrier);

    /// <summary>
    /// The outer UDP conversations of a tunnelled packet are conversations too, counted before the inner one, as tshark
    /// numbers them and as Zeek logs them; the innermost becomes the carrier of the packet's tunnel.
    /// </summary>
    private void AddCarriers(in DecodedPacket p, ReadOnlySpan<byte> data, long frame, long timestamp)
    {
        _carrier = null;
        ref readonly var innermost = ref p.Encap[p.EncapDepth - 1];
        (_tunnelSrc, _tunnelDst) = innermost.OuterAddresses(data);
        _tunnelPorts = innermost.OuterPorts(data);
        for (int i = 0; i < p.EncapDepth; i++)
        {
            ref readonly var layer = ref p.Encap[i];
            if (!layer.OverUdp) continue;
            ref var o = ref _outer;
            o = default;
            o.Network = layer.Network;
            o.Transport = Transport.Udp;
            (o.Src, o.Dst) = layer.OuterAddresses(data);
            (o.SrcPort, o.DstPort) = layer.OuterPorts(data);
            o.IpLength = layer.OuterIpLength(data);
            o.UdpLength = (ushort)layer.OuterUdpLength(data);
            o.TransportHeaderLength = 8;
            o.PayloadLength = Math.Max(o.UdpLength - 8, 0);
            var conv = Conversations.FindOrAddUdp(o, frame, timestamp);
            if (conv is null) { _carrier = null; continue; }
            var dir = conv.DirectionOf(o);
            conv.Track(dir, o);
            Count(conv, dir, o, frame, timestamp);
            _carrier = i == p.EncapDepth - 1 ? conv : null;
        }
    }

    /// <summary>The tunnel of a conversation that starts with this packet: one object per tunnel, shared by its conversations.</summary>
    private Tunnel TunnelOf(in DecodedPacket p, long timestamp)
    {
        ref readonly var layer = ref p.Encap[p.EncapDepth - 1];
        var (src, dst) = (_tunnelSrc, _tunnelDst);
        bool ordered = src.CompareTo(dst) <= 0;
        var key = new TunnelKey(layer.Kind, ordered ? src : dst, ordered ? dst : src, layer.HasId ? layer.Id : 0, _carrier?.Id ?? -1);
        if (!_tunnels.TryGetValue(key, out var tunnel))
            _tunnels[key] = tunnel = new Tunnel(layer.Kind, src, dst, _tunnelPorts.Src, _tunnelPorts.Dst, layer.HasId, layer.Id, _carrier, timestamp);
        return tunnel;
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
