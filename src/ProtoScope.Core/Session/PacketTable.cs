using ProtoScope.Core.Decoding;
using ProtoScope.Core.Tcp;

namespace ProtoScope.Core.Session;

/// <summary>
/// One chunk of <see cref="PacketTable"/> rows: a primitive array per column (struct of arrays), so a scan over
/// one column (the display filter, a sort) touches only that column's memory. Index a row with
/// <see cref="PacketTable.ChunkOf"/>. Arrays are allocated whole when the chunk is created and never move.
/// </summary>
public sealed class PacketChunk
{
    internal PacketChunk(int rows)
    {
        Timestamp = new long[rows];
        CapturedLength = new int[rows];
        _uncaptured = new ushort[rows];
        Checkpoint = new long[rows >> PacketTable.CheckpointBits];
        Flow = new int[rows];
        Flags = new ushort[rows];
        RelativeSeq = new uint[rows];
        RelativeAck = new uint[rows];
        _payloadLength = new ushort[rows];
        Network = new byte[rows];
        Transport = new byte[rows];
        Marks = new byte[rows];
        States = new byte[rows];
        Analysis = new ushort[rows];
    }

    /// <summary>Bytes of metadata held per row by these arrays: the figure issue 8 caps at 64.</summary>
    public const int BytesPerRow = 8 + 4 + 2 + 4 + 2 + 4 + 4 + 2 + 1 + 1 + 1 + 1 + 2;

    /// <summary>Nanoseconds since the Unix epoch.</summary>
    public readonly long[] Timestamp;
    public readonly int[] CapturedLength;
    private readonly ushort[] _uncaptured;

    /// <summary>The length on the wire: the captured length and the bytes the capture left out.</summary>
    public int WireLength(int i)
    {
        int uncaptured = _uncaptured[i];
        return CapturedLength[i] + (uncaptured == Wide ? WideValue(i, wire: true) : uncaptured);
    }
    /// <summary>
    /// Where the captured bytes of every 2^<see cref="PacketTable.CheckpointBits"/>-th row start in the table's byte
    /// arena. A row keeps no position of its own: the packets follow one another in the arena, so its position is
    /// its group's checkpoint plus the captured lengths before it (<see cref="PacketTable.Bytes"/>).
    /// </summary>
    public readonly long[] Checkpoint;
    /// <summary>
    /// The row's <see cref="Session.Flow"/> (addresses, ports, conversation), by its number in the table's flow list:
    /// read it with <see cref="PacketTable.FlowOf"/>.
    /// </summary>
    public readonly int[] Flow;
    /// <summary><see cref="TcpFlags"/> bits; 0 for anything but TCP.</summary>
    public readonly ushort[] Flags;
    public readonly uint[] RelativeSeq;
    /// <summary>Meaningful only when the ACK flag is set.</summary>
    public readonly uint[] RelativeAck;
    private readonly ushort[] _payloadLength;

    /// <summary>Transport payload length as the IP header states it (tcp.len, UDP length minus 8).</summary>
    public int PayloadLength(int i)
    {
        int length = _payloadLength[i];
        return length == Wide ? WideValue(i, wire: false) : length;
    }

    // The two lengths take two bytes a row; the rare value that does not fit (a packet cut by more than 64 KiB, a
    // jumbogram, a length field that lies) is kept here, by row and by which length, and the column holds Wide.
    private const ushort Wide = ushort.MaxValue;
    private readonly Dictionary<(int Row, bool Wire), int> _wide = new();

    private int WideValue(int i, bool wire)
    {
        lock (_wide) return _wide[(i, wire)];
    }

    internal void SetLengths(int i, int wireLength, int payloadLength)
    {
        int uncaptured = wireLength - CapturedLength[i];
        _uncaptured[i] = uncaptured is >= 0 and < Wide ? (ushort)uncaptured : SetWide(i, wire: true, uncaptured);
        _payloadLength[i] = payloadLength is >= 0 and < Wide ? (ushort)payloadLength : SetWide(i, wire: false, payloadLength);
    }

    private ushort SetWide(int i, bool wire, int value)
    {
        lock (_wide) _wide[(i, wire)] = value;
        return Wide;
    }

    /// <summary><see cref="Decoding.Network"/>.</summary>
    public readonly byte[] Network;
    /// <summary><see cref="Decoding.Transport"/>.</summary>
    public readonly byte[] Transport;
    /// <summary>
    /// Three small facts in one byte, to keep a row within 64 bytes: the tracker's <see cref="PacketRole"/> (bits 0-3,
    /// None for anything but TCP), the <see cref="Session.Direction"/> within the conversation (bit 4) and the
    /// <see cref="PacketFault"/> bits (5-6). Read them with <see cref="Role"/>, <see cref="Direction"/>, <see cref="Fault"/>.
    /// </summary>
    public readonly byte[] Marks;

