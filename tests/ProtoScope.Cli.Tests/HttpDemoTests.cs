namespace ProtoScope.Cli.Tests;

/// <summary>
/// The <c>http</c> demo run for real with capture on loopback: its capture, read by tshark's HTTP dissector, has the
/// requests and responses the scenario makes, and `frames --framing http` agrees with tshark message by message.
/// </summary>
public sealed class HttpDemoTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("protoscope-http-demo-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void The_http_demo_capture_agrees_with_tshark_message_by_message()
    {
        string path = Path.Combine(_dir, "http.pcap");
        var r = CliRunner.Run("demo", "http", "--no-ui", "-w", path, "--port", "19150");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Empty(Tshark.Run(["-n", "-r", path]).Stderr.Trim());

        var theirs = FramesHttpAndLinesMatchTsharkTests.TsharkHttp(path, []);
        // What the scenario does (HttpScenario): GET /hello, GET /chunked, POST /form, each answered 200, one
        // connection; the second answer chunked, the others with a Content-Length.
        Assert.Equal(["GET", "200", "GET", "200", "POST", "200"], theirs.Select(m => m.StartLine));
        Assert.All(theirs, m => Assert.Equal(0, m.Stream));
        Assert.Equal([false, false, false, true, false, false], theirs.Select(m => m.Chunked));
        Assert.Equal(theirs, FramesHttpAndLinesMatchTsharkTests.OurHttp(path));
    }
}
