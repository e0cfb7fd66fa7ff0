using System.Text;
using System.Text.Json;
using ProtoScope.Capture;
using ProtoScope.Cli;
using ProtoScope.Core.Filtering;
using ProtoScope.Core.Session;
using ProtoScope.Tests;
using ProtoScope.Tui.Packets;

namespace ProtoScope.Tui.Tests;

/// <summary>
/// The UI's filter (a <see cref="FilterRun"/> over the stored <see cref="PacketTable"/>, the TCP numbers it has no
/// columns for made on demand) keeps the rows <c>protoscope read -Y</c> keeps: one language, one answer.
/// </summary>
public class FilterMatchesCliTests
{
    public static TheoryData<string> Captures() => new(AnalysisFilters.Captures());

    [Theory]
    [MemberData(nameof(Captures))]
    public void The_ui_filter_keeps_the_frames_read_Y_keeps(string capture)
    {
        PacketTable table;
        using (var source = CaptureFile.Open(capture))
        {
            table = new PacketTable(source.LinkType);
            var session = new CaptureSession(source.LinkType, source.TimestampUnit, table);
            while (source.Read(out var header, out var data) == ReadStatus.Packet) session.Add(header, data);
        }
        var mismatches = new List<string>();
        foreach (string text in AnalysisFilters.Filters)
        {
            Assert.True(DisplayFilter.TryParse(text, out var filter, out var error), $"{text}: {error}");
            using var run = new FilterRun(table, filter!);
            run.Continue();
            run.Wait();
            var ui = Enumerable.Range(0, run.Rows.Count).Select(i => run.Rows[i] + 1L).ToList();
            var cli = Read(capture, text);
            if (!cli.SequenceEqual(ui))
                mismatches.Add($"{text}: read -Y [{string.Join(',', cli.Take(12))}] ({cli.Count}), UI [{string.Join(',', ui.Take(12))}] ({ui.Count})");
        }
        Assert.True(mismatches.Count == 0, $"{capture}:\n" + string.Join("\n", mismatches));
    }

    private static List<long> Read(string capture, string filter)
    {
        using var stdout = new MemoryStream();
        var stderr = new StringWriter();
        int code = ProtoScopeCli.Run(["read", capture, "-Y", filter, "--format", "jsonl"], stdout, stderr);
        Assert.True(code == 0, $"read -Y {filter}: {stderr}");
        return Encoding.UTF8.GetString(stdout.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("frame").GetInt64()).ToList();
    }
}
