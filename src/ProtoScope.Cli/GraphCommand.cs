using System.CommandLine;
using ProtoScope.Capture;
using ProtoScope.Core.Filtering;
using ProtoScope.Core.Formatting;
using ProtoScope.Core.Graphs;
using ProtoScope.Core.Session;

namespace ProtoScope.Cli;

/// <summary>
/// `protoscope graph FILE --type T`: Wireshark's TCP Stream Graphs of one connection, or the I/O graph of the whole
/// capture, drawn in the terminal, as JSON Lines of the points, or as an SVG picture.
/// </summary>
internal static class GraphCommand
{
    private const string Types = "tseq|tcptrace|throughput|rtt|window|io";

    public static Command Create(CliContext ctx)
    {
        var file = CommonOptions.CaptureFile();
        var type = new Option<string>("--type", "-t")
        {
            Description = "The graph: tseq (time-sequence, Stevens), tcptrace (time-sequence with ACK and window lines), throughput, rtt, window, or io (packets and bytes per interval).",
            DefaultValueFactory = _ => "tcptrace",
        };
        type.AcceptOnlyFromAmong(Types.Split('|'));
        var conn = new Option<int?>("--conn") { Description = "The TCP connection of a TCP graph: its id in 'protoscope conns' (tcp.stream)." };
        var dir = new Option<string>("--dir") { Description = "The direction whose data a TCP graph shows (its ACKs come from the other): orig or resp.", DefaultValueFactory = _ => "orig" };
        dir.AcceptOnlyFromAmong("orig", "resp");
        var interval = new Option<string>("--interval") { Description = "The I/O graph's interval in seconds, 0.001 to 600.", DefaultValueFactory = _ => "1" };
        var filters = new Option<string[]>("--display-filter", "-Y")
        {
            Description = "An I/O graph line: the packets this display filter keeps (give -Y once per line; none: all packets).",
            AllowMultipleArgumentsPerToken = false,
        };
        var unit = new Option<string>("--unit") { Description = "What the I/O graph's picture counts: packets or bytes (JSON Lines gives both).", DefaultValueFactory = _ => "packets" };
        unit.AcceptOnlyFromAmong("packets", "bytes");
        var format = CommonOptions.Format();
        format.Description = "Output: text (the graph drawn at the terminal's width) or jsonl (one JSON object per point).";
        var svg = new Option<string?>("--svg") { Description = "Also write the graph as an SVG picture to this file (labelled axes, one mark per point)." };
        var from = new Option<double?>("--from") { Description = "Start the time axis here (seconds since the capture's first packet): zoom in." };
        var to = new Option<double?>("--to") { Description = "End the time axis here (seconds since the capture's first packet)." };
        var width = new Option<int?>("--width") { Description = "Columns of the text picture (default: the terminal's width, else 100)." };
        var height = new Option<int?>("--height") { Description = "Rows of the text picture (default: the terminal's height, else 24)." };
        var maxConns = CommonOptions.MaxConnections();
        var cmd = new Command("graph", "Graph one TCP connection (time-sequence, tcptrace, throughput, RTT, window) or the capture's I/O, in the terminal, as JSON Lines or as SVG.")
        {
            file, type, conn, dir, interval, filters, unit, format, svg, from, to, width, height, maxConns,
        };
        cmd.SetAction(r =>
        {
            var request = new GraphRequest(r.GetValue(file)!, r.GetValue(type)!, r.GetValue(conn), r.GetValue(dir) == "resp" ? Direction.Resp : Direction.Orig,
                r.GetValue(format)!, r.GetValue(svg), r.GetValue(from), r.GetValue(to), r.GetValue(width), r.GetValue(height), r.GetValue(maxConns));
            // A zoom is a range: one end alone would have to wait for the capture's last packet to know the other.
            if (request.From.HasValue != request.To.HasValue || request.From >= request.To)
                return ctx.Fail("--from and --to go together, --from before --to (seconds since the capture's first packet, e.g. --from 0.5 --to 2)");
            if (request.Type != "io") return request.Conn is null ? ctx.Fail($"a {request.Type} graph needs --conn N: the TCP connection's id in 'protoscope conns {request.Path}'") : RunTcp(ctx, request);
            if (!IoGraph.TryParseInterval(r.GetValue(interval)!, out long microseconds, out string? error)) return ctx.Fail(error!);
            var lines = new List<DisplayFilter?>();
            foreach (string text in r.GetValue(filters) ?? [])
            {
                if (!CommonOptions.TryParseFilter(text, out var filter, out error)) return ctx.Fail(error!);
                lines.Add(filter);
            }
            if (lines.Count == 0) lines.Add(null);
            return RunIo(ctx, request, microseconds, lines, r.GetValue(unit) == "bytes");
        });
        return cmd;
    }

    private sealed record GraphRequest(string Path, string Type, int? Conn, Direction Direction, string Format, string? Svg,
        double? From, double? To, int? Width, int? Height, int MaxConns);

