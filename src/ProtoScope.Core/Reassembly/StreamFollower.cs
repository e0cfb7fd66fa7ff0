using System.Text;
using ProtoScope.Core.Formatting;
using ProtoScope.Core.Session;
using ProtoScope.Core.Tcp;

namespace ProtoScope.Core.Reassembly;

/// <summary>
/// Where a <see cref="StreamFollower"/> writes one connection's conversation. Calls come in delivery order, on
/// the thread that feeds the session: <see cref="Turn"/> whenever the other side starts talking, then its
/// <see cref="Text"/> (or <see cref="Bytes"/> in hex mode), <see cref="TurnEnded"/> before the next turn or gap.
/// </summary>
public interface IFollowOutput
{
    /// <summary>The conversation followed; before anything else.</summary>
    void Opened(Conversation conversation);

    /// <summary><paramref name="direction"/> starts talking at stream <paramref name="offset"/>, in the packet numbered <paramref name="frame"/>.</summary>
    void Turn(Direction direction, long offset, long frame);

    /// <summary>Escaped text of the current turn (newlines and tabs kept, nothing else that controls a terminal); may end mid-line.</summary>
    void Text(Direction direction, string text);

    /// <summary>Hex mode: the raw bytes at stream <paramref name="offset"/>, valid only during the call.</summary>
    void Bytes(Direction direction, ReadOnlySpan<byte> bytes, long offset);

    /// <summary>The current turn's text is complete (the other side talks next, a gap follows, or the capture ended).</summary>
    void TurnEnded(Direction direction);

    void Gap(Direction direction, in StreamGap gap);
}

/// <summary>What one direction of a followed conversation carried and how it ended.</summary>
/// <param name="Bytes">Bytes delivered.</param>
/// <param name="Missing">Bytes known to be missing (gaps of known length).</param>
/// <param name="End">How the direction ended; null when it carried nothing.</param>
public readonly record struct FollowedDirection(long Bytes, long Missing, StreamEnd? End);

/// <summary>
/// Follows one TCP connection like Wireshark's Follow TCP Stream: both directions' reassembled bytes in the order
/// the reassembler delivers them, cut into turns, with gaps where the capture lacks bytes. Text mode escapes every
/// byte through <see cref="TerminalText"/> and keeps a UTF-8 character that straddles two segments whole.
/// Give it to a <see cref="Reassembler"/> as its consumer factory; call <see cref="Flush"/> after
/// <see cref="Reassembler.Finish"/>. Shared by <c>protoscope follow</c> and the terminal UI's Follow view.
/// </summary>
public sealed class StreamFollower(int connection, IFollowOutput output, bool hex = false) : IStreamConsumerFactory
{
    private readonly StringBuilder _line = new();
    private readonly long[] _bytes = new long[2];
    private readonly long[] _gaps = new long[2];
    private readonly StreamEnd?[] _ends = new StreamEnd?[2];
    private Direction? _last;
    private byte[] _carry = [];

    /// <summary>The connection followed, once its first segment was seen; null while it has not been.</summary>
    public TcpConnection? Connection { get; private set; }

    /// <summary>What <paramref name="direction"/> carried so far and how it ended.</summary>
    public FollowedDirection Totals(Direction direction) =>
        new(_bytes[(int)direction], _gaps[(int)direction], _ends[(int)direction]);

    public IStreamConsumer? Create(TcpConnection c, Direction direction)
    {
        if (c.Id != connection) return null;
        if (Connection is null)
        {
            Connection = c;
            output.Opened(c);
        }
        return new Side(this, direction);
    }

    /// <summary>Completes the last turn: call once the reassembler is finished.</summary>
    public void Flush()
    {
        EndTurn();
        _last = null;
    }

    private void Data(Direction d, ReadOnlySpan<byte> bytes, long offset, long frame)
    {
        if (_last != d)
        {
            EndTurn();
            _last = d;
            output.Turn(d, offset, frame);
        }
        _bytes[(int)d] += bytes.Length;
        if (hex)
        {
            output.Bytes(d, bytes, offset);
            return;
        }
        // A UTF-8 character may straddle two segments: keep its first bytes until the next one.
        byte[] joined = _carry.Length == 0 ? bytes.ToArray() : [.. _carry, .. bytes];
        int used = TerminalText.AppendEscaped(_line, joined, multiline: true, final: false);
        _carry = joined[used..];
        if (_line.Length > 0) output.Text(d, _line.ToString());
        _line.Clear();
    }

    private void EndTurn()
    {
        if (_last is not { } d) return;
        if (_carry.Length > 0)
        {
            TerminalText.AppendEscaped(_line, _carry, multiline: true);
            output.Text(d, _line.ToString());
            _line.Clear();
            _carry = [];
        }
        output.TurnEnded(d);
    }

    private void Gap(Direction d, in StreamGap gap)
    {
        EndTurn();
        _last = null;
        if (gap.LengthKnown) _gaps[(int)d] += gap.Length;
        output.Gap(d, gap);
    }

    private sealed class Side(StreamFollower follower, Direction direction) : IStreamConsumer
    {
        public void OnData(ReadOnlySpan<byte> bytes, long offset, long frame) => follower.Data(direction, bytes, offset, frame);
        public void OnGap(in StreamGap gap) => follower.Gap(direction, gap);
        public void OnEnd(StreamEnd end, long offset, long frame) => follower._ends[(int)direction] = end;
    }
}
