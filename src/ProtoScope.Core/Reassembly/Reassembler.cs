using ProtoScope.Core.Decoding;
using ProtoScope.Core.Session;
using ProtoScope.Core.Tcp;

namespace ProtoScope.Core.Reassembly;

/// <summary>
/// The payload stage of the one pass: TCP segments are put back in stream order per connection direction and
/// handed to the consumers an <see cref="IStreamConsumerFactory"/> makes; UDP datagrams go to an
/// <see cref="IDatagramConsumer"/>. <see cref="CaptureSession"/> calls <see cref="Add"/> for every packet once its
/// conversation is known; call <see cref="Finish"/> when the capture ends.
/// </summary>
/// <remarks>
/// Rules, per direction: the SYN fixes the ISN; without one the stream starts at the first data byte seen,
/// after a <see cref="GapCause.MidStream"/> gap. Bytes seen before are retransmissions, and the first copy of
/// every byte wins (conflicting copies are counted and noted). Segments ahead of a hole are held until the
/// hole fills, until the peer acknowledges past it (then the capture lost it: a <see cref="GapCause.Lost"/>
/// gap, as Zeek's content gaps), until the memory bound is reached (<see cref="ReassemblyOptions"/>), or until
/// the capture ends. A FIN ends the direction once every byte before it is accounted for; a RST ends it at once.
/// </remarks>
public sealed class Reassembler
{
    private readonly IStreamConsumerFactory? _streams;
    private readonly IDatagramConsumer? _datagrams;
    /// <summary>By connection id: null before the connection's first segment, <see cref="Over"/> once both directions ended (their state is freed).</summary>
    private readonly List<ConnectionStreams?> _byId = [];
    private static readonly ConnectionStreams Over = new(null!);
    private readonly List<ReassemblyNote> _notes = [];

    public Reassembler(IStreamConsumerFactory? streams, IDatagramConsumer? datagrams = null, ReassemblyOptions? options = null)
    {
        _streams = streams;
        _datagrams = datagrams;
        Options = options ?? ReassemblyOptions.Default;
    }

    public ReassemblyOptions Options { get; }

    /// <summary>Out-of-order bytes held right now over all connections.</summary>
    public long TotalBuffered { get; internal set; }

    /// <summary>Conflicting overlaps and buffer limits, in the order they happened (the first 10,000).</summary>
    public IReadOnlyList<ReassemblyNote> Notes => _notes;

    /// <summary>Called for each note as it happens (the list keeps only the first ones).</summary>
    public event Action<ReassemblyNote>? Noted;

    /// <summary>
    /// What happened to one direction's segments so far; default when the direction was never reassembled, or once
    /// both directions of the connection have ended: then the reassembler has freed the connection's state, so that
    /// a capture of many connections holds only the open ones.
    /// </summary>
    public ReassemblyStats Stats(int connection, Direction direction) =>
        connection < _byId.Count && _byId[connection]?.Half(direction) is HalfStream h ? h.Stats : default;

    /// <summary>Takes the packet the session just analysed. <paramref name="data"/> is the captured packet, not kept.</summary>
    public void Add(CaptureSession session, ReadOnlySpan<byte> data)
    {
        ref readonly DecodedPacket p = ref session.Current;
        ref readonly PacketAnalysis a = ref session.CurrentAnalysis;
        if (a.Conversation < 0) return;
        ReadOnlySpan<byte> payload = p.CapturedPayloadLength > 0 ? p.Payload(data) : [];
        if (p.Transport == Transport.Udp)
        {
            _datagrams?.OnDatagram(session.Conversations.Udp[a.Conversation], a.Direction, payload, in p, a.Frame);
            return;
        }
        if (_streams is null) return;
        AddSegment(session.Conversations.Tcp[a.Conversation], a.Direction, in p, payload, a.Frame);
    }

