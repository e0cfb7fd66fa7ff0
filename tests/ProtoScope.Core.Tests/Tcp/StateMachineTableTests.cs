using ProtoScope.Core.Tcp;

namespace ProtoScope.Core.Tests.Tcp;

/// <summary>
/// The connection tracker as a table: each scenario is a list of segments with the role and the RFC 9293 states of
/// sender and receiver expected after each, then Zeek's history and conn_state and the open/close kinds. The
/// Zeek-derived rows are the captures of Zeek's conn_state-RST-behavior test (expected "R, OTH", "SR, RSTOS0",
/// "SaR, RSTOS0", "SaFR, OTH") and the shapes of dns_tcp.pcap (tcpdump's test: ShADadFf, SF).
/// </summary>
public class StateMachineTableTests
{
    public sealed record Step(Segment Segment, string Role, string Sender, string Receiver)
    {
        public override string ToString() => $"{Segment.From} [{Segment.Flags}] {Segment.Seq}/{Segment.Ack}+{Segment.Length}";
    }

    public sealed record Scenario(string Name, Step[] Steps, string History, string ConnState, string Open, string Close)
    {
        public override string ToString() => Name;
    }

    private const uint C = SegmentScript.ClientIsn, S = SegmentScript.ServerIsn;

    private static Step St(char from, string flags, uint seq, uint ack, int len, string role, string sender, string receiver, ushort win = 1000) =>
        new(new Segment(from, flags, seq, ack, len, win), role, sender, receiver);

