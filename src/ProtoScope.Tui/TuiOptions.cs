using ProtoScope.Capture;

namespace ProtoScope.Tui;

/// <summary>Opens a live capture on an interface with an optional BPF filter (the live-capture source supplies it).</summary>
public delegate IPacketSource LiveSourceFactory(string device, string? bpf);

/// <summary>
/// What `protoscope` was asked to open (a file, an interface, or neither: the start screen), and how packet sources
/// are opened. The CLI fills in the ways to open sources, so the UI knows Capture's interfaces and nothing of libpcap.
/// </summary>
public sealed record TuiOptions
{
    public string? File { get; init; }
    public string? Interface { get; init; }
    public string? CaptureFilter { get; init; }

    /// <summary>Replays the file with its original timing instead of loading it at once.</summary>
    public bool Replay { get; init; }

    /// <summary>
    /// Opens a capture file, or throws <see cref="CaptureError"/> with a message for the user; null when this build
    /// cannot read files.
    /// </summary>
    public Func<string, IPacketSource>? OpenFile { get; init; }

    /// <summary>
    /// The interfaces the start screen offers, or throws <see cref="CaptureError"/> saying why there are none (no
    /// libpcap); null when this build has no live capture.
    /// </summary>
    public Func<IReadOnlyList<CaptureInterface>>? ListInterfaces { get; init; }

    /// <summary>How live sources are opened; null when this build has no live capture.</summary>
    public LiveSourceFactory? OpenLive { get; init; }

    /// <summary>
    /// With -w: opens the file a live capture is saved to as it runs, for the source just opened; null to save
    /// nothing.
    /// </summary>
    public Func<IPacketSource, ICaptureWriter>? OpenWriter { get; init; }

    /// <summary>Cancelled on SIGINT, SIGTERM and SIGHUP: the UI ends from whatever screen is in front.</summary>
    public CancellationToken Stopping { get; init; }

    /// <summary>Packets the kernel dropped on the live source, when it can tell.</summary>
    public Func<IPacketSource, long?>? DroppedPackets { get; init; }

    /// <summary>`protoscope demo SCENARIO`: the demo to start at once, live, instead of a file or an interface.</summary>
    public string? Demo { get; init; }

    /// <summary>The demos the start screen offers (the CLI's scenarios); empty when this build has none.</summary>
    public IReadOnlyList<DemoChoice> Demos { get; init; } = [];

    /// <summary>How a demo is started (see <see cref="DemoStarter"/>); null when this build has no demos.</summary>
    public DemoStarter? StartDemo { get; init; }

    /// <summary>With `demo --step`: each step of the scenario waits for n.</summary>
    public bool DemoWaitsForKey { get; init; }

    /// <summary>Opens the main screen with the lesson pane shown (`demo` does).</summary>
    public bool Lesson { get; init; }

    /// <summary>The language of the lessons: "en" or "zh" (<see cref="Lessons.LessonBook.Languages"/>).</summary>
    public string Language { get; init; } = "en";
}