    private void AddSegment(TcpConnection connection, Direction dir, in DecodedPacket p, ReadOnlySpan<byte> payload, long frame)
    {
        while (_byId.Count <= connection.Id) _byId.Add(null);
        ConnectionStreams conn = _byId[connection.Id] ??= new ConnectionStreams(connection);
        if (ReferenceEquals(conn, Over)) return;
        dir = conn.HalfOf(in p, dir);
        HalfStream? half = Half(conn, dir, in p);
        TcpFlags flags = p.Flags;
        if (half is not null)
        {
            var seq = new SequenceNumber(p.SequenceNumber);
            if ((flags & TcpFlags.Syn) != 0)
            {
                half.StartAtSyn(seq);
                seq += 1;
            }
            else if (!half.Started && (p.PayloadLength > 0 || (flags & TcpFlags.Fin) != 0))
            {
                // A pure ACK or a keep-alive probe (seq one below the next byte) would start the stream off by
                // one: only data or a FIN starts a stream that has no SYN.
                half.StartMidStream(seq, frame);
            }
            if (half.Started)
            {
                // A RST may carry data, e.g. a diagnostic text (RFC 9293 §3.5.3, RFC 1122 §4.2.2.12): deliver it,
                // as Wireshark does, then end the direction.
                half.Segment(seq, p.PayloadLength, payload, frame);
                if ((flags & TcpFlags.Rst) != 0) half.Reset(frame);
                else if ((flags & TcpFlags.Fin) != 0) half.Fin(seq + p.PayloadLength, frame);
            }
        }
        if ((flags & TcpFlags.Ack) != 0 && (flags & TcpFlags.Rst) == 0 && conn.Half(dir == Direction.Orig ? Direction.Resp : Direction.Orig) is HalfStream other)
            other.PeerAcked(new SequenceNumber(p.AcknowledgmentNumber), frame);
        if (conn.Over) _byId[connection.Id] = Over;
    }

    private HalfStream? Half(ConnectionStreams conn, Direction dir, in DecodedPacket p)
    {
        if (conn.Half(dir) is HalfStream h) return h;
        if (conn.Asked(dir)) return null;
        // Ask when the direction has something to reassemble: a SYN, data or a FIN.
        if ((p.Flags & (TcpFlags.Syn | TcpFlags.Fin)) == 0 && p.PayloadLength == 0) return null;
        IStreamConsumer? consumer = _streams!.Create(conn.Connection, dir);
        HalfStream? half = consumer is null ? null : new HalfStream(this, conn, consumer, Options.RetransmissionCheckBytes);
        conn.Bind(dir, in p, half);
        return half;
    }

    /// <summary>Ends every open direction (holes become gaps, held bytes are delivered). Call once, after the last packet.</summary>
    public void Finish(long lastFrame)
    {
        for (int id = 0; id < _byId.Count; id++)
        {
            if (_byId[id] is not ConnectionStreams conn || ReferenceEquals(conn, Over)) continue;
            conn.Half(Direction.Orig)?.Finish(lastFrame);
            conn.Half(Direction.Resp)?.Finish(lastFrame);
        }
    }

    /// <summary>Keeps the per-connection and total bounds by giving up holes, the direction just added to first.</summary>
    internal void Enforce(ConnectionStreams conn, HalfStream half, long frame)
    {
        HalfStream? other = conn.Other(half);
        while (conn.Buffered > Options.MaxBufferedPerConnection)
        {
            if (!half.GiveUpFirstHole(frame, Options.MaxBufferedPerConnection, "per connection")
                && other?.GiveUpFirstHole(frame, Options.MaxBufferedPerConnection, "per connection") != true)
                break;
        }
        while (TotalBuffered > Options.MaxBufferedTotal)
        {
            if (!half.GiveUpFirstHole(frame, Options.MaxBufferedTotal, "total"))
                break;
        }
    }

    internal void Note(ConnectionStreams conn, HalfStream half, long frame, string text)
    {
        var note = new ReassemblyNote(conn.Connection.Id, conn.DirectionOf(half), frame, text);
        if (_notes.Count < 10_000) _notes.Add(note);
        Noted?.Invoke(note);
    }
}