    private static int RunTcp(CliContext ctx, GraphRequest q)
    {
        TcpGraphKinds.TryParse(q.Type, out var kind);
        int id = q.Conn!.Value;
        using var source = CaptureFile.Open(q.Path);
        var session = new CaptureSession(source.LinkType, source.TimestampUnit, maxConversations: q.MaxConns);
        var picture = q.Format == "text" || q.Svg is not null ? new TcpGraphPlot(kind, $"connection {id}, {q.Direction.Name()} data", q.From, q.To) : null;
        using var json = q.Format == "jsonl" ? new JsonLines(ctx.Stdout) : null;
        var jsonPoints = json is null ? null : new TcpGraphJson(json, kind, q.Direction);
        TcpGraphSource? points = null;
        string? error = SessionReader.ReadAll(source, session, s =>
        {
            ref readonly var a = ref s.CurrentAnalysis;
            if (a.Conversation != id || !s.Current.IsTcp || !s.Current.HasPorts) return;
            points ??= new TcpGraphSource(q.Direction, s.FirstTimestamp, new Both(picture, jsonPoints), rates: kind == TcpGraphKind.Throughput);
            points.Add(s);
        });
        json?.Flush();
        ctx.Warn(CommonOptions.LimitWarning(session));
        if (CommonOptions.NoSuchConnection(q.Path, id, session.Conversations.Tcp.Count, "graph") is { } missing) return ctx.Fail(error ?? missing);
        if (picture is not null) Draw(ctx, q, picture.Plot);
        return error is null ? ExitCodes.Ok : ctx.Fail(error);
    }

    private static int RunIo(CliContext ctx, GraphRequest q, long interval, List<DisplayFilter?> filters, bool bytes)
    {
        using var source = CaptureFile.Open(q.Path);
        var session = new CaptureSession(source.LinkType, source.TimestampUnit, maxConversations: q.MaxConns);
        var names = filters.Select(f => f?.Text ?? IoGraph.AllPackets).ToList();
        IoGraph? graph = null;
        bool tooLong = false;
        string? error = SessionReader.ReadAll(source, session, s =>
        {
            graph ??= new IoGraph(interval, s.FirstTimestamp, names);
            int index = graph.IntervalOf(s.LastTimestamp);
            if (index < 0) { tooLong = true; return; }
            for (int line = 0; line < filters.Count; line++)
                if (filters[line] is not { } f || f.Matches(s.Current, s.CurrentAnalysis)) graph.Count(line, index, s.Current.WireLength);
        });
        ctx.Warn(CommonOptions.LimitWarning(session));
        if (tooLong)
            ctx.Warn($"the capture is longer than {IoGraph.MaxIntervals} intervals of {IoGraph.Seconds(interval)} s; the packets after that are left out (give a longer --interval)");
        graph ??= new IoGraph(interval, 0, names);
        if (q.Format == "jsonl")
        {
            using var json = new JsonLines(ctx.Stdout);
            IoGraphJson.Write(json, graph);
            json.Flush();
        }
        if (q.Format == "text" || q.Svg is not null)
            Draw(ctx, q, graph.ToPlot($"I/O graph: {Path.GetFileName(q.Path)}, {(bytes ? "bytes" : "packets")} per {IoGraph.Seconds(interval)} s", bytes, q.From, q.To));
        return error is null ? ExitCodes.Ok : ctx.Fail(error);
    }

    /// <summary>The text picture on stdout (for --format text) and the SVG file (for --svg).</summary>
    private static void Draw(CliContext ctx, GraphRequest q, Plot plot)
    {
        if (q.Svg is not null)
        {
            using var file = File.Create(q.Svg);
            SvgPlot.Write(plot, file);
        }
        if (q.Format != "text") return;
        var (columns, rows) = TerminalSize(ctx);
        using var text = ctx.OpenText();
        text.Write(TextPlot.Render(plot, q.Width ?? columns, q.Height ?? rows).ToString());
    }

    /// <summary>The terminal's size when stdout is one (less a row for the prompt), else $COLUMNS/$LINES or 100 × 24.</summary>
    private static (int Columns, int Rows) TerminalSize(CliContext ctx)
    {
        int columns = int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out int c) && c > 0 ? c : 100;
        int rows = int.TryParse(Environment.GetEnvironmentVariable("LINES"), out int l) && l > 0 ? l : 24;
        if (ctx.StdoutIsTerminal)
        {
            try
            {
                if (Console.WindowWidth > 0) columns = Console.WindowWidth;
                if (Console.WindowHeight > 1) rows = Console.WindowHeight - 1;
            }
            catch (IOException)
            {
                // No size to ask for after all: keep the defaults.
            }
        }
        return (columns, rows);
    }

    /// <summary>Hands each point to the picture and to the JSON Lines, whichever are wanted.</summary>
    private sealed class Both(ITcpGraphSink? first, ITcpGraphSink? second) : ITcpGraphSink
    {
        public void Point(in TcpGraphPoint point)
        {
            first?.Point(point);
            second?.Point(point);
        }
    }
}