    public PacketRole Role(int i) => (PacketRole)(Marks[i] & 0xF);
    public Direction Direction(int i) => (Direction)(Marks[i] >> 4 & 1);
    public PacketFault Fault(int i) => (PacketFault)(Marks[i] >> 5 & 3);

    internal static byte Mark(PacketRole role, Direction direction, PacketFault fault) =>
        (byte)((int)role | (int)direction << 4 | (int)fault << 5);
    /// <summary>
    /// The tracker's RFC 9293 states after the packet: the sender's in the low four bits, the receiver's in the high
    /// four (<see cref="PacketTable.SenderState"/>, <see cref="PacketTable.ReceiverState"/>); the ladder draws them.
    /// </summary>
    public readonly byte[] States;
    /// <summary><see cref="TcpAnalysisFlags"/> bits: Wireshark's tcp.analysis flags of the segment.</summary>
    public readonly ushort[] Analysis;
}

/// <summary>
/// What the packets of one direction of one conversation share: the source and destination (indexes into the table's
/// address list, 0 for none), the ports (0 for none) and the conversation (tcp.stream or udp.stream; -1 for none).
/// </summary>
public readonly record struct Flow(int Src, int Dst, ushort SrcPort, ushort DstPort, int Conversation);

/// <summary>One row of a <see cref="PacketTable"/>, copied out for display (a few dozen per screen).</summary>
public readonly record struct PacketRow(
    int Index,
    long Timestamp,
    int CapturedLength,
    int WireLength,
    NetAddress Src,
    NetAddress Dst,
    ushort SrcPort,
    ushort DstPort,
    TcpFlags Flags,
    uint RelativeSeq,
    uint RelativeAck,
    int PayloadLength,
    int Conversation,
    Direction Direction,
    Network Network,
    Transport Transport,
    PacketRole Role,
    PacketFault Fault,
    TcpAnalysisFlags Analysis)
{
    /// <summary>1-based frame number, as tshark and tcpdump -# count.</summary>
    public long Frame => Index + 1L;
}

/// <summary>
/// The stored packet list that the UI, the display filter and the exports read: the per-packet results of the
/// one pass (<see cref="CaptureSession"/> appends a row per packet) in fixed-size chunks of primitive columns
/// (<see cref="PacketChunk.BytesPerRow"/> bytes a row), addresses deduplicated into one list, and the captured
/// bytes held once in an append-only arena so any row can be decoded again on demand (the detail tree, the hex dump).
/// <para>
/// Threading: one writer (the thread that reads the capture) and any number of readers. The writer fills a row
/// completely, then publishes it by advancing <see cref="Count"/> with a release write; a reader reads
/// <see cref="Count"/> once and may then read any row below it, its bytes and its addresses, without locks.
/// <see cref="SetRole"/> and <see cref="AddFault"/> belong to the writer too.
/// </para>
/// </summary>
public sealed class PacketTable
{
    public const int ChunkBits = 16;
    public const int ChunkRows = 1 << ChunkBits;
    private const int ChunkMask = ChunkRows - 1;
    /// <summary>Rows per arena checkpoint: a row's bytes are found by adding at most this many lengths less one.</summary>
    public const int CheckpointBits = 6;
    private const int CheckpointMask = (1 << CheckpointBits) - 1;

    private PacketChunk[] _chunks = new PacketChunk[16];
    private int _count;
    private readonly AddressList _addresses = new();
    private readonly FlowList _flows = new();
    private readonly ByteArena _bytes = new();
    private TcpAnalysisNumbers? _tcpNumbers;

    public PacketTable(int linkType)
    {
        LinkType = linkType;
    }

    /// <summary>The DLT of every packet, for <see cref="PacketDecoder"/>.</summary>
    public int LinkType { get; }

    /// <summary>The conversation limit of the session that fills the table, for a replay to track as it did.</summary>
    internal int MaxConversations { get; set; } = ConversationTable.DefaultMaxConversations;

    /// <summary>The TCP analysis numbers without a column of their own, made on first use (see its remarks for the cost).</summary>
    public TcpAnalysisNumbers TcpNumbers =>
        LazyInitializer.EnsureInitialized(ref _tcpNumbers, () => new TcpAnalysisNumbers(this, MaxConversations));

