using System.Text;
using System.Text.Json;
using ProtoScope.Cli;
using ProtoScope.Core.Framing;
using ProtoScope.Tui.Streams;
using Xunit;

namespace ProtoScope.Tui.Tests;

/// <summary>The Frames view's other framings (m): lines and HTTP, against what `protoscope frames` says of the same capture.</summary>
public class FramesViewFramingTests
{
    private static List<JsonElement> Cli(params string[] args)
    {
        using var stdout = new MemoryStream();
        int code = ProtoScopeCli.Run(args, stdout, new StringWriter());
        Assert.Equal(0, code);
        return Encoding.UTF8.GetString(stdout.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement).ToList();
    }

    [Fact]
    public void m_steps_to_lines_then_http_and_each_message_shows_its_kind_and_head()
    {
        string path = Path.Combine(Repo.Captures, "http.pcap");
        using var screen = Screen.OpenPath(path);
        screen.Type("f");
        var view = Assert.IsType<FramesView>(screen.Window.Current);
        Assert.Equal(FramingSpec.Default, view.Framing);

        screen.Type("m");
        Assert.Equal(FramingSpec.Line, view.Framing);
        var lines = Cli("frames", path, "--framing", "line", "--format", "jsonl").Where(j => j.GetProperty("kind").GetString() == "line").ToList();
        Assert.Equal(lines.Count, view.Lines.Lines.Count(l => l.Text.Contains(" line ")));

        screen.Type("m");
        Assert.Equal(FramingSpec.Http, view.Framing);
        var http = Cli("frames", path, "--framing", "http", "--format", "jsonl");
        var rows = view.Lines.Lines.Where(l => l.Text.Contains(" request ") || l.Text.Contains(" response ")).ToList();
        Assert.Equal(http.Count, rows.Count);
        foreach (var (m, row) in http.Zip(rows))
        {
            Assert.Contains($" {m.GetProperty("kind").GetString()} ", row.Text);
            Assert.Equal(m.GetProperty("first_frame").GetInt64(), row.Frame);
            string start = m.TryGetProperty("method", out var method)
                ? $"{method.GetString()} {m.GetProperty("uri").GetString()} HTTP/1.1"
                : $"HTTP/1.1 {m.GetProperty("status").GetInt32()}";
            Assert.Contains(start, row.Text);
            if (m.GetProperty("chunked").GetBoolean()) Assert.Contains("chunked", row.Text);
        }
        Assert.Contains("Frames (http)", view.Lines.Table.Title);

        screen.Type("m");
        Assert.Equal(FramingSpec.Default, view.Framing);
    }

    [Fact]
    public void A_demo_with_a_framing_of_its_own_opens_the_frames_view_with_it()
    {
        string path = Path.Combine(Repo.Captures, "http.pcap");
        using var demo = new CaptureModel(ProtoScope.Capture.CaptureFile.Open(path), CaptureKind.File)
        {
            Demo = new DemoSteps(waitForKey: false) { Framing = FramingSpec.Http },
        };
        Assert.Equal(FramingSpec.Http, new FramesView(demo, _ => { }).Framing);
        using var plain = new CaptureModel(ProtoScope.Capture.CaptureFile.Open(path), CaptureKind.File);
        Assert.Equal(FramingSpec.Default, new FramesView(plain, _ => { }).Framing);
    }
}
