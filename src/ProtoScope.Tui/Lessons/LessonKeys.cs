using ProtoScope.Core.Decoding;
using ProtoScope.Core.Tcp;

namespace ProtoScope.Tui.Lessons;

/// <summary>Which side of a segment an endpoint is: the one that sent it or the one it was sent to.</summary>
public enum LessonSide { Sent, Received }

/// <summary>One state change of one endpoint, caused by a segment it sent or received.</summary>
public readonly record struct StateMove(LessonSide Side, TcpState From, TcpState To);

/// <summary>
/// Every key a lesson file must have: a text per TCP flag, <see cref="PacketRole"/>, <see cref="TcpState"/>, state
/// change the tracker makes (<see cref="Moves"/>), analysis flag (<see cref="TcpAnalysisNames.All"/>, by tshark's
/// name), sequence-number rule, topic, and the pane's own words.
/// </summary>
public static class LessonKeys
{
    public static readonly IReadOnlyList<(TcpFlags Flag, string Name)> Flags =
    [
        (TcpFlags.Syn, "SYN"), (TcpFlags.Ack, "ACK"), (TcpFlags.Fin, "FIN"), (TcpFlags.Rst, "RST"),
        (TcpFlags.Psh, "PSH"), (TcpFlags.Urg, "URG"), (TcpFlags.Ece, "ECE"), (TcpFlags.Cwr, "CWR"), (TcpFlags.AE, "AE"),
    ];

    /// <summary>
    /// The state changes <c>TcpEndpoint.Track</c> makes (RFC 9293 §3.3.2's diagram, plus the tracker's own: a
    /// responder shown in LISTEN once a SYN is sent to it, a capture that starts mid-connection, and the SYN-ACK seen
    /// without its SYN). A reset moves either side to CLOSED from any state: that is <see cref="ResetKey"/>, not a
    /// move. A test replays the corpus and checks that every change it sees is listed here.
    /// </summary>
    public static readonly IReadOnlyList<StateMove> Moves =
    [
        new(LessonSide.Sent, TcpState.Closed, TcpState.SynSent),
        new(LessonSide.Sent, TcpState.Listen, TcpState.SynSent),
        new(LessonSide.Sent, TcpState.Closed, TcpState.SynReceived),
        new(LessonSide.Sent, TcpState.Listen, TcpState.SynReceived),
        new(LessonSide.Sent, TcpState.SynSent, TcpState.SynReceived),
        new(LessonSide.Sent, TcpState.SynSent, TcpState.Established),
        new(LessonSide.Sent, TcpState.Closed, TcpState.Established),
        new(LessonSide.Sent, TcpState.Established, TcpState.FinWait1),
        new(LessonSide.Sent, TcpState.SynReceived, TcpState.FinWait1),
        new(LessonSide.Sent, TcpState.SynSent, TcpState.FinWait1),
        new(LessonSide.Sent, TcpState.CloseWait, TcpState.LastAck),
        new(LessonSide.Sent, TcpState.CloseWait, TcpState.Closing),
        new(LessonSide.Received, TcpState.Closed, TcpState.Listen),
        new(LessonSide.Received, TcpState.Closed, TcpState.Established),
        new(LessonSide.Received, TcpState.SynSent, TcpState.SynReceived),
        new(LessonSide.Received, TcpState.Closed, TcpState.SynSent),
        new(LessonSide.Received, TcpState.Listen, TcpState.SynSent),
        new(LessonSide.Received, TcpState.SynSent, TcpState.Established),
        new(LessonSide.Received, TcpState.SynReceived, TcpState.Established),
        new(LessonSide.Received, TcpState.FinWait1, TcpState.FinWait2),
        new(LessonSide.Received, TcpState.FinWait1, TcpState.Closing),
        new(LessonSide.Received, TcpState.FinWait1, TcpState.TimeWait),
        new(LessonSide.Received, TcpState.FinWait2, TcpState.TimeWait),
        new(LessonSide.Received, TcpState.Closing, TcpState.TimeWait),
        new(LessonSide.Received, TcpState.LastAck, TcpState.Closed),
        new(LessonSide.Received, TcpState.Established, TcpState.CloseWait),
        new(LessonSide.Received, TcpState.SynReceived, TcpState.CloseWait),
        new(LessonSide.Received, TcpState.SynSent, TcpState.CloseWait),
        new(LessonSide.Received, TcpState.Listen, TcpState.CloseWait),
    ];

    public static string Flag(string name) => $"flag.{name}";
    public static string Role(PacketRole role) => $"role.{role}";
    public static string State(TcpState state) => $"state.{state}";
    public static string Move(StateMove m) => $"move.{m.Side.ToString().ToLowerInvariant()}.{m.From}.{m.To}";
    public static string Analysis(in TcpAnalysisFlagInfo info) => $"analysis.{info.Name}";

    /// <summary>A reset closes whoever sent or received it, from any state.</summary>
    public static string ResetKey(LessonSide side) => $"move.{side.ToString().ToLowerInvariant()}.reset";

    /// <summary>Rules for the sequence and acknowledgment numbers, and the topics some packets add.</summary>
    public static readonly IReadOnlyList<string> Topics =
    [
        "seq.syn", "seq.fin", "seq.data", "seq.empty", "seq.ack", "seq.noack",
        "data.stream", "msg.whole", "msg.start", "msg.middle", "msg.end", "msg.sticky", "msg.none", "topic.refused", "topic.half-close", "topic.time-wait", "topic.udp", "topic.other",
    ];

    /// <summary>The pane's own words.</summary>
    public static readonly IReadOnlyList<string> Words =
    [
        "ui.title", "ui.none", "ui.flags", "ui.sender", "ui.receiver", "ui.stays", "ui.numbers", "ui.analysis",
        "ui.toward-resp", "ui.toward-orig", "ui.keys",
    ];

    /// <summary>Every key, for the test that checks each language has them all.</summary>
    public static IEnumerable<string> All()
    {
        foreach (var (_, name) in Flags) yield return Flag(name);
        foreach (var role in Enum.GetValues<PacketRole>()) yield return Role(role);
        foreach (var state in Enum.GetValues<TcpState>()) yield return State(state);
        foreach (var move in Moves) yield return Move(move);
        yield return ResetKey(LessonSide.Sent);
        yield return ResetKey(LessonSide.Received);
        foreach (var info in TcpAnalysisNames.All) yield return Analysis(info);
        foreach (var topic in Topics) yield return topic;
        foreach (var word in Words) yield return word;
    }
}
