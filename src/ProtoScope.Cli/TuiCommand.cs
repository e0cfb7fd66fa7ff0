using System.CommandLine;
using ProtoScope.Capture;
using ProtoScope.Tui;

namespace ProtoScope.Cli;

/// <summary>
/// `protoscope [FILE]`, `protoscope -i IFACE [-f BPF]`: the terminal UI, on the root command. Without arguments
/// it opens the start screen.
/// </summary>
internal static class TuiCommand
{
    /// <summary>
    /// When the arguments look like the UI (none, an option such as -i, a file, or a demo), starts Terminal.Gui's start-up
    /// work at once on another thread (<see cref="ProtoScopeTui.Prepare"/>), so it overlaps with parsing the command
    /// line and opening the capture. A wrong guess costs only that work, done in the background and never waited for.
    /// </summary>
    public static void PrepareIfLikely(string[] args)
    {
        bool ui = args.Length == 0
            || (args[0].StartsWith('-') && args[0] is not ("-h" or "--help" or "-?" or "--version"))
            || File.Exists(args[0])
            // `demo SCENARIO` opens the UI too, and its class waits for the first packet (issue 17: within 2 s).
            || args[0] == "demo" && args.Length > 1 && !args.Any(a => a is "--no-ui" or "--list" or "-h" or "--help" or "-?");
        if (ui) ProtoScopeTui.Prepare();
    }

    public static void AddTo(RootCommand root, CliContext ctx)
    {
        var file = new Argument<string?>("file") { Description = "A pcap or pcapng capture to open in the terminal UI.", Arity = ArgumentArity.ZeroOrOne };
        var device = new Option<string?>("--interface", "-i") { Description = "Capture live on this interface." };
        var bpf = new Option<string?>("--filter", "-f") { Description = "Capture filter (BPF syntax) for a live capture." };
        var write = new Option<string?>("--write", "-w") { Description = "With -i, also save the live capture to this pcap file as it runs (flushed on quit, on a signal, or when the terminal goes away)." };
        var replay = new Option<bool>("--replay") { Description = "Play the file with its original timing (1x; + and - change the speed)." };
        var lang = LessonOptions.Language();
        root.Arguments.Add(file);
        root.Options.Add(device);
        root.Options.Add(bpf);
        root.Options.Add(write);
        root.Options.Add(replay);
        root.Options.Add(lang);
        root.SetAction(r =>
        {
            string? path = r.GetValue(file);
            string? iface = r.GetValue(device);
            if (path is not null && iface is not null)
                return ctx.Fail("give a capture file or an interface (-i), not both");
            string? writePath = r.GetValue(write);
            if (writePath is not null && iface is null)
                return ctx.Fail("-w/--write saves a live capture: use it with -i; to save a file's packets press s in the UI");
            if (r.GetValue(bpf) is not null && iface is null)
                return ctx.Fail("-f/--filter is a capture filter for live capture: use it with -i; filter a file's packets with / in the UI");
            // A missing or unreadable file is reported the same with or without a terminal.
            if (path is not null) CaptureFile.Open(path).Dispose();
            if (Console.IsInputRedirected || Console.IsOutputRedirected)
                return ctx.Fail("the terminal UI needs a terminal; to print packets use 'protoscope read FILE'");
            return ProtoScopeTui.Run(new TuiOptions
            {
                File = path,
                Interface = iface,
                CaptureFilter = r.GetValue(bpf),
                Replay = r.GetValue(replay),
                // Read on the UI's loader thread alone: with a reading thread too, the first screen of a capture of
                // many connections came at 270-380 ms in half the runs, against 130-150 ms.
                OpenFile = path => CaptureFile.Open(path, readAhead: false),
                ListInterfaces = () => CaptureInterface.List(probe: false),
                OpenLive = (name, filter) => LiveCapture.Open(name, new LiveCaptureOptions { Filter = filter }),
                DroppedPackets = source => source is LiveCapture live ? live.Statistics.DroppedByKernel : null,
                OpenWriter = writePath is null ? null : source => PcapWriter.Create(writePath, source.LinkType, ((LiveCapture)source).Snaplen),
                Stopping = ctx.Stopping,
                // The start screen's demos run as `protoscope demo NAME --slow` does, on its default port.
                Demos = DemoCommand.Choices,
                StartDemo = DemoCommand.Starter(DemoCommand.DefaultPort, slow: true, ctx.Stopping),
                Language = r.GetValue(lang)!,
            });
        });
    }
}