    private static readonly Scenario[] All =
    [
        new("four-way close started by the client (dns_tcp.pcap's shape)",
        [
            St('C', "S", C, 0, 0, "handshake 1/3 (SYN)", "SYN-SENT", "LISTEN"),
            St('S', "S.", S, C + 1, 0, "handshake 2/3 (SYN-ACK)", "SYN-RECEIVED", "ESTABLISHED"),
            St('C', ".", C + 1, S + 1, 0, "handshake 3/3 (ACK)", "ESTABLISHED", "ESTABLISHED"),
            St('C', "P.", C + 1, S + 1, 10, "data", "ESTABLISHED", "ESTABLISHED"),
            St('S', ".", S + 1, C + 11, 0, "ack", "ESTABLISHED", "ESTABLISHED"),
            St('S', "P.", S + 1, C + 11, 20, "data", "ESTABLISHED", "ESTABLISHED"),
            St('C', ".", C + 11, S + 21, 0, "ack", "ESTABLISHED", "ESTABLISHED"),
            St('C', "F.", C + 11, S + 21, 0, "teardown 1/4 (FIN)", "FIN-WAIT-1", "CLOSE-WAIT"),
            St('S', ".", S + 21, C + 12, 0, "teardown 2/4 (ACK of FIN)", "CLOSE-WAIT", "FIN-WAIT-2"),
            St('S', "FP.", S + 21, C + 12, 0, "teardown 3/4 (FIN)", "LAST-ACK", "TIME-WAIT"),
            St('C', ".", C + 12, S + 22, 0, "teardown 4/4 (ACK of FIN)", "TIME-WAIT", "CLOSED"),
        ], "ShADadFf", "SF", "three-way", "four-way"),

        new("three-way close: the server's FIN acknowledges the client's",
        [
            St('C', "S", C, 0, 0, "handshake 1/3 (SYN)", "SYN-SENT", "LISTEN"),
            St('S', "S.", S, C + 1, 0, "handshake 2/3 (SYN-ACK)", "SYN-RECEIVED", "ESTABLISHED"),
            St('C', ".", C + 1, S + 1, 0, "handshake 3/3 (ACK)", "ESTABLISHED", "ESTABLISHED"),
            St('C', "F.", C + 1, S + 1, 0, "teardown 1/4 (FIN)", "FIN-WAIT-1", "CLOSE-WAIT"),
            St('S', "F.", S + 1, C + 2, 0, "teardown 3/4 (FIN)", "LAST-ACK", "TIME-WAIT"),
            St('C', ".", C + 2, S + 2, 0, "teardown 4/4 (ACK of FIN)", "TIME-WAIT", "CLOSED"),
        ], "ShAFf", "SF", "three-way", "three-way"),

        new("simultaneous close: the FINs cross (RFC 9293 figure 13)",
        [
            St('C', "S", C, 0, 0, "handshake 1/3 (SYN)", "SYN-SENT", "LISTEN"),
            St('S', "S.", S, C + 1, 0, "handshake 2/3 (SYN-ACK)", "SYN-RECEIVED", "ESTABLISHED"),
            St('C', ".", C + 1, S + 1, 0, "handshake 3/3 (ACK)", "ESTABLISHED", "ESTABLISHED"),
            St('C', "F.", C + 1, S + 1, 0, "teardown 1/4 (FIN)", "FIN-WAIT-1", "CLOSE-WAIT"),
            St('S', "F.", S + 1, C + 1, 0, "teardown 3/4 (FIN)", "CLOSING", "CLOSING"),
            St('C', ".", C + 2, S + 2, 0, "teardown 4/4 (ACK of FIN)", "CLOSING", "TIME-WAIT"),
            St('S', ".", S + 2, C + 2, 0, "teardown 2/4 (ACK of FIN)", "TIME-WAIT", "TIME-WAIT"),
        ], "ShAFfa", "SF", "three-way", "simultaneous"),

        new("half-close: the server keeps sending after the client's FIN",
        [
            St('C', "S", C, 0, 0, "handshake 1/3 (SYN)", "SYN-SENT", "LISTEN"),
            St('S', "S.", S, C + 1, 0, "handshake 2/3 (SYN-ACK)", "SYN-RECEIVED", "ESTABLISHED"),
            St('C', ".", C + 1, S + 1, 0, "handshake 3/3 (ACK)", "ESTABLISHED", "ESTABLISHED"),
            St('C', "F.", C + 1, S + 1, 0, "teardown 1/4 (FIN)", "FIN-WAIT-1", "CLOSE-WAIT"),
            St('S', "P.", S + 1, C + 2, 100, "teardown 2/4 (ACK of FIN)", "CLOSE-WAIT", "FIN-WAIT-2"),
            St('C', ".", C + 2, S + 101, 0, "ack", "FIN-WAIT-2", "CLOSE-WAIT"),
            St('S', "P.", S + 101, C + 2, 100, "data", "CLOSE-WAIT", "FIN-WAIT-2"),
        ], "ShAFd", "S2", "three-way", "half-closed"), // no "a": the server never sent a bare ACK, and the client's A came with the handshake; S2: the server has not closed

        new("refused: SYN answered by RST",
        [
            St('C', "S", C, 0, 0, "handshake 1/3 (SYN)", "SYN-SENT", "LISTEN"),
            St('S', "R.", 0, C + 1, 0, "reset", "CLOSED", "CLOSED"),
        ], "Sr", "REJ", "refused", "reset-by-resp"),

        new("Zeek single-rst.pcap: a lone RST",
        [
            St('C', "R", C, 0, 0, "reset", "CLOSED", "CLOSED"),
        ], "R", "OTH", "midstream", "reset-by-orig"),

        new("Zeek syn-then-rst.pcap: SYN, then RST from the same side",
        [
            St('C', "S", C, 0, 0, "handshake 1/3 (SYN)", "SYN-SENT", "LISTEN"),
            St('C', "R", C + 1, 0, 0, "reset", "CLOSED", "CLOSED"),
        ], "SR", "RSTOS0", "unanswered", "reset-by-orig"),

        new("Zeek syn-then-ack-then-rst.pcap: SYN answered by a bare ACK, then RST",
        [
            St('C', "S", C, 0, 0, "handshake 1/3 (SYN)", "SYN-SENT", "LISTEN"),
            St('S', ".", S, C + 1, 0, "ack", "LISTEN", "ESTABLISHED"),
            St('C', "R", C + 1, 0, 0, "reset", "CLOSED", "CLOSED"),
        ], "SaR", "RSTOS0", "unanswered", "reset-by-orig"),

        new("unanswered SYN, retransmitted with the same ISN",
        [
            St('C', "S", C, 0, 0, "handshake 1/3 (SYN)", "SYN-SENT", "LISTEN"),
            St('C', "S", C, 0, 0, "retransmission", "SYN-SENT", "LISTEN"),
            St('C', "S", C, 0, 0, "retransmission", "SYN-SENT", "LISTEN"),
        ], "S", "S0", "unanswered", "open"),

        new("SYN-ACK retransmitted, data on the SYN (TCP Fast Open), FIN with data, RST with data",
        [
            St('C', "S", C, 0, 5, "handshake 1/3 (SYN)", "SYN-SENT", "LISTEN"),
            St('S', "S.", S, C + 6, 0, "handshake 2/3 (SYN-ACK)", "SYN-RECEIVED", "ESTABLISHED"),
            St('S', "S.", S, C + 6, 0, "retransmission", "SYN-RECEIVED", "ESTABLISHED"),
            St('C', ".", C + 6, S + 1, 0, "handshake 3/3 (ACK)", "ESTABLISHED", "ESTABLISHED"),
            St('C', "FP.", C + 6, S + 1, 7, "teardown 1/4 (FIN)", "FIN-WAIT-1", "CLOSE-WAIT"),
            St('S', "R.", S + 1, C + 14, 9, "reset", "CLOSED", "CLOSED"),
        ], "SThAFrt", "RSTR", "three-way", "reset-by-resp"),
        // Zeek counts data on a SYN, and data on a RST, as retransmissions (T, t): neither advances last_seq.

        new("capture starts mid-connection; data retransmitted, keep-alive, zero window, window update",
        [
            St('C', "P.", C, S, 10, "data", "ESTABLISHED", "ESTABLISHED"),
            St('S', ".", S, C + 10, 0, "ack", "ESTABLISHED", "ESTABLISHED"),
            St('C', "P.", C, S, 10, "retransmission", "ESTABLISHED", "ESTABLISHED"),
            St('C', ".", C + 9, S, 0, "keep-alive", "ESTABLISHED", "ESTABLISHED"),
            St('S', ".", S, C + 10, 0, "zero window", "ESTABLISHED", "ESTABLISHED", win: 0),
            St('S', ".", S, C + 10, 0, "window update", "ESTABLISHED", "ESTABLISHED", win: 500),
        ], "DaTAw", "OTH", "midstream", "open"), // W is lower case: the server advertised the zero window

        new("sequence numbers wrap around during the transfer",
        [
            St('C', "S", 0xFFFF_FFF0, 0, 0, "handshake 1/3 (SYN)", "SYN-SENT", "LISTEN"),
            St('S', "S.", S, 0xFFFF_FFF1, 0, "handshake 2/3 (SYN-ACK)", "SYN-RECEIVED", "ESTABLISHED"),
            St('C', ".", 0xFFFF_FFF1, S + 1, 0, "handshake 3/3 (ACK)", "ESTABLISHED", "ESTABLISHED"),
            St('C', "P.", 0xFFFF_FFF1, S + 1, 32, "data", "ESTABLISHED", "ESTABLISHED"),
            St('C', "P.", 0x0000_0011, S + 1, 32, "data", "ESTABLISHED", "ESTABLISHED"),
            St('S', ".", S + 1, 0x0000_0031, 0, "ack", "ESTABLISHED", "ESTABLISHED"),
            St('C', "F.", 0x0000_0031, S + 1, 0, "teardown 1/4 (FIN)", "FIN-WAIT-1", "CLOSE-WAIT"),
            St('S', "F.", S + 1, 0x0000_0032, 0, "teardown 3/4 (FIN)", "LAST-ACK", "TIME-WAIT"),
            St('C', ".", 0x0000_0032, S + 2, 0, "teardown 4/4 (ACK of FIN)", "TIME-WAIT", "CLOSED"),
        ], "ShADaFf", "SF", "three-way", "three-way"),
    ];

