using ProtoScope.Core.Reassembly;
using ProtoScope.Core.Session;

namespace ProtoScope.Core.Framing;

/// <summary>
/// Cuts one reassembled TCP direction into text lines (<c>--framing line</c>): a message ends at LF, and a CR
/// before it is stripped too, so LF and CRLF protocols (SMTP, FTP, POP3, IRC, Redis inline commands, a chat room)
/// read alike. A line's length is its bytes without the LF or CRLF; an empty line is a message of length 0.
/// </summary>
/// <remarks>
/// <para>A line longer than <see cref="FramingSpec.MaxMessage"/> stops framing on the direction, as a length over
/// the maximum does: it is noticed as soon as the line passes the limit, so nothing waits for its end.</para>
/// <para>Unlike a length prefix, a line boundary can be found again after lost bytes: the line a gap cuts is handed
/// on flagged <see cref="FramedMessage.Incomplete"/>, and so is the first line after it (its start is unknown), then
/// framing goes on. A capture that starts mid-stream begins the same way. A last line without LF is handed on at
/// the end, flagged incomplete.</para>
/// </remarks>
internal sealed class LineFramer(ConversationFramer owner, int conversation, Direction direction) : TextFramer(owner, conversation, direction)
{
    /// <summary>The line in progress ends with CR so far (it is stripped if LF follows).</summary>
    private bool _endsWithCr;
    /// <summary>The next line to end began before bytes the capture lacks.</summary>
    private bool _startLost;

    protected override void Cut(ReadOnlySpan<byte> bytes, long offset, long frame)
    {
        int n = bytes.Length, pos = 0;
        while (pos < n)
        {
            int lf = bytes[pos..].IndexOf((byte)'\n');
            int end = lf < 0 ? n : pos + lf;
            ReadOnlySpan<byte> part = bytes[pos..end];
            if (!InMessage && lf >= 0)
            {
                // The common case: the whole line is in this delivery, handed on in place.
                Begin(offset + pos, frame, sticky: pos > 0);
                int length = part.Length > 0 && part[^1] == '\r' ? part.Length - 1 : part.Length;
                if (length > Spec.MaxMessage)
                {
                    TooLong(frame);
                    return;
                }
                pos = end + 1;
                Complete(MessageKind.Line, length, part[..KeptLength(length)], stickyEnd: pos < n, incomplete: TakeStartLost());
                continue;
            }
            if (!InMessage) Begin(offset + pos, frame, sticky: pos > 0);
            else Touch(frame);
            if (part.Length > 0)
            {
                AddPayload(part);
                _endsWithCr = part[^1] == '\r';
            }
            // One byte over the maximum may still be the CR of a CRLF.
            if (PayloadLength > Spec.MaxMessage + (_endsWithCr ? 1 : 0))
            {
                TooLong(frame);
                return;
            }
            if (lf < 0) return;
            pos = end + 1;
            EndLine(stickyEnd: pos < n, terminated: true, incomplete: TakeStartLost());
        }
    }

    public override void OnGap(in StreamGap gap)
    {
        if (Stopped) return;
        if (InMessage) EndLine(stickyEnd: false, terminated: false, incomplete: true);
        _startLost = true;
    }

    public override void OnEnd(StreamEnd end, long offset, long frame)
    {
        if (Stopped) return;
        if (InMessage) EndLine(stickyEnd: false, terminated: false, incomplete: true);
        Stop();
    }

    private bool TakeStartLost()
    {
        bool lost = _startLost;
        _startLost = false;
        return lost;
    }

    /// <param name="terminated">The line ended at its LF (a CR before it is stripped), not at a gap or the stream's end.</param>
    private void EndLine(bool stickyEnd, bool terminated, bool incomplete)
    {
        long length = _endsWithCr && terminated ? PayloadLength - 1 : PayloadLength;
        _endsWithCr = false;
        Complete(MessageKind.Line, length, Kept[..(int)Math.Min(Kept.Length, length)], stickyEnd, incomplete);
    }

    private void TooLong(long frame) =>
        Fail($"line longer than --max-frame {Spec.MaxMessage} bytes", frame, notFramedCandidate: true);
}
