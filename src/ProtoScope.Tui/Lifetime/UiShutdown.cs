using System.Text;

namespace ProtoScope.Tui.Lifetime;

/// <summary>Why the UI ends without the user quitting.</summary>
public enum QuitReason { Signal, TerminalLost }

/// <summary>
/// Ends the UI when it is told to (SIGTERM, SIGINT, SIGHUP: the CLI's stop token) or when its terminal goes away,
/// from whatever screen or dialog is in front, and guarantees that the process does not outlive that decision.
/// </summary>
/// <remarks>
/// <para>
/// The orderly way: every session on Terminal.Gui's stack is asked to stop, the innermost first (each nested
/// <c>Run</c> returns and the code after it sees <see cref="Token"/> cancelled, so a save dialog saves nothing),
/// then the caller disposes the capture (a file being written is flushed and closed) and Terminal.Gui restores the
/// terminal if it is still there.
/// </para>
/// <para>
/// The guarantee: if the process still runs <see cref="Grace"/> after the decision (the UI loop stuck on a dead
/// terminal, a thread that will not end), <c>cleanup</c> runs on a timer thread (the capture file is flushed and
/// closed), the terminal's settings are put back as they were before the UI started when it is still there, and
/// the process ends at once with <c>_exit</c>. A root process left spinning after an SSH session dropped is the
/// failure this class exists to prevent.
/// </para>
/// </remarks>
public sealed class UiShutdown : IDisposable
{
    /// <summary>How long the orderly way may take before the process is ended regardless.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromMilliseconds(600);

    // Leave the alternate screen, show the cursor, reset colours, stop mouse reports: what a terminal needs back
    // after a full-screen program that could not restore it itself.
    private static readonly byte[] ResetSequence = Encoding.ASCII.GetBytes("\e[?1000l\e[?1002l\e[?1003l\e[?1006l\e[0m\e[?25h\e[?1049l");

    private static Timer? s_force;

    private readonly CancellationTokenSource _quit = new();
    private readonly CancellationTokenRegistration _signal;
    private readonly byte[]? _terminalSettings;
    private readonly Action _cleanup;
    private IApplication? _app;
    private TerminalWatch? _watch;
    private int _requested;

    /// <param name="stopping">Cancelled by the CLI on SIGINT, SIGTERM and SIGHUP.</param>
    /// <param name="cleanup">What must happen before the process ends even when the UI cannot end in order: flush and close files.</param>
    public UiShutdown(CancellationToken stopping, Action cleanup)
    {
        _cleanup = cleanup;
        _terminalSettings = Posix.GetTerminalSettings(Posix.StdinFd);
        _signal = stopping.Register(() => Request(QuitReason.Signal));
    }

    /// <summary>Cancelled once the UI has decided to end; code after a dialog's <c>Run</c> checks it before acting.</summary>
    public CancellationToken Token => _quit.Token;

    public QuitReason? Reason { get; private set; }

    /// <summary>True when stdin or stdout is hung up, in error or closed: nothing is left to restore.</summary>
    public static bool TerminalIsGone => Posix.AnyHungUp([Posix.StdinFd, Posix.StdoutFd], timeoutMs: 0);

    /// <summary>Starts watching the terminal and lets the request reach every running session of <paramref name="app"/>.</summary>
    public void Attach(IApplication app)
    {
        _app = app;
        app.Iteration += StopSessions;
        _watch = new TerminalWatch(() => Request(QuitReason.TerminalLost));
        if (_quit.IsCancellationRequested) Wake(app);
    }

    /// <summary>Decides that the UI ends; the first call wins, later ones do nothing.</summary>
    public void Request(QuitReason reason)
    {
        if (Interlocked.Exchange(ref _requested, 1) != 0) return;
        Reason = reason;
        s_force = new Timer(_ => Force(), null, Grace, System.Threading.Timeout.InfiniteTimeSpan);
        _quit.Cancel();
        if (_app is { } app) Wake(app);
    }

    /// <summary>
    /// Each iteration of whichever loop runs asks every running session to stop, so a dialog and the window under
    /// it end together instead of one loop turn each.
    /// </summary>
    private void StopSessions(object? sender, EventArgs e)
    {
        if (!_quit.IsCancellationRequested || _app?.SessionStack is not { } sessions) return;
        foreach (var session in sessions.ToArray())
            if (session.Runnable is { IsRunning: true } runnable) _app.RequestStop(runnable);
    }

    private static void Wake(IApplication app)
    {
        try
        {
        }
        catch (Exception e) when (e is NotInitializedException or ObjectDisposedException or InvalidOperationException)
        {
            // The UI has already ended; the caller is on its way out.
        }
    }

    private void Force()
    {
        try
        {
            _cleanup();
        }
        finally
        {
            if (!TerminalIsGone && _terminalSettings is not null)
            {
                Posix.Write(Posix.StdoutFd, ResetSequence);
                Posix.SetTerminalSettings(Posix.StdinFd, _terminalSettings);
            }
            Posix.ExitNow(0);
        }
    }

    public void Dispose()
    {
        _watch?.Dispose();
        if (_app is not null) _app.Iteration -= StopSessions;
        _signal.Dispose();
    }
}
