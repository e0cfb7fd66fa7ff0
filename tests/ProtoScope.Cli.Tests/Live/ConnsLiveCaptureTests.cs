using System.Text.Json;

namespace ProtoScope.Cli.Tests.Live;

/// <summary>
/// Connections made with Python's sockets between two network namespaces (and on loopback), recorded with tcpdump,
/// then classified by `conns` and drawn by `ladder`. What is expected follows from what the test made happen: who
/// closed first, whether SO_LINGER 0 aborted, whether anything listened. A simultaneous close is not provoked: the
/// kernel gives no way to make both FINs cross reliably; the state-machine table covers it.
/// </summary>
[Collection("live network")]
public class ConnsLiveCaptureTests
{
    public static TheoryData<string, bool> Scenarios()
    {
        var data = new TheoryData<string, bool>();
        foreach (var mode in new[] { "client-close", "server-close", "half-close", "rst", "refused", "unanswered" })
            foreach (var v6 in new[] { false, true })
                data.Add(mode, v6);
        return data;
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Namespace_pair_connection_is_classified_and_drawn(string mode, bool v6)
    {
        using var net = new NetnsPair();
        string server = net.Address(v6, mode == "unanswered" ? 3 : 2);
        string file = LiveCapture.Record(net.A, net.B, net.A, mode, server, 8080, "tcp");
        try { Check(mode, file, net.Address(v6, 1), server); }
        finally { File.Delete(file); }
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public void Loopback_connection_closed_by_the_client_is_classified_and_drawn(string host)
    {
        int port = FreePort(host);
        string file = LiveCapture.Record(null, null, "lo", "client-close", host, port, $"tcp port {port}");
        try { Check("client-close", file, host, host); }
        finally { File.Delete(file); }
    }

    /// <summary>
    /// A port nothing listens on, below Linux's ephemeral range (32768 up), so no concurrent test's client socket
    /// can be holding it either.
    /// </summary>
    private static int FreePort(string host)
    {
        var address = System.Net.IPAddress.Parse(host);
        while (true)
        {
            int port = 20000 + Random.Shared.Next(12000);
            var probe = new System.Net.Sockets.TcpListener(address, port);
            try
            {
                probe.Start();
                return port;
            }
            catch (System.Net.Sockets.SocketException)
            {
            }
            finally
            {
                probe.Stop();
            }
        }
    }

    private static void Check(string mode, string file, string client, string server)
    {
        var conns = CliRunner.Run("conns", file, "--format", "jsonl").JsonLines().Where(o => o.GetProperty("proto").GetString() == "tcp").ToList();
        var c = Assert.Single(conns);
        Assert.Equal((client, server), (c.GetProperty("orig_h").GetString(), c.GetProperty("resp_h").GetString()));
        string S(string name) => c.GetProperty(name).GetString()!;
        var ladder = CliRunner.Run("ladder", file, "--conn", "0");
        Assert.Equal(0, ladder.ExitCode);
        var roles = Roles(ladder.Stdout);
        var (left, right) = States(ladder.Stdout);

        switch (mode)
        {
            case "client-close":
                Assert.Equal(("three-way", "four-way", "SF"), (S("open"), S("close"), S("conn_state")));
                Assert.Equal(("TIME-WAIT", "CLOSED"), (S("orig_state"), S("resp_state")));
                // The picture of the issue: three handshake arrows, the data, four teardown arrows, and the states
                // of the closing side (left) and of the other (right) in this order.
                Assert.Equal(["handshake 1/3 (SYN)", "handshake 2/3 (SYN-ACK)", "handshake 3/3 (ACK)"], roles.Take(3));
                Assert.Contains("data", roles.Skip(3).TakeWhile(r => !r.StartsWith("teardown", StringComparison.Ordinal)));
                Assert.Equal(["teardown 1/4 (FIN)", "teardown 2/4 (ACK of FIN)", "teardown 3/4 (FIN)", "teardown 4/4 (ACK of FIN)"],
                    roles.Where(r => r.StartsWith("teardown", StringComparison.Ordinal)));
                Assert.Equal(["ESTABLISHED", "FIN-WAIT-1", "FIN-WAIT-2", "TIME-WAIT"], left.SkipWhile(s => s != "ESTABLISHED"));
                Assert.Equal(["CLOSE-WAIT", "LAST-ACK", "CLOSED"], right.SkipWhile(s => s != "CLOSE-WAIT"));
                break;
            case "server-close":
                Assert.Equal(("three-way", "four-way", "SF"), (S("open"), S("close"), S("conn_state")));
                Assert.Equal(("CLOSED", "TIME-WAIT"), (S("orig_state"), S("resp_state")));
                Assert.Equal(["FIN-WAIT-1", "FIN-WAIT-2", "TIME-WAIT"], right.SkipWhile(s => s != "FIN-WAIT-1"));
                Assert.Equal(["CLOSE-WAIT", "LAST-ACK", "CLOSED"], left.SkipWhile(s => s != "CLOSE-WAIT"));
                break;
            case "half-close":
                Assert.Equal(("three-way", "four-way", "SF"), (S("open"), S("close"), S("conn_state")));
                Assert.Equal(("TIME-WAIT", "CLOSED"), (S("orig_state"), S("resp_state")));
                // The server's data after the client's FIN: packets from it with a payload after the first FIN.
                var packets = CliRunner.Run("read", file, "--format", "jsonl").JsonLines().ToList();
                long finFrame = packets.First(p => Role(p) == "teardown 1/4 (FIN)").GetProperty("frame").GetInt64();
                Assert.True(packets.Count(p => p.GetProperty("frame").GetInt64() > finFrame && p.GetProperty("src").GetString() == server
                    && p.GetProperty("tcp").GetProperty("len").GetInt32() > 0) >= 3, "the server's three sends after the client's FIN");
                Assert.Equal(["CLOSE-WAIT", "LAST-ACK", "CLOSED"], right.SkipWhile(s => s != "CLOSE-WAIT"));
                break;
            case "rst":
                Assert.Equal(("three-way", "reset-by-orig", "RSTO"), (S("open"), S("close"), S("conn_state")));
                Assert.Equal(("CLOSED", "CLOSED"), (S("orig_state"), S("resp_state")));
                Assert.EndsWith("R", S("history"), StringComparison.Ordinal);
                Assert.Equal("reset", roles[^1]);
                break;
            case "refused":
                Assert.Equal(("refused", "reset-by-resp", "REJ"), (S("open"), S("close"), S("conn_state")));
                Assert.Equal(["handshake 1/3 (SYN)", "reset"], roles);
                break;
            case "unanswered":
                Assert.Equal(("unanswered", "open", "S0", "S"), (S("open"), S("close"), S("conn_state"), S("history")));
                Assert.Equal(("SYN-SENT", "LISTEN"), (S("orig_state"), S("resp_state")));
                Assert.Equal(0, c.GetProperty("resp_pkts").GetInt32());
                Assert.True(c.GetProperty("orig_pkts").GetInt32() >= 2, "the kernel resent the SYN");
                Assert.Equal("handshake 1/3 (SYN)", roles[0]);
                Assert.All(roles.Skip(1), r => Assert.Equal("retransmission", r));
                break;
        }
    }

    private static string? Role(JsonElement p) =>
        p.TryGetProperty("tcp", out var t) && t.TryGetProperty("role", out var r) ? r.GetString() : null;

    /// <summary>The role labels of the ladder, in order (the text between the lifelines on the frame lines).</summary>
    private static List<string> Roles(string ladder) =>
        ladder.Split('\n').Where(l => l.Contains('|') && l.Split('|')[0].Trim().All(char.IsAsciiDigit) && l.Split('|')[0].Trim().Length > 0)
            .Select(l => l.Split('|')[1].Trim()).ToList();

    /// <summary>The states written beside the originator's (left) and the responder's (right) lifelines, in order.</summary>
    private static (List<string> Left, List<string> Right) States(string ladder)
    {
        var left = new List<string>();
        var right = new List<string>();
        foreach (var line in ladder.Split('\n').Where(l => l.Contains('|')))
        {
            var parts = line.Split('|');
            string l = parts[0].Trim(), r = parts[^1].Trim();
            if (l.Length > 0 && !l.All(char.IsAsciiDigit)) left.Add(l.Replace("frame", "", StringComparison.Ordinal).Trim());
            if (r.Length > 0) right.Add(r);
        }
        return (left, right);
    }
}
