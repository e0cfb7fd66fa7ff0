using System.Globalization;
using ProtoScope.Core.Decoding;
using ProtoScope.Core.Formatting;
using ProtoScope.Core.Framing;
using ProtoScope.Core.Session;
using ProtoScope.Core.Tcp;

namespace ProtoScope.Tui.Lessons;

/// <summary>
/// The lesson of one packet, as paragraphs: what it is, what its flags mean, why its step exists, each side's TCP
/// state before and after it and what moved it, what its sequence and acknowledgment numbers say, and for data how
/// the bytes become messages. Everything is read from the one pass's results in the packet table (role, states,
/// relative numbers); nothing is worked out again here but the states before the packet, which are the states
/// after the conversation's previous packet.
/// </summary>
public static class LessonText
{
    /// <param name="messages">
    /// The length-prefixed messages of the packet's conversation (<see cref="LessonMessages"/>), to say which of them
    /// a data packet carries; null while they are not known yet.
    /// </param>
    public static List<string> Of(PacketTable table, ConversationTable conversations, int row, LessonBook book, IReadOnlyList<FramedMessage>? messages = null)
    {
        var r = table[row];
        var conversation = conversations.Of(r);
        if (conversation is null) return [Heading(r, null, book), book["topic.other"]];
        if (r.Transport == Transport.Udp) return [Heading(r, conversation, book), book["topic.udp"]];
        return Tcp(table, conversation, r, book, messages);
    }

    private static List<string> Tcp(PacketTable table, Conversation conversation, in PacketRow r, LessonBook book, IReadOnlyList<FramedMessage>? messages)
    {
        var paragraphs = new List<string> { Heading(r, conversation, book) };
        var (senderBefore, receiverBefore) = StatesBefore(table, conversation, r.Index);
        var senderAfter = table.SenderState(r.Index);
        var receiverAfter = table.ReceiverState(r.Index);

        var set = r.Flags;
        var flags = LessonKeys.Flags.Where(f => (set & f.Flag) != 0).Select(f => book[LessonKeys.Flag(f.Name)]);
        paragraphs.Add($"{book["ui.flags"]} [{TcpFlagNotation.Tcpdump(r.Flags)}]: {string.Join(" ", flags)}");

        string role = book[LessonKeys.Role(r.Role)];
        bool refused = r.Role == PacketRole.Reset && receiverBefore == TcpState.SynSent && senderBefore is TcpState.Listen or TcpState.Closed;
        if (refused) role += " " + book["topic.refused"];
        if (r.PayloadLength > 0 && (senderBefore == TcpState.CloseWait || receiverBefore == TcpState.FinWait2))
            role += " " + book["topic.half-close"];
        paragraphs.Add(role);

        bool reset = (r.Flags & TcpFlags.Rst) != 0;
        paragraphs.Add(StateLine(book["ui.sender"], Endpoint(r, source: true), LessonSide.Sent, senderBefore, senderAfter, reset, book));
        paragraphs.Add(StateLine(book["ui.receiver"], Endpoint(r, source: false), LessonSide.Received, receiverBefore, receiverAfter, reset, book));
        if (senderAfter == TcpState.TimeWait && senderBefore != TcpState.TimeWait || receiverAfter == TcpState.TimeWait && receiverBefore != TcpState.TimeWait)
            paragraphs.Add(book["topic.time-wait"]);

        paragraphs.Add(Numbers(r, book));
        if (r.PayloadLength > 0)
        {
            paragraphs.Add(Fill(book["data.stream"], r));
            if (messages is not null) paragraphs.Add(Carried(r, messages, book));
        }

        var analysis = TcpAnalysisNames.Fields(r.Analysis);
        if (analysis != TcpAnalysisFlags.None)
        {
            var texts = TcpAnalysisNames.All.Where(a => (analysis & a.Flag) != 0).Select(a => $"{a.Text}: {book[LessonKeys.Analysis(a)]}");
            paragraphs.Add($"{book["ui.analysis"]} {string.Join(" ", texts)}");
        }
        return paragraphs;
    }

    /// <summary>Which messages the data of <paramref name="r"/> belongs to: whole, or a piece of a split one; sticky when several.</summary>
    private static string Carried(in PacketRow r, IReadOnlyList<FramedMessage> messages, LessonBook book)
    {
        const int Listed = 4;
        var parts = new List<string>();
        int count = 0;
        foreach (var m in messages)
        {
            if (m.Direction != r.Direction || m.FirstFrame > r.Frame || m.LastFrame < r.Frame) continue;
            if (++count > Listed) continue;
            string key = m.FirstFrame == r.Frame ? m.LastFrame == r.Frame ? "msg.whole" : "msg.start" : m.LastFrame == r.Frame ? "msg.end" : "msg.middle";
            parts.Add(book[key].Replace("{index}", (m.Index + 1).ToString(CultureInfo.InvariantCulture))
                .Replace("{length}", m.Length.ToString(CultureInfo.InvariantCulture))
                .Replace("{first}", m.FirstFrame.ToString(CultureInfo.InvariantCulture))
                .Replace("{last}", m.LastFrame.ToString(CultureInfo.InvariantCulture)));
        }
        if (count == 0) return book["msg.none"];
        if (count > Listed) parts.Add($"(+{count - Listed})");
        if (count > 1) parts.Insert(0, book["msg.sticky"].Replace("{count}", count.ToString(CultureInfo.InvariantCulture)));
        return string.Join(" ", parts);
    }

