using System.Runtime.CompilerServices;
using ProtoScope.Capture;

namespace ProtoScope.Tui.Tests;

internal static class ModuleSetup
{
    /// <summary>Terminal.Gui's drivers must not touch the real console in tests.</summary>
    [ModuleInitializer]
    internal static void DisableRealConsole() => Environment.SetEnvironmentVariable("DisableRealDriverIO", "1");
}

/// <summary>
/// The real main window on Terminal.Gui's ANSI driver with no console behind it: keys go in with
/// <see cref="Key"/>, the screen comes out as text.
/// </summary>
public sealed class Screen : IDisposable
{
    private readonly IApplication _app;

    public Screen(CaptureModel model, int width = 140, int height = 40, Lessons.LessonBook? lessons = null)
    {
        Model = model;
        _app = Application.Create(new VirtualTimeProvider()).Init(DriverRegistry.Names.ANSI);
        _app.Driver!.SetScreenSize(width, height);
        Window = new MainWindow(_app, model, lessons: lessons);
        _app.Begin(Window);
        Refresh();
    }

    /// <summary>Opens a corpus capture and waits until it is fully read.</summary>
    public static Screen Open(string corpusCapture, CaptureKind kind = CaptureKind.File) => OpenPath(Repo.CorpusFile(corpusCapture), kind);

    /// <summary>Opens a capture by its path and waits until it is fully read.</summary>
    public static Screen OpenPath(string path, CaptureKind kind = CaptureKind.File)
    {
        var model = new CaptureModel(CaptureFile.Open(path), kind);
        model.Start();
        Assert.True(model.WaitUntilRead(TimeSpan.FromSeconds(30)), "the capture did not finish loading");
        return new Screen(model);
    }

    public CaptureModel Model { get; }
    public MainWindow Window { get; }

    public string Text => _app.Driver!.ToString()!;

    public string[] Lines => Text.Split('\n');

    public void Press(Key key)
    {
        _app.InjectKey(key);
        Refresh();
    }

    public void Type(string text)
    {
        foreach (char c in text) _app.InjectKey(new Key(c));
        Refresh();
    }

    /// <summary>Runs the UI tick (waiting for a filter scan to finish first) and redraws.</summary>
    public void Refresh()
    {
        Window.Packets.Source.Filter?.Wait();
        Window.Tick();
        Window.Packets.Source.Filter?.Wait();
        Window.Tick();
        // The Follow and Frames views reassemble on a worker; their lines are swapped in on the next tick.
        foreach (var building in new[] { Window.Follow.Building, Window.Frames.Building })
        {
            if (building is null) continue;
            building.Wait(TimeSpan.FromSeconds(30));
            Window.Tick();
        }
        _app.LayoutAndDraw(true);
    }

    /// <summary>The packet list's data rows on screen: the lines whose No. column holds a frame number.</summary>
    public List<(long Frame, string Line)> PacketRows()
    {
        var rows = new List<(long, string)>();
        foreach (var line in Lines)
        {
            // "│ H       1 0.000000   192.168.1.11 ..." : marker, then the right-aligned frame number.
            if (line.Length < 12 || line[0] != '│') continue;
            var cell = line.Substring(3, 8).Trim();
            if (long.TryParse(cell, out long frame)) rows.Add((frame, line));
        }
        return rows;
    }

    public void Dispose()
    {
        Window.Dispose();
        _app.Dispose();
        Model.Dispose();
    }
}
