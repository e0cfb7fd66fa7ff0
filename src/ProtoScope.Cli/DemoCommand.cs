using System.CommandLine;
using ProtoScope.Capture;
using ProtoScope.Core.Session;
using ProtoScope.Peers.Demo;
using ProtoScope.Tui;

namespace ProtoScope.Cli;

/// <summary>
/// `protoscope demo SCENARIO`: captures loopback traffic on the demo's port while the built-in peers act the
/// scenario out. In a terminal the UI opens at once and the packets appear as the peers send them, with the lesson
/// pane shown; with --no-ui (or no terminal) it prints the packet list and each TCP ladder once the scenario is over.
/// </summary>
internal static class DemoCommand
{
    public static Command Create(CliContext ctx)
    {
        var scenario = new Argument<string?>("scenario") { Description = "What to show: " + string.Join(", ", DemoScenario.All.Select(s => s.Name)) + ", or all.", Arity = ArgumentArity.ZeroOrOne };
        var write = new Option<string?>("--write", "-w") { Description = "Also save the capture to this pcap file." };
        var noUi = new Option<bool>("--no-ui") { Description = "Print the packet list and the ladders instead of opening the UI." };
        var slow = new Option<bool>("--slow") { Description = "About a second between steps, so a class can follow live." };
        var step = new Option<bool>("--step") { Description = "In the UI, each step of the scenario waits for n." };
        var lang = LessonOptions.Language();
        var port = new Option<int>("--port") { Description = "Loopback port the demo uses.", DefaultValueFactory = _ => DefaultPort };
        var list = new Option<bool>("--list") { Description = "List the scenarios." };
        var cmd = new Command("demo", "Classroom demos: make a handshake, a teardown, a reset... on loopback and watch it.") { scenario, write, noUi, slow, step, port, list, lang };
        cmd.SetAction(r =>
        {
            string? name = r.GetValue(scenario);
            if (r.GetValue(list) || name is null) return List(ctx);
            var scenarios = name == "all" ? DemoScenario.OnLoopback : DemoScenario.Find(name) is { } one ? [one] : null;
            if (scenarios is null)
                return ctx.Fail($"unknown demo '{name}'; see 'protoscope demo --list'");
            if (r.GetValue(port) is < 1 or > 65535) return ctx.Fail($"--port {r.GetValue(port)} is not a port number (1-65535)");
            bool ui = !r.GetValue(noUi) && ctx.StdoutIsTerminal && !Console.IsInputRedirected;
            if (ui) return RunInUi(ctx, name, r.GetValue(port), r.GetValue(slow), r.GetValue(step), r.GetValue(write), r.GetValue(lang)!);
            return Run(ctx, scenarios, r.GetValue(port), r.GetValue(slow), r.GetValue(write));
        });
        return cmd;
    }

    public const int DefaultPort = 9000;

    /// <summary>The scenarios as the UI's start screen offers them (Tui does not reference Peers).</summary>
    public static IReadOnlyList<DemoChoice> Choices { get; } = [.. DemoScenario.All.Select(s => new DemoChoice(s.Name, s.Description, s.MessageFraming))];

    /// <summary>Starts the scenario named <paramref name="name"/> (or all) live on lo, for the UI (<see cref="TuiOptions.StartDemo"/>).</summary>
    public static DemoStarter Starter(int port, bool slow, CancellationToken stopping) => (name, steps) =>
    {
        IReadOnlyList<DemoScenario> scenarios = name == "all" ? DemoScenario.OnLoopback
            : DemoScenario.Find(name) is { } one ? [one] : throw new CaptureError($"unknown demo '{name}'");
        // Held steps (--step) keep the second's pause where the scenario paces itself (the UDP client's interval).
        var pause = slow || steps.WaitForKey ? TimeSpan.FromSeconds(1) : TimeSpan.FromMilliseconds(50);
        return DemoCapture.Start(scenarios, port, pause, steps, stopping);
    };

    /// <summary>The UI on a live capture of the demo; a capture that cannot open (no permission) fails before the terminal is taken.</summary>
    private static int RunInUi(CliContext ctx, string name, int port, bool slow, bool step, string? writePath, string language) =>
        ProtoScopeTui.Run(new TuiOptions
        {
            Demo = name,
            Demos = Choices,
            StartDemo = Starter(port, slow, ctx.Stopping),
            DemoWaitsForKey = step,
            Lesson = true,
            Language = language,
            DroppedPackets = source => source is DemoCapture demo ? demo.DroppedByKernel : null,
            OpenWriter = writePath is null ? null : source => PcapWriter.Create(writePath, source.LinkType, ((DemoCapture)source).Snaplen),
            Stopping = ctx.Stopping,
        });

    private static int List(CliContext ctx)
    {
        using var text = ctx.OpenText();
        foreach (var s in DemoScenario.All) text.WriteLine($"{s.Name,-22} {s.Description}");
        var ownLink = DemoScenario.All.Where(s => s.Link is not null).Select(s => s.Name);
        text.WriteLine($"{"all",-22} every scenario above on loopback (all but {string.Join(", ", ownLink)}), one after the other");
        return ExitCodes.Ok;
    }

    /// <summary>Without the UI: runs the scenarios while recording, then prints the packet list and each TCP ladder.</summary>
    private static int Run(CliContext ctx, IReadOnlyList<DemoScenario> scenarios, int port, bool slow, string? writePath)
    {
        // A scenario with a link of its own runs alone (`all` leaves it out): the link must exist before the capture.
        VethLink? link = null;
        if (scenarios is [{ Link: { } makeLink }])
        {
            try
            {
                link = makeLink(port);
            }
            catch (VethLinkException e)
            {
                return ctx.Fail(e.Message);
            }
        }
        try
        {
            return RunCaptured(ctx, scenarios, port, slow, writePath, link);
        }
        finally
        {
            link?.Dispose();
        }
    }

    private static int RunCaptured(CliContext ctx, IReadOnlyList<DemoScenario> scenarios, int port, bool slow, string? writePath, VethLink? link)
    {
        LiveCapture? capture = null;
        try
        {
            capture = link is null
                ? LiveCapture.Open("lo", new LiveCaptureOptions { Filter = $"port {port}", Promiscuous = false })
                : LiveCapture.Open(link.Interface, new LiveCaptureOptions { Filter = link.CaptureFilter, Promiscuous = false });
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

        Action<string> log = ctx.WriteLine;
        var pause = slow ? TimeSpan.FromSeconds(1) : TimeSpan.FromMilliseconds(50);
        string? failure = null;
        try
        {
            foreach (var scenario in scenarios)
            {
                log($"== {scenario.Name}: {scenario.Description}");
                scenario.RunAsync(new DemoRun(port, pause, log, ctx.Stopping) { Link = link }).GetAwaiter().GetResult();
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or InvalidOperationException or VethLinkException)
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
