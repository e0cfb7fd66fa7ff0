using System.Text;
using ProtoScope.Core.Decoding;
using ProtoScope.Core.Formatting;
using ProtoScope.Core.Framing;
using ProtoScope.Core.Reassembly;

namespace ProtoScope.Core.Session;

/// <summary>
/// One conversation's packets as a <see cref="PacketTable"/> stores them, and what is rebuilt from them on demand:
/// its messages (<see cref="Messages"/>) and its followed payload (<see cref="Follow"/>), with the capture's frame
/// numbers and the conversation's own id.
/// </summary>
/// <remarks>
/// A capture's messages and payloads are not kept for every conversation (a capture of a million packets would
/// hold a million previews), so a view asks for them here when it opens one conversation. The packets run alone
/// through a <see cref="CaptureSession"/> of their own with the same reassembler, framer and follower as the
/// `frames` and `follow` verbs; their tracking ends as it did in the whole capture, because a conversation's
/// state depends only on its own packets. That session numbers each packet with its frame number in the capture.
/// The conversation's rows are found by a scan of the table's conversation column each time they are read, not
/// kept: a list would cost 4 bytes a packet, and a million-packet connection is graphed in full.
/// Threading: the table may grow meanwhile; only the rows below the constructor's row count are read.
/// </remarks>
public sealed class StoredConversation
{
    private readonly PacketTable _table;
    private readonly int _timestampUnit;
    private readonly int _rowCount;
    private int _packets = -1;

    /// <param name="rowCount">The rows to look through: those below this <see cref="PacketTable.Count"/>.</param>
    /// <param name="timestampUnit">The capture's <see cref="CaptureSession.TimestampUnit"/>.</param>
    public StoredConversation(PacketTable table, Conversation conversation, int rowCount, int timestampUnit)
    {
        _table = table;
        _timestampUnit = timestampUnit;
        Conversation = conversation;
        _rowCount = rowCount;
    }

    public Conversation Conversation { get; }

    /// <summary>How many of the rows looked through are the conversation's.</summary>
    public int Packets
    {
        get
        {
            if (_packets < 0) _packets = EachRow().Count();
            return _packets;
        }
    }

    /// <summary>The conversation's rows in the table, in capture order.</summary>
    private IEnumerable<int> EachRow()
    {
        for (int row = (int)Math.Max(0, Conversation.FirstFrame - 1); row < _rowCount; row++)
            if (_table.BelongsTo(row, Conversation)) yield return row;
    }

    /// <summary>Hands the conversation's messages and framing failures to <paramref name="sink"/>, in capture order.</summary>
    public void Messages(ConversationFramerOptions options, IMessageSink sink)
    {
        var framer = new ConversationFramer(options, new Renumbered(sink, Conversation.Id));
        Replay(new Reassembler(framer, framer), stop: null);
    }

    /// <summary>
    /// Writes the conversation's payload both ways to <paramref name="output"/>: a TCP connection's reassembled
    /// streams through a <see cref="StreamFollower"/>, a UDP conversation's datagrams one turn each. Stops early
    /// once <paramref name="stop"/> says so. Returns null for a TCP connection with neither data nor a handshake.
    /// </summary>
    public (FollowedDirection Orig, FollowedDirection Resp)? Follow(IFollowOutput output, Func<bool>? stop = null)
    {
        if (Conversation.Transport != Transport.Tcp) return FollowDatagrams(output, stop);
        // Alone in its session, the connection is that session's first: tcp.stream 0 there.
        var follower = new StreamFollower(0, new OpenedAs(output, Conversation));
        Replay(new Reassembler(follower), stop);
        follower.Flush();
        return follower.Connection is null ? null : (follower.Totals(Direction.Orig), follower.Totals(Direction.Resp));
    }