    /// <summary>Rows published so far (acquire read: every row below it is complete).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Timestamp of the first packet, the origin of relative time; 0 while the table is empty.</summary>
    public long FirstTimestamp { get; private set; }

    /// <summary>Bytes held by the row columns (allocated chunks), the address list and the flow list: the model's overhead beyond the packet bytes.</summary>
    public long MetadataBytes
    {
        get
        {
            int chunks = (Count + ChunkMask) >> ChunkBits;
            return (long)chunks * ChunkRows * PacketChunk.BytesPerRow + (long)chunks * (ChunkRows >> CheckpointBits) * sizeof(long)
                + _addresses.BytesHeld + _flows.BytesHeld;
        }
    }

    /// <summary>Bytes held by the arena of captured packet bytes.</summary>
    public long PacketBytesHeld => _bytes.BytesHeld;

    /// <summary>Adds a packet; returns its row index. Writer thread only. <paramref name="data"/> is copied.</summary>
    public int Append(in PacketHeader header, ReadOnlySpan<byte> data, in DecodedPacket p, in PacketAnalysis a)
    {
        int row = _count;
        int c = row >> ChunkBits, i = row & ChunkMask;
        if (c == _chunks.Length)
        {
            var grown = new PacketChunk[_chunks.Length * 2];
            Array.Copy(_chunks, grown, _chunks.Length);
            Volatile.Write(ref _chunks, grown);
        }
        var chunk = _chunks[c] ??= new PacketChunk(ChunkRows);
        if (row == 0) FirstTimestamp = header.Timestamp;

        chunk.Timestamp[i] = header.Timestamp;
        chunk.CapturedLength[i] = data.Length;
        long position = _bytes.Append(data);
        if ((i & CheckpointMask) == 0) chunk.Checkpoint[i >> CheckpointBits] = position;
        chunk.Flow[i] = _flows.IndexOf(p, a, _addresses);
        chunk.Flags[i] = p.IsTcp ? (ushort)p.Flags : (ushort)0;
        chunk.RelativeSeq[i] = a.RelativeSeq;
        chunk.RelativeAck[i] = a.HasRelativeAck ? a.RelativeAck : 0;
        chunk.SetLengths(i, header.WireLength, p.PayloadLength);
        chunk.Network[i] = (byte)p.Network;
        chunk.Transport[i] = (byte)p.Transport;
        chunk.Marks[i] = PacketChunk.Mark(a.Role, a.Direction, p.HasError ? PacketFault.Decode : PacketFault.None);
        chunk.States[i] = (byte)((int)a.SenderState | (int)a.ReceiverState << 4);
        chunk.Analysis[i] = (ushort)a.AnalysisFlags;
        Volatile.Write(ref _count, row + 1);
        return row;
    }

    /// <summary>Sets the role of a row already added (for a layer that learns a role after the packet, e.g. a retransmission seen from the other side). Writer thread only.</summary>
    public void SetRole(int row, PacketRole role)
    {
        var c = ChunkOf(row, out int i);
        c.Marks[i] = PacketChunk.Mark(role, c.Direction(i), c.Fault(i));
    }

    /// <summary>The RFC 9293 state of the endpoint that sent <paramref name="row"/>'s segment, after it (Closed for anything but TCP).</summary>
    public TcpState SenderState(int row) => (TcpState)(ChunkOf(row, out int i).States[i] & 0xF);

    /// <summary>The RFC 9293 state of the endpoint <paramref name="row"/>'s segment was sent to, after it.</summary>
    public TcpState ReceiverState(int row) => (TcpState)(ChunkOf(row, out int i).States[i] >> 4);

    /// <summary>Marks a problem found after the row was added (e.g. a framing error). Writer thread only.</summary>
    public void AddFault(int row, PacketFault fault)
    {
        var c = ChunkOf(row, out int i);
        c.Marks[i] = PacketChunk.Mark(c.Role(i), c.Direction(i), c.Fault(i) | fault);
    }

    /// <summary>The chunk holding <paramref name="row"/> and the row's index inside it.</summary>
    public PacketChunk ChunkOf(int row, out int index)
    {
        index = row & ChunkMask;
        return Volatile.Read(ref _chunks)[row >> ChunkBits];
    }

    /// <summary>The chunk with number <paramref name="chunk"/> (rows chunk·<see cref="ChunkRows"/> onwards).</summary>
    public PacketChunk Chunk(int chunk) => Volatile.Read(ref _chunks)[chunk];

    /// <summary>The address with index <paramref name="index"/> of a <see cref="Session.Flow"/>'s source or destination.</summary>
    public NetAddress Address(int index) => _addresses[index];

