namespace ProtoScope.Cli.Tests;

public class EchoCommandTests
{
    private static int ListeningPort(ProtoScopeProcess server)
    {
        var line = server.WaitForLine(l => l.StartsWith("listening on", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        var endpoint = line.Split(' ')[2 + (line.StartsWith("listening on udp", StringComparison.Ordinal) ? 1 : 0)];
        return System.Net.IPEndPoint.Parse(endpoint).Port;
    }

    [Fact]
    public void Tcp_client_gets_its_echoes_and_the_server_prints_a_summary_on_ctrl_c()
    {
        using var server = new ProtoScopeProcess("echo", "tcp-server", "--port", "0");
        int port = ListeningPort(server);

        var client = CliRunner.Run("echo", "tcp-client", "--to", $"127.0.0.1:{port}", "--count", "20", "--size", "0-70000", "--sticky");
        Assert.Equal(0, client.ExitCode);
        Assert.Contains("20 echoes ok, 0 mismatched", client.Stdout);

        var text = CliRunner.Run("echo", "tcp-client", "--to", $"127.0.0.1:{port}", "--message", "你好, world", "--half-close");
        Assert.Equal(0, text.ExitCode);

        server.Signal("INT");
        Assert.Equal(0, server.WaitForExit(TimeSpan.FromSeconds(20)));
        Assert.Contains(server.Stdout, l => l.Contains("2 connections", StringComparison.Ordinal) && l.Contains("21 frames", StringComparison.Ordinal));
        Assert.Empty(server.Stderr);
    }

    [Fact]
    public void Udp_client_counts_lost_replies_when_nobody_answers()
    {
        using var server = new ProtoScopeProcess("echo", "udp-server", "--port", "0");
        int port = ListeningPort(server);
        var ok = CliRunner.Run("echo", "udp-client", "--to", $"127.0.0.1:{port}", "--count", "5", "--size", "1-1000");
        Assert.Equal(0, ok.ExitCode);
        server.Signal("TERM");
        server.WaitForExit(TimeSpan.FromSeconds(20));

        var lost = CliRunner.Run("echo", "udp-client", "--to", $"127.0.0.1:{port}", "--count", "3", "--timeout", "0.2");
        Assert.Equal(1, lost.ExitCode);
        Assert.Contains("3 lost", lost.Stdout);
    }

    [Theory]
    [InlineData("tcp-client", "--to", "nowhere")]
    [InlineData("tcp-client", "--size", "9-1")]
    [InlineData("tcp-client", "--framing", "u24le")]
    [InlineData("tcp-server", "--bind", "not-an-address")]
    public void Bad_options_are_one_line_errors(params string[] args)
    {
        var r = CliRunner.Run(["echo", .. args]);
        Assert.Equal(2, r.ExitCode);
        Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