    /// <summary>
    /// The analysis the one pass gave the conversation's packet at <paramref name="row"/> (its role, states and TCP
    /// analysis numbers), found again by replaying the conversation's packets up to it; null when the row is not one
    /// of the conversation's. Port reuse is the one flag a conversation alone cannot show: the table's row has it.
    /// </summary>
    public PacketAnalysis? AnalysisAt(int row)
    {
        var session = new CaptureSession(_table.LinkType, _timestampUnit);
        foreach (int r in EachRow())
        {
            if (r > row) break;
            session.Add(_table.Header(r), _table.Bytes(r), r + 1L);
            if (r == row) return session.CurrentAnalysis;
        }
        return null;
    }

    /// <summary>
    /// Runs the conversation's packets through a session of their own, in capture order, calling
    /// <paramref name="each"/> after each with that session (its current packet and analysis are valid during the
    /// call; frames are the capture's). The graphs read a connection this way. Stops early once <paramref name="stop"/> says so.
    /// </summary>
    public void Replay(Action<CaptureSession> each, Func<bool>? stop = null)
    {
        var session = new CaptureSession(_table.LinkType, _timestampUnit);
        foreach (int row in EachRow())
        {
            if (stop?.Invoke() == true) break;
            session.Add(_table.Header(row), _table.Bytes(row), row + 1L);
            each(session);
        }
    }

    private void Replay(Reassembler reassembler, Func<bool>? stop)
    {
        var session = new CaptureSession(_table.LinkType, _timestampUnit) { Reassembly = reassembler };
        long frame = 0;
        foreach (int row in EachRow())
        {
            if (stop?.Invoke() == true) break;
            frame = row + 1L;
            session.Add(_table.Header(row), _table.Bytes(row), frame);
        }
        reassembler.Finish(frame);
    }

    /// <summary>UDP has no stream to put back together: each datagram's payload, in capture order, is a turn.</summary>
    private (FollowedDirection, FollowedDirection) FollowDatagrams(IFollowOutput output, Func<bool>? stop)
    {
        output.Opened(Conversation);
        var packet = default(DecodedPacket);
        long[] bytes = new long[2];
        var text = new StringBuilder();
        foreach (int row in EachRow())
        {
            if (stop?.Invoke() == true) break;
            _table.Decode(row, ref packet);
            var d = _table.ChunkOf(row, out int i).Direction(i);
            var payload = packet.Payload(_table.Bytes(row));
            bytes[(int)d] += payload.Length;
            output.Turn(d, bytes[(int)d] - payload.Length, row + 1L);
            text.Clear();
            TerminalText.AppendEscaped(text, payload, multiline: true);
            output.Text(d, text.ToString());
            output.TurnEnded(d);
        }
        return (new FollowedDirection(bytes[0], 0, null), new FollowedDirection(bytes[1], 0, null));
    }

    /// <summary>Gives the messages the conversation's id in the capture instead of the one it has alone in its session.</summary>
    private sealed class Renumbered(IMessageSink sink, int conversation) : IMessageSink
    {
        public void OnMessage(in FramedMessage message, ReadOnlySpan<byte> payload, string? error) =>
            sink.OnMessage(message with { Conversation = conversation }, payload, error);

        public void OnFailure(in FramingFailure failure) => sink.OnFailure(failure with { Conversation = conversation });
    }

    /// <summary>Introduces the capture's conversation, not the copy the replay session made of it.</summary>
    private sealed class OpenedAs(IFollowOutput output, Conversation conversation) : IFollowOutput
    {
        public void Opened(Conversation replayed) => output.Opened(conversation);
        public void Turn(Direction direction, long offset, long frame) => output.Turn(direction, offset, frame);
        public void Text(Direction direction, string text) => output.Text(direction, text);
        public void Bytes(Direction direction, ReadOnlySpan<byte> bytes, long offset) => output.Bytes(direction, bytes, offset);
        public void TurnEnded(Direction direction) => output.TurnEnded(direction);
        public void Gap(Direction direction, in StreamGap gap) => output.Gap(direction, gap);
    }
}