    /// <summary>The flow with number <paramref name="index"/>, a row's <see cref="PacketChunk.Flow"/>.</summary>
    public Flow FlowOf(int index) => _flows[index];

    /// <summary>Whether <paramref name="row"/> is a packet of conversation <paramref name="c"/> (its stream number and transport).</summary>
    public bool BelongsTo(int row, Conversation c)
    {
        var chunk = ChunkOf(row, out int i);
        return (Transport)chunk.Transport[i] == c.Transport && _flows[chunk.Flow[i]].Conversation == c.Id;
    }

    public PacketRow this[int row]
    {
        get
        {
            var c = ChunkOf(row, out int i);
            var f = _flows[c.Flow[i]];
            return new PacketRow(row, c.Timestamp[i], c.CapturedLength[i], c.WireLength(i),
                _addresses[f.Src], _addresses[f.Dst], f.SrcPort, f.DstPort, (TcpFlags)c.Flags[i],
                c.RelativeSeq[i], c.RelativeAck[i], c.PayloadLength(i), f.Conversation, c.Direction(i),
                (Network)c.Network[i], (Transport)c.Transport[i], c.Role(i), c.Fault(i), (TcpAnalysisFlags)c.Analysis[i]);
        }
    }

    /// <summary>The capture record header <paramref name="row"/> was stored with, to replay or save the packet.</summary>
    public PacketHeader Header(int row)
    {
        var c = ChunkOf(row, out int i);
        return new PacketHeader(c.Timestamp[i], c.CapturedLength[i], c.WireLength(i));
    }

    /// <summary>The captured bytes of a row; they stay valid as long as the table (the arena only grows).</summary>
    public ReadOnlySpan<byte> Bytes(int row)
    {
        var c = ChunkOf(row, out int i);
        return _bytes.Slice(Position(c, i), c.CapturedLength[i]);
    }

    /// <summary>Decodes a row again from its stored bytes, for the views that show every header field.</summary>
    public void Decode(int row, ref DecodedPacket packet)
    {
        var c = ChunkOf(row, out int i);
        PacketDecoder.Decode(_bytes.Slice(Position(c, i), c.CapturedLength[i]), LinkType, c.WireLength(i), ref packet);
    }

    /// <summary>Where row <paramref name="i"/> of chunk <paramref name="c"/> starts in the arena: its group's checkpoint and the lengths before it, placed as <see cref="ByteArena.Append"/> placed them.</summary>
    private static long Position(PacketChunk c, int i)
    {
        long position = c.Checkpoint[i >> CheckpointBits];
        var lengths = c.CapturedLength;
        for (int j = i & ~CheckpointMask; j < i; j++)
            position = ByteArena.Place(ByteArena.After(position, lengths[j]), lengths[j + 1]);
        return position;
    }

    /// <summary>
    /// A list that only grows, in chunks of 4,096 items that never move: the writer adds, and a reader reads any index
    /// it learnt from a published row, without locks.
    /// </summary>
    private sealed class GrowingList<T>(int itemBytes)
    {
        private const int Bits = 12;
        private const int Size = 1 << Bits;
        private T[][] _chunks = [new T[Size]];
        private int _count;

        public long BytesHeld => (long)Volatile.Read(ref _chunks).Length * Size * itemBytes;

        public T this[int index] => Volatile.Read(ref _chunks)[index >> Bits][index & (Size - 1)];

        public int Add(T item)
        {
            int n = _count;
            int c = n >> Bits;
            if (c == _chunks.Length)
            {
                var grown = new T[c + 1][];
                Array.Copy(_chunks, grown, c);
                grown[c] = new T[Size];
                Volatile.Write(ref _chunks, grown);
            }
            _chunks[c][n & (Size - 1)] = item;
            _count = n + 1;
            return n;
        }
    }

    /// <summary>
    /// Distinct addresses, numbered in order of first appearance from 1 (0 is "no address"). Flows store the number,
    /// 4 bytes instead of a 24-byte <see cref="NetAddress"/>; a capture has few addresses and many packets.
    /// </summary>
    private sealed class AddressList
    {
        private readonly Dictionary<NetAddress, int> _index = new();
        private readonly GrowingList<NetAddress> _list = new(itemBytes: 24);

        public AddressList() => _list.Add(default);

        public long BytesHeld => _list.BytesHeld + _index.Count * 40L;

        public NetAddress this[int index] => _list[index];

        public int IndexOf(NetAddress address)
        {
            if (address.IsNone) return 0;
            if (_index.TryGetValue(address, out int n)) return n;
            n = _list.Add(address);
            _index.Add(address, n);
            return n;
        }
    }