    public static TheoryData<Scenario> Scenarios() => new(All.AsEnumerable());

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Each_step_has_the_expected_role_and_states(Scenario scenario)
    {
        var seen = new List<string>();
        var expected = scenario.Steps.Select(s => $"{s}: {s.Role} | {s.Sender} | {s.Receiver}").ToList();
        var session = SegmentScript.Run(scenario.Steps.Select(s => s.Segment), (i, session) =>
        {
            var a = session.CurrentAnalysis;
            seen.Add($"{scenario.Steps[i]}: {a.Role.Label()} | {a.SenderState.Name()} | {a.ReceiverState.Name()}");
        });
        Assert.Equal(expected, seen);

        var conn = Assert.Single(session.Conversations.Tcp);
        Assert.Equal(
            (scenario.History, scenario.ConnState, scenario.Open, scenario.Close),
            (conn.History.ToString(), conn.ConnState, conn.Open.Name(), conn.Close.Name()));
    }

    [Fact]
    public void Wrapped_transfer_counts_its_bytes_like_zeek()
    {
        // 64 data bytes across the 2^32 boundary: Zeek's size counts sequence space, with the wrap tracked.
        var steps = All.Single(s => s.Name.StartsWith("sequence numbers wrap", StringComparison.Ordinal)).Steps;
        var conn = SegmentScript.Run(steps.Select(s => s.Segment)).Conversations.Tcp[0];
        Assert.Equal((64L, 0L), (conn.OrigBytes, conn.RespBytes));
    }

    [Fact]
    public void A_syn_ack_seen_first_makes_its_receiver_the_originator_as_zeek_does()
    {
        // Zeek flips a connection that starts with a SYN-ACK once an ACK or data follows, and writes "^h".
        var session = SegmentScript.Run(
        [
            new Segment('S', "S.", S, C + 1),
            new Segment('C', ".", C + 1, S + 1),
            new Segment('C', "P.", C + 1, S + 1, 10),
        ]);
        var conn = session.Conversations.Tcp[0];
        Assert.Equal(SegmentScript.ClientPort, conn.OrigPort);
        Assert.Equal("^hAD", conn.History.ToString());
        Assert.Equal((2L, 1L), (conn.Orig.Packets, conn.Resp.Packets));
    }
}
