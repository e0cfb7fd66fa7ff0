using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using ProtoScope.Capture;
using ProtoScope.Core.Filtering;
using ProtoScope.Core.Session;
using ProtoScope.Tui;
using ProtoScope.Tui.Packets;
using Terminal.Gui.App;
using Terminal.Gui.Drivers;
using Terminal.Gui.Time;

namespace ProtoScope.Bench;

// The UI model on a large capture: time to the first screen, to the fully loaded list, display filters over
// every packet, and memory per packet. `bench ui [CAPTURE] [--model-only]`; without one, synthesizes a 1M-packet
// capture (cached under .build/bench).
internal static class UiModel
{
    public static int Run(string[] args)
    {
        Environment.SetEnvironmentVariable("DisableRealDriverIO", "1");
        string path = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : SyntheticCaptureFile(1_000_000);
        if (args.Contains("--model-only"))
        {
            // The model alone (no Terminal.Gui): the reader thread filling the PacketTable.
            var alone = Stopwatch.StartNew();
            var m = new CaptureModel(CaptureFile.Open(path), CaptureKind.File);
            m.Start();
            while (m.Table.Count < 40 && m.State == CaptureState.Reading) Thread.Yield();
            var source = new PacketListSource(m.Table);
            source.Refresh();
            for (int r = 0; r < 40; r++) for (int c = 0; c < source.Columns; c++) _ = source[r, c];
            Console.WriteLine($"model first screen (40 rows formatted): {alone.Elapsed.TotalMilliseconds:F1} ms");
            m.WaitUntilRead(TimeSpan.FromMinutes(10));
            Console.WriteLine($"model fully loaded: {alone.Elapsed.TotalSeconds:F2} s, {m.Table.Count:N0} packets; process CPU {Cpu():F2} s; GCs {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}");
            Console.WriteLine($"load average when done: {LoadAverage()} (the wall-clock figures are only meaningful on an idle machine)");
            return 0;
        }
        var info = new FileInfo(path);
        Console.WriteLine($"capture: {path} ({info.Length / 1048576.0:F0} MiB)");

        // Times are from the process's start, as a user counts them (runtime start and JIT included), and the steps
        // are the program's own (ProtoScopeTui.Run): open, start reading, start Terminal.Gui, build the window, draw.
        // The headless driver does not talk to a terminal: bench/first-screen.py times the real program in one.
        long heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var total = Stopwatch.StartNew();
        double startedMs = (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds;
        double SinceStart() => startedMs + total.Elapsed.TotalMilliseconds;
        Console.WriteLine($"benchmark entered at {startedMs:F0} ms after the process started");
        ProtoScopeTui.Prepare();
        var model = new CaptureModel(CaptureFile.Open(path), CaptureKind.File);
        using IApplication app = Application.Create(new VirtualTimeProvider()).Init(DriverRegistry.Names.ANSI);
        Console.WriteLine($"Terminal.Gui initialised at {SinceStart():F0} ms");
        app.Driver!.SetScreenSize(140, 40);
        model.Start();
        var window = new MainWindow(app, model);
        Console.WriteLine($"  window built at {SinceStart():F0} ms, {model.Table.Count:N0} packets read by then");
        app.Begin(window);
        app.LayoutAndDraw(true);
        Console.WriteLine($"  first drawn at {SinceStart():F0} ms with {window.Packets.Source.Rows:N0} rows");
        // The window's timer picks up rows every 100 ms; the virtual clock does not run, so tick until rows show.
        while (window.Packets.Source.Rows == 0 && model.State == CaptureState.Reading)
        {
            Thread.Sleep(MainWindow.TickInterval);
            window.Tick();
            app.LayoutAndDraw(true);
        }
        double firstScreenMs = SinceStart();
        int rowsAtFirstScreen = window.Packets.Source.Rows;
        string firstLine = app.Driver.ToString()!.Split('\n').FirstOrDefault(l => l.Contains(" 1 0.000000")) ?? "(first row not on screen)";

        model.WaitUntilRead(TimeSpan.FromMinutes(10));
        double loaded = SinceStart() / 1000;
        window.Tick();
        app.LayoutAndDraw(true);
        int count = model.Table.Count;
        Console.WriteLine($"packets: {count:N0} ({model.State}{(model.Error is null ? "" : ": " + model.Error)})");
        Console.WriteLine($"first screen: {firstScreenMs:F0} ms after the process started ({rowsAtFirstScreen:N0} rows in the list then)");
        Console.WriteLine($"  {firstLine.Trim()}");
        Console.WriteLine($"fully loaded: {loaded:F2} s ({count / loaded / 1e6:F2} M packets/s); process CPU {Cpu():F2} s; GCs gen0/1/2: {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}");

        TimeFilters(model.Table, count);

        // The filter as the UI runs it: typed, off the UI thread, the list updated when done.
        var ui = Stopwatch.StartNew();
        window.ApplyFilter("tcp.flags.syn == 1");
        window.Packets.Source.Filter!.Wait();
        window.Tick();
        app.LayoutAndDraw(true);
        Console.WriteLine($"filter through the UI (tcp.flags.syn == 1): {ui.Elapsed.TotalMilliseconds:F0} ms, {window.Packets.Source.Rows:N0} rows shown");

        long heapAfter = GC.GetTotalMemory(forceFullCollection: true);
        var table = model.Table;
        Console.WriteLine($"metadata: {table.MetadataBytes / (double)count:F1} bytes/packet (row columns {PacketChunk.BytesPerRow} B + address and flow lists)");
        Console.WriteLine($"packet bytes arena: {table.PacketBytesHeld / 1048576.0:F0} MiB ({table.PacketBytesHeld / (double)count:F1} bytes/packet)");
        Console.WriteLine($"managed heap held: {(heapAfter - heapBefore) / 1048576.0:F0} MiB ({(heapAfter - heapBefore - table.PacketBytesHeld) / (double)count:F1} bytes/packet beyond the arena, conversations included)");
        Console.WriteLine($"conversations: {model.Session.Conversations.Tcp.Count:N0} TCP, {model.Session.Conversations.Udp.Count:N0} UDP");
        Console.WriteLine($"peak RSS: {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:F0} MiB");
        Console.WriteLine($"load average: {LoadAverage()} (the wall-clock figures are only meaningful on an idle machine)");
        GC.KeepAlive(window);
        return 0;
    }

    // In a method of its own, so that the filters' results are not held by Run's frame when it measures the heap.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void TimeFilters(PacketTable table, int count)
    {
        foreach (var text in new[] { "tcp.port == 7000 and tcp.len > 0", "handshake or reset", "ip.addr == 10.0.0.7", "udp and frame.len > 200", "not (tcp.flags.ack == 1)" })
        {
            DisplayFilter.TryParse(text, out var filter, out _);
            var best = double.MaxValue;
            int matched = 0;
            for (int run = 0; run < 3; run++)
            {
                var rows = new RowSet();
                var sw = Stopwatch.StartNew();
                filter!.Scan(table, 0, count, rows);
                best = Math.Min(best, sw.Elapsed.TotalSeconds);
                matched = rows.Count;
            }
            Console.WriteLine($"filter {text,-36} {best * 1000,7:F1} ms  {matched,9:N0} rows");
        }
    }

    private static double Cpu() => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static string SyntheticCaptureFile(int packets)
    {
        string root = AppContext.BaseDirectory;
        for (var dir = new DirectoryInfo(root); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ProtoScope.sln"))) { root = dir.FullName; break; }
        string dirPath = Path.Combine(root, ".build", "bench");
        Directory.CreateDirectory(dirPath);
        string path = Path.Combine(dirPath, $"synthetic-{packets.ToString(CultureInfo.InvariantCulture)}.pcap");
        if (!File.Exists(path))
        {
            Console.WriteLine($"writing {path}...");
            ProtoScope.Bench.SyntheticCapture.Write(path + ".tmp", packets);
            File.Move(path + ".tmp", path);
        }
        return path;
    }
}
