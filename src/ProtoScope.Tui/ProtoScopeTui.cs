using System.Runtime.CompilerServices;
using ProtoScope.Capture;
using ProtoScope.Tui.Lessons;
using ProtoScope.Tui.Lifetime;
using Terminal.Gui.Configuration;

namespace ProtoScope.Tui;

/// <summary>The terminal UI's entry point, called by the `protoscope` command.</summary>
public static class ProtoScopeTui
{
    /// <summary>
    /// Runs the UI until the user quits; returns the exit code. Errors that stop the UI from starting (a missing
    /// file, no permission to capture) are thrown as <see cref="CaptureError"/> before the terminal is taken, so
    /// the CLI prints them as one line.
    /// </summary>
    public static int Run(TuiOptions options)
    {
        CaptureModel? model = options.File is not null || options.Interface is not null || options.Demo is not null ? Open(options, null) : null;
        using var shutdown = new UiShutdown(options.Stopping, () => model?.Dispose());
        Configured().Wait();
        IApplication app = Application.Create().Init();
        shutdown.Attach(app);
        try
        {
            if (model is null)
            {
                using var start = new StartScreen(app, options.ListInterfaces, options.StartDemo is null ? [] : options.Demos);
                app.Run(start);
                if (start.Choice is null || shutdown.Token.IsCancellationRequested) return 0;
                try
                {
                    model = Open(options, start.Choice);
                }
                catch (CaptureError e)
                {
                    MessageBox.ErrorQuery(app, "Cannot open", e.Message, "OK");
                    return 2;
                }
            }
            if (shutdown.Token.IsCancellationRequested) return 0;
            model.Start();
            using var main = new MainWindow(app, model, shutdown.Token, LessonBook.Load(options.Language))
            {
                LessonShown = options.Lesson || model.Demo is not null,
            };
            app.Run(main);
            return 0;
        }
        finally
        {
            model?.Dispose();
            // Terminal.Gui's Dispose restores the terminal, and waits for it: on a terminal that is gone it never
            // returns. There is nothing left to restore then.
            if (!UiShutdown.TerminalIsGone) app.Dispose();
        }
    }

    private static readonly Lock ConfigurationLock = new();
    private static Task? _configured;

    /// <summary>
    /// Starts Terminal.Gui's one-time start-up work on a thread-pool thread and returns at once. It reads and binds
    /// Terminal.Gui's whole configuration (built-in defaults, user files, environment): a quarter to a third of the
    /// UI thread's CPU before the first screen. Run here, it overlaps with whatever the caller does before it first
    /// touches Terminal.Gui, and <see cref="Run"/> waits only for what is left. Measured with bench/first-screen.py:
    /// see docs/performance.md.
    /// </summary>
    public static void Prepare() => Configured();

    private static Task Configured()
    {
        lock (ConfigurationLock) return _configured ??= Task.Run(Configure);
    }

    private static void Configure()
    {
        // Under the JIT this is Terminal.Gui's module initializer, which does the work.
        RuntimeHelpers.RunModuleConstructor(typeof(Application).Module.ModuleHandle);
        // The native build stubs that initializer out (ProtoScope.Cli/TerminalGui.substitutions.xml), because
        // Native AOT would run it before Main for every verb; the UI makes the same call here instead.
        if (RuntimeFeature.IsDynamicCodeSupported) return;
        try
        {
            TuiConfigurationBuilder.Shared.ApplyToStaticFacades();
        }
        catch (Exception e)
        {
            // What Terminal.Gui's initializer does: a configuration it cannot apply leaves its defaults in place,
            // with the reason among the configuration errors it reports.
            TuiJsonErrors.Add($"Applying configuration failed: {e.Message}. Running with default settings.");
        }
    }

    /// <summary>Opens the packet source the options (or the start screen's choice) name.</summary>
    public static CaptureModel Open(TuiOptions options, StartChoice? choice)
    {
        switch (choice)
        {
            case StartChoice.Demo d:
                return OpenDemo(options, d.Name);
            case StartChoice.File f:
                return new CaptureModel(OpenFile(options, f.Path), CaptureKind.File);
            case StartChoice.Interface i:
                return OpenLive(options, i.Name);
        }
        if (options.Demo is { } demo) return OpenDemo(options, demo);
        if (options.Interface is { } device) return OpenLive(options, device);
        return new CaptureModel(OpenFile(options, options.File!), options.Replay ? CaptureKind.Replay : CaptureKind.File);
    }

    private static IPacketSource OpenFile(TuiOptions options, string path) =>
        options.OpenFile is { } open ? open(path) : throw new CaptureError("reading capture files is not available in this build");

    private static CaptureModel OpenLive(TuiOptions options, string device)
    {
        if (options.OpenLive is null)
            throw new CaptureError("live capture is not available in this build; open a capture file instead");
        return LiveModel(options, options.OpenLive(device, options.CaptureFilter), demo: null);
    }

    /// <summary>
    /// A demo is a live capture whose peers the CLI runs (<see cref="TuiOptions.StartDemo"/>): the packets appear as
    /// the kernel sends them, not replayed afterwards.
    /// </summary>
    private static CaptureModel OpenDemo(TuiOptions options, string scenario)
    {
        if (options.StartDemo is null)
            throw new CaptureError("demos are not available in this build");
        var steps = new DemoSteps(options.DemoWaitsForKey) { Framing = options.Demos.FirstOrDefault(d => d.Name == scenario)?.Framing };
        return LiveModel(options, options.StartDemo(scenario, steps), steps);
    }

    /// <summary>The model of a live source, with the capture file it is written to (-w) and its drop counter.</summary>
    private static CaptureModel LiveModel(TuiOptions options, IPacketSource source, DemoSteps? demo)
    {
        var drops = options.DroppedPackets;
        ICaptureWriter? writer;
        try
        {
            writer = options.OpenWriter?.Invoke(source);
        }
        catch
        {
            source.Dispose();
            throw;
        }
        return new CaptureModel(source, CaptureKind.Live) { Demo = demo, DroppedPackets = drops is null ? null : () => drops(source), Writer = writer };
    }
}