    /// <summary>"#2 handshake 2/3 (SYN-ACK): 127.0.0.1:9000 → 127.0.0.1:51234, toward the originator".</summary>
    private static string Heading(in PacketRow r, Conversation? c, LessonBook book)
    {
        string what = r.Role != PacketRole.None ? r.Role.Label() : r.Transport == Transport.Udp ? "UDP" : Packets.PacketText.Protocol(r);
        string heading = $"#{r.Frame} {what}: {Endpoint(r, source: true)} → {Endpoint(r, source: false)}";
        if (c is not null) heading += ", " + book[r.Direction == Direction.Orig ? "ui.toward-resp" : "ui.toward-orig"];
        return heading;
    }

    private static string StateLine(string who, string endpoint, LessonSide side, TcpState before, TcpState after, bool reset, LessonBook book)
    {
        if (before == after) return $"{who} {endpoint}: {after.Name()} {book["ui.stays"]}";
        string why = reset && after == TcpState.Closed ? book[LessonKeys.ResetKey(side)]
            : book.Find(LessonKeys.Move(new StateMove(side, before, after))) ?? "";
        return $"{who} {endpoint}: {before.Name()} → {after.Name()}. {why} {book[LessonKeys.State(after)]}".TrimEnd();
    }

    private static string Numbers(in PacketRow r, LessonBook book)
    {
        bool syn = (r.Flags & TcpFlags.Syn) != 0, fin = (r.Flags & TcpFlags.Fin) != 0;
        var parts = new List<string>();
        if (syn) parts.Add(book["seq.syn"]);
        if (r.PayloadLength > 0) parts.Add(book["seq.data"]);
        if (fin) parts.Add(book["seq.fin"]);
        if (!syn && !fin && r.PayloadLength == 0) parts.Add(book["seq.empty"]);
        parts.Add(book[(r.Flags & TcpFlags.Ack) != 0 ? "seq.ack" : "seq.noack"]);
        return Fill($"{book["ui.numbers"]} seq={{seq}} ack={{ack}} len={{len}}: {string.Join(" ", parts)}", r);
    }

    /// <summary>Puts the packet's numbers into a text's <c>{seq}</c>, <c>{ack}</c>, <c>{len}</c> and <c>{next}</c>.</summary>
    private static string Fill(string text, in PacketRow r)
    {
        // SYN and FIN each take one sequence number (RFC 9293 §3.4), as a byte of data does.
        uint next = unchecked(r.RelativeSeq + (uint)r.PayloadLength + ((r.Flags & TcpFlags.Syn) != 0 ? 1u : 0) + ((r.Flags & TcpFlags.Fin) != 0 ? 1u : 0));
        return text.Replace("{seq}", r.RelativeSeq.ToString(CultureInfo.InvariantCulture))
            .Replace("{ack}", (r.Flags & TcpFlags.Ack) != 0 ? r.RelativeAck.ToString(CultureInfo.InvariantCulture) : "-")
            .Replace("{len}", r.PayloadLength.ToString(CultureInfo.InvariantCulture))
            .Replace("{next}", next.ToString(CultureInfo.InvariantCulture));
    }

    private static string Endpoint(in PacketRow r, bool source) =>
        source ? EndpointText.Of(r.Src, r.SrcPort) : EndpointText.Of(r.Dst, r.DstPort);

    /// <summary>
    /// The sender's and the receiver's states before row <paramref name="row"/>: those after the conversation's
    /// previous packet, swapped when that one went the other way; both CLOSED before its first packet.
    /// </summary>
    public static (TcpState Sender, TcpState Receiver) StatesBefore(PacketTable table, Conversation c, int row)
    {
        var chunk = table.ChunkOf(row, out int i);
        var flow = table.FlowOf(chunk.Flow[i]);
        for (int previous = row - 1; previous >= c.FirstFrame - 1; previous--)
        {
            var p = table.ChunkOf(previous, out int j);
            var before = table.FlowOf(p.Flow[j]);
            if (before.Conversation != c.Id || (Transport)p.Transport[j] != Transport.Tcp) continue;
            bool same = before.Src == flow.Src && before.SrcPort == flow.SrcPort;
            var (sent, received) = (table.SenderState(previous), table.ReceiverState(previous));
            return same ? (sent, received) : (received, sent);
        }
        return (TcpState.Closed, TcpState.Closed);
    }
}
