using System.CommandLine;
using ProtoScope.Capture;
using ProtoScope.Core.Session;
using ProtoScope.Peers.Demo;
using ProtoScope.Tui;

namespace ProtoScope.Cli;

/// <summary>
/// `protoscope demo SCENARIO`: captures loopback traffic on the demo's port while the built-in peers act the
/// scenario out, then shows the result in the UI, or with --no-ui prints the packet list and each TCP ladder.
/// </summary>
internal static class DemoCommand
{
    public static Command Create(CliContext ctx)
    {
        var scenario = new Argument<string?>("scenario") { Description = "What to show: " + string.Join(", ", DemoScenario.All.Select(s => s.Name)) + ", or all.", Arity = ArgumentArity.ZeroOrOne };
        var write = new Option<string?>("--write", "-w") { Description = "Also save the capture to this pcap file." };
        var noUi = new Option<bool>("--no-ui") { Description = "Print the packet list and the ladders instead of opening the UI." };
        var slow = new Option<bool>("--slow") { Description = "About a second between steps, so a class can follow live." };
        var port = new Option<int>("--port") { Description = "Loopback port the demo uses.", DefaultValueFactory = _ => 9000 };
        var list = new Option<bool>("--list") { Description = "List the scenarios." };
        var cmd = new Command("demo", "Classroom demos: make a handshake, a teardown, a reset... on loopback and watch it.") { scenario, write, noUi, slow, port, list };
        cmd.SetAction(r =>
        {
            string? name = r.GetValue(scenario);
            if (r.GetValue(list) || name is null) return List(ctx);
            var scenarios = name == "all" ? DemoScenario.All : DemoScenario.Find(name) is { } one ? [one] : null;
            if (scenarios is null)
                return ctx.Fail($"unknown demo '{name}'; see 'protoscope demo --list'");
            if (r.GetValue(port) is < 1 or > 65535) return ctx.Fail($"--port {r.GetValue(port)} is not a port number (1-65535)");
            bool ui = !r.GetValue(noUi) && ctx.StdoutIsTerminal && !Console.IsInputRedirected;
            return Run(ctx, scenarios, r.GetValue(port), r.GetValue(slow), r.GetValue(write), ui);
        });
        return cmd;
    }

    private static int List(CliContext ctx)
    {
        using var text = ctx.OpenText();
        foreach (var s in DemoScenario.All) text.WriteLine($"{s.Name,-22} {s.Description}");
        text.WriteLine($"{"all",-22} every scenario above, one after the other");
        return ExitCodes.Ok;
    }

    private static int Run(CliContext ctx, IReadOnlyList<DemoScenario> scenarios, int port, bool slow, string? writePath, bool ui)
    {
        LiveCapture? capture = null;
        try
        {
            capture = LiveCapture.Open("lo", new LiveCaptureOptions { Filter = $"port {port}", Promiscuous = false });
        }
        catch (CaptureError e)
        {
            // Without permission the peers still run, so the class can at least see the logs.
            ctx.Stderr.WriteLine($"protoscope: cannot capture, running the peers only: {e.Message}");
        }

        string? path = capture is null ? null : writePath ?? Path.Combine(Path.GetTempPath(), $"protoscope-demo-{Environment.ProcessId}.pcap");
        Thread? recorder = null;
        PcapWriter? writer = null;
        if (capture is not null)
        {
            writer = PcapWriter.Create(path!, capture.LinkType, capture.Snaplen);
            recorder = new Thread(() => Record(capture, writer)) { IsBackground = true, Name = "demo capture" };
            recorder.Start();
        }

        var log = ui ? (Action<string>)(_ => { }) : line => ctx.WriteLine(line);
        var pause = slow ? TimeSpan.FromSeconds(1) : TimeSpan.FromMilliseconds(50);
        string? failure = null;
        try
        {
            foreach (var scenario in scenarios)
            {
                log($"== {scenario.Name}: {scenario.Description}");
                scenario.RunAsync(new DemoRun(port, pause, log, ctx.Stopping)).GetAwaiter().GetResult();
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            failure = e.Message;
        }
        finally
        {
            // Give the last ACKs time to arrive before the capture closes.
            Thread.Sleep(200);
            capture?.Stop();
            recorder?.Join();
            writer?.Dispose();
            capture?.Dispose();
        }
        if (failure is not null) return ctx.Fail($"the demo failed: {failure}");
        if (path is null) return ExitCodes.Ok;

        try
        {
            if (writePath is not null) ctx.Stderr.WriteLine($"protoscope: saved the demo capture to {writePath}");
            // Stopped by a signal while the peers ran: end here, as the capture verbs do, without opening the UI.
            if (ui && ctx.Stopping.IsCancellationRequested) return ExitCodes.Ok;
            if (ui) return ProtoScopeTui.Run(new TuiOptions { File = path, Replay = slow, OpenFile = CaptureFile.Open, Stopping = ctx.Stopping });
            int code = ReadCommand.Run(ctx, path, "text", null);
            if (code != ExitCodes.Ok) return code;
            using (var source = CaptureFile.Open(path))
            {
                var session = new CaptureSession(source.LinkType, source.TimestampUnit);
                SessionReader.ReadAll(source, session, _ => { });
                foreach (var conn in session.Conversations.Tcp)
                {
                    ctx.WriteLine("");
                    code = LadderCommand.Run(ctx, path, conn.Id, expand: false, "auto");
                    if (code != ExitCodes.Ok) return code;
                }
            }
            return ExitCodes.Ok;
        }
        finally
        {
            if (writePath is null) File.Delete(path);
        }
    }

    private static void Record(LiveCapture capture, PcapWriter writer)
    {
        ReadStatus status;
        while ((status = capture.Read(out var header, out var data)) != ReadStatus.End)
            if (status == ReadStatus.Packet) writer.Write(header, data);
    }

}
