using System.Runtime.InteropServices;

namespace ProtoScope.Cli;

/// <summary>
/// SIGINT, SIGTERM and SIGHUP cancel a token instead of killing the process, while a verb runs: captures flush
/// their files, peers close their connections, the UI ends from whatever screen is in front. A second SIGINT or
/// SIGTERM while that is under way ends the process at once, with the signal's default action. A second SIGHUP
/// does not: a terminal that closes sends more than one, and the first has already started the orderly stop.
/// </summary>
internal sealed partial class StopSignals : IDisposable
{
    private readonly CancellationTokenSource _source;
    private readonly PosixSignalRegistration[] _registrations;

    public StopSignals(CancellationToken outer)
    {
        _source = CancellationTokenSource.CreateLinkedTokenSource(outer);
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop),
            PosixSignalRegistration.Create(PosixSignal.SIGHUP, Stop),
        ];
    }

    public CancellationToken Token => _source.Token;

    private void Stop(PosixSignalContext context)
    {
        context.Cancel = !(_source.IsCancellationRequested && context.Signal is PosixSignal.SIGINT or PosixSignal.SIGTERM);
        _source.Cancel();
    }

    /// <summary>
    /// A non-interactive shell starts background jobs with SIGINT ignored, and the runtime keeps an ignored signal
    /// ignored, so `protoscope capture -w x.pcap & ... kill -INT $!` would do nothing. tcpdump installs its own
    /// handler whatever it inherited; the verbs that run until stopped (capture, echo, demo, replay) do the same here. It must
    /// run before anything touches Console or signals: the runtime looks at SIGINT once, when it first sets up its
    /// signal handling.
    /// </summary>
    public static void HonourInterruptInBackground(string[] args)
    {
        if (args.Length > 0 && args[0] is "capture" or "echo" or "demo" or "replay" && OperatingSystem.IsLinux())
            signal(SigInt, SigDfl);
    }

    private const int SigInt = 2;
    private static readonly nint SigDfl = 0;

    [LibraryImport("libc")]
    private static partial nint signal(int signal, nint handler);

    public void Dispose()
    {
        foreach (var r in _registrations) r.Dispose();
        _source.Dispose();
    }
}
