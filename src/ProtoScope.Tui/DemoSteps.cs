using ProtoScope.Capture;
using ProtoScope.Core.Framing;

namespace ProtoScope.Tui;

/// <summary>
/// A classroom demo the CLI can act out, by its scenario's name and description (Tui does not reference Peers), and
/// the framing its messages are read with (null: the length prefix).
/// </summary>
public sealed record DemoChoice(string Name, string Description, FramingSpec? Framing = null);

/// <summary>
/// Starts a demo: opens the capture first, so no packet of it is missed, then sets the peers going on a worker
/// that follows <paramref name="steps"/>, and returns the capture. Disposing the source stops the peers.
/// </summary>
public delegate IPacketSource DemoStarter(string scenario, DemoSteps steps);

/// <summary>
/// The pace of a running demo, shared by the UI thread and the peers' worker: after their first step the peers wait
/// until the UI is up (<see cref="BeginAsync"/>), so the class sees the exchange unfold rather than a screen that
/// opens on a finished one; they say each step (<see cref="Say"/>, shown on the status line); with <c>--step</c>
/// each step waits for the user's key (<see cref="NextAsync"/>, released by <see cref="Release"/>).
/// </summary>
public sealed class DemoSteps(bool waitForKey)
{
    private readonly TaskCompletionSource _shown = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _gate = new(0);
    private volatile string? _said;
    private volatile string? _failure;
    private volatile bool _waiting;
    private volatile bool _finished;

    /// <summary>With <c>--step</c>: every step of the scenario waits for a key.</summary>
    public bool WaitForKey { get; } = waitForKey;

    /// <summary>How the Frames view first cuts the demo's streams (the <c>http</c> demo: HTTP); null for the length prefix.</summary>
    public FramingSpec? Framing { get; init; }

    /// <summary>What the scenario said last ("client connects to 127.0.0.1:9000: SYN, SYN-ACK, ACK").</summary>
    public string? LastSaid => _said;

    /// <summary>A step is held until <see cref="Release"/>.</summary>
    public bool Waiting => _waiting;

    public bool Finished => _finished;

    /// <summary>Why the peers stopped early, or null.</summary>
    public string? Failure => _failure;

    /// <summary>The UI shows its first screen: the peers may start.</summary>
    public void Shown() => _shown.TrySetResult();

    /// <summary>Waits until the UI is up; the peers call it before each step but the first.</summary>
    public Task BeginAsync(CancellationToken cancel) => _shown.Task.WaitAsync(cancel);

    public void Say(string line) => _said = line;

    /// <summary>Holds the next step until the user's key (with <see cref="WaitForKey"/>; otherwise returns at once).</summary>
    public async Task NextAsync(CancellationToken cancel)
    {
        if (!WaitForKey) return;
        _waiting = true;
        try
        {
            await _gate.WaitAsync(cancel);
        }
        finally
        {
            _waiting = false;
        }
    }

    /// <summary>Lets the held step go; false when no step is waiting (a key pressed twice releases one step, not two).</summary>
    public bool Release()
    {
        if (!_waiting || _gate.CurrentCount > 0) return false;
        _gate.Release();
        return true;
    }

    /// <summary>The scenario ended, with <paramref name="failure"/> saying why when it did not run to its end.</summary>
    public void Finish(string? failure)
    {
        _failure = failure;
        _finished = true;
    }
}
