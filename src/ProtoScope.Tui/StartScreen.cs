using System.Collections.ObjectModel;
using ProtoScope.Capture;

namespace ProtoScope.Tui;

/// <summary>What the start screen chose.</summary>
public abstract record StartChoice
{
    public sealed record Interface(string Name) : StartChoice;
    public sealed record File(string Path) : StartChoice;
    /// <summary>A demo scenario, acted out live on loopback (<see cref="TuiOptions.Demos"/>).</summary>
    public sealed record Demo(string Name) : StartChoice;
}

/// <summary>
/// `protoscope` without arguments: pick an interface to capture on, a file to open, or a demo. Interfaces
/// come from libpcap (through <see cref="TuiOptions.ListInterfaces"/>); without libpcap or without permission the
/// list says so instead. The demos are the CLI's scenarios (<see cref="TuiOptions.Demos"/>), run live on loopback.
/// </summary>
public sealed class StartScreen : Window
{
    private readonly IApplication _app;
    private readonly List<StartChoice?> _choices = [];

    /// <param name="listInterfaces">Lists the interfaces (<see cref="TuiOptions.ListInterfaces"/>); null offers none.</param>
    /// <param name="demos">The demos to offer.</param>
    public StartScreen(IApplication app, Func<IReadOnlyList<CaptureInterface>>? listInterfaces, IReadOnlyList<DemoChoice> demos)
    {
        _app = app;
        Title = "ProtoScope";
        var items = new ObservableCollection<string>();
        items.Add("Open a capture file…");
        _choices.Add(null);
        foreach (var demo in demos)
        {
            items.Add($"Demo {demo.Name}: {demo.Description}");
            _choices.Add(new StartChoice.Demo(demo.Name));
        }
        var (devices, problem) = ListDevices(listInterfaces);
        foreach (var device in devices)
        {
            items.Add($"Capture on {device.Name}{(string.IsNullOrEmpty(device.Description) ? "" : $"  ({device.Description})")}");
            _choices.Add(new StartChoice.Interface(device.Name));
        }
        var intro = new Label { X = 1, Y = 1, Text = "Choose what to look at (Enter), or q to quit:" };
        List = new ListView { X = 1, Y = 3, Width = Dim.Fill(1), Height = Dim.Fill(3) };
        List.SetSource(items);
        List.Accepting += (_, e) =>
        {
            Choose(List.SelectedItem ?? 0);
            e.Handled = true;
        };
        var note = new Label { X = 1, Y = Pos.AnchorEnd(2), Width = Dim.Fill(1), Text = problem ?? $"{devices.Count} interfaces found by libpcap" };
        Add(intro, List, note);
        _app.Keyboard.KeyDown += OnAppKeyDown;
    }

    public ListView List { get; }
    public StartChoice? Choice { get; private set; }

    private void Choose(int index)
    {
        if (index < 0 || index >= _choices.Count) return;
        if (_choices[index] is { } choice)
        {
            Choice = choice;
            _app.RequestStop();
            return;
        }
        using var dialog = new OpenDialog { Title = "Open a capture file", AllowsMultipleSelection = false };
        _app.Run(dialog);
        if (!dialog.Canceled && dialog.FilePaths.Count > 0)
        {
            Choice = new StartChoice.File(dialog.FilePaths[0]);
            _app.RequestStop();
        }
    }

    /// <summary>q quits from anywhere on this screen (the list would take it as type-to-search).</summary>
    private void OnAppKeyDown(object? sender, Key key)
    {
        if (key.Handled || !ReferenceEquals(_app.TopRunnableView, this)) return;
        if (key == Key.Q || key == Key.Q.WithShift)
        {
            _app.RequestStop();
            key.Handled = true;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _app.Keyboard.KeyDown -= OnAppKeyDown;
        base.Dispose(disposing);
    }

    /// <summary>The capture devices libpcap lists, or why there are none.</summary>
    private static (IReadOnlyList<CaptureInterface> Devices, string? Problem) ListDevices(Func<IReadOnlyList<CaptureInterface>>? listInterfaces)
    {
        if (listInterfaces is null) return ([], "live capture is not available in this build");
        try
        {
            var devices = listInterfaces();
            return (devices, devices.Count == 0 ? "libpcap lists no interfaces: capturing needs root or CAP_NET_RAW" : null);
        }
        catch (CaptureError e)
        {
            return ([], e.Message);
        }
    }
}