    /// <summary>
    /// The distinct flows of the rows, numbered from 0: a row stores the number, 4 bytes instead of 16 for its
    /// addresses, ports and conversation. The packets of one direction of a conversation share a flow, found by the
    /// conversation's number; the packets outside every conversation are deduplicated by their endpoints.
    /// </summary>
    private sealed class FlowList
    {
        private readonly GrowingList<Flow> _list = new(itemBytes: 16);
        // Flow number + 1 of conversation·2 + direction, a list per transport (tcp.stream and udp.stream count
        // apart); 0 until that direction's first packet.
        private int[] _tcp = [], _udp = [];
        private readonly Dictionary<Flow, int> _others = new();

        public long BytesHeld => _list.BytesHeld + (_tcp.Length + _udp.Length) * 4L + _others.Count * 40L;

        public Flow this[int index] => _list[index];

        public int IndexOf(in DecodedPacket p, in PacketAnalysis a, AddressList addresses)
        {
            var flow = new Flow(addresses.IndexOf(p.Src), addresses.IndexOf(p.Dst),
                p.HasPortNumbers ? p.SrcPort : (ushort)0, p.HasPortNumbers ? p.DstPort : (ushort)0, a.Conversation);
            if (a.Conversation >= 0 && p.Transport is Transport.Tcp or Transport.Udp)
            {
                ref int[] byConversation = ref p.Transport == Transport.Tcp ? ref _tcp : ref _udp;
                int slot = a.Conversation * 2 + (int)a.Direction;
                if (slot >= byConversation.Length) Array.Resize(ref byConversation, Math.Max(64, Math.Max(slot + 1, byConversation.Length * 2)));
                int known = byConversation[slot] - 1;
                if (known < 0)
                {
                    known = _list.Add(flow);
                    byConversation[slot] = known + 1;
                    return known;
                }
                // A conversation keeps its endpoints; this is only a guard, and the dictionary below catches the rest.
                if (_list[known] == flow) return known;
            }
            if (_others.TryGetValue(flow, out int n)) return n;
            n = _list.Add(flow);
            _others.Add(flow, n);
            return n;
        }
    }

    /// <summary>
    /// The captured bytes of every packet, back to back in 4 MiB blocks. A packet never straddles two blocks, so
    /// each is one span; a position is block·2²² + offset. Where a packet goes follows from where the one before it
    /// ended and its own length (<see cref="Place"/>, <see cref="After"/>), so the rows need not store positions.
    /// </summary>
    private sealed class ByteArena
    {
        private const int BlockBits = 22;
        private const int BlockSize = 1 << BlockBits;
        private const int BlockMask = BlockSize - 1;
        // By block number. A packet larger than a block (only a few link types allow one) gets a block of its own
        // that takes every number its length covers; the numbers after the first stay null.
        private byte[]?[] _blocks = [];
        private long _end;
        private long _held;

        public long BytesHeld => Volatile.Read(ref _held);

        /// <summary>Where a packet of <paramref name="length"/> bytes goes when the one before ended at <paramref name="end"/>: there, or at the next block's start when it would straddle two.</summary>
        public static long Place(long end, int length)
        {
            long offset = end & BlockMask;
            return offset == 0 || offset + length <= BlockSize ? end : ((end >> BlockBits) + 1) << BlockBits;
        }

        /// <summary>Where the packet placed at <paramref name="position"/> ends; past a block of its own, at the next block's start.</summary>
        public static long After(long position, int length) =>
            length <= BlockSize ? position + length : (position + length + BlockMask) & ~(long)BlockMask;

        public long Append(ReadOnlySpan<byte> data)
        {
            long position = Place(_end, data.Length);
            int block = (int)(position >> BlockBits);
            if (block >= _blocks.Length)
            {
                int needed = (int)((After(position, data.Length) + BlockMask) >> BlockBits);
                var grown = new byte[]?[Math.Max(needed, _blocks.Length * 2)];
                Array.Copy(_blocks, grown, _blocks.Length);
                Volatile.Write(ref _blocks, grown);
            }
            if (_blocks[block] is null)
            {
                _blocks[block] = new byte[Math.Max(BlockSize, data.Length)];
                Volatile.Write(ref _held, _held + _blocks[block]!.Length);
            }
            data.CopyTo(_blocks[block].AsSpan((int)(position & BlockMask)));
            _end = After(position, data.Length);
            return position;
        }

        public ReadOnlySpan<byte> Slice(long position, int length) =>
            Volatile.Read(ref _blocks)[(int)(position >> BlockBits)].AsSpan((int)(position & BlockMask), length);
    }
}
