using System.CommandLine;
using System.Diagnostics;
using ProtoScope.Capture;
using ProtoScope.Core.Decoding;

namespace ProtoScope.Cli;

/// <summary>
/// `protoscope replay FILE -i IFACE`: sends a capture's frames onto an interface with their original spacing,
/// as tcpreplay does, e.g. to play a saved handshake into a live view.
/// </summary>
internal static class ReplayCommand
{
    public static Command Create(CliContext ctx)
    {
        var file = CommonOptions.CaptureFile();
        var iface = new Option<string>("--interface", "-i") { Description = "The interface to send on: loopback, or any interface inside a network namespace of its own.", Required = true };
        var speed = new Option<double?>("--speed") { Description = "Play this many times faster than captured (0.5 is half speed)." };
        var topSpeed = new Option<bool>("--top-speed") { Description = "Send as fast as possible, ignoring the timestamps." };
        var loop = new Option<int>("--loop") { Description = "Play the file this many times.", DefaultValueFactory = _ => 1 };
        var yes = new Option<bool>("--yes-really") { Description = "Allow an interface that may lead to a real network." };
        var cmd = new Command("replay", "Send the packets of a capture onto an interface with their original timing.") { file, iface, speed, topSpeed, loop, yes };
        cmd.SetAction(r => Run(ctx, r.GetValue(file)!, r.GetValue(iface)!, r.GetValue(speed), r.GetValue(topSpeed), r.GetValue(loop), r.GetValue(yes)));
        return cmd;
    }

    private static int Run(CliContext ctx, string path, string name, double? speed, bool topSpeed, int loops, bool yesReally)
    {
        if (speed is not null && topSpeed) return ctx.Fail("--speed and --top-speed exclude each other: give one");
        if (speed is not null && !(speed > 0 && double.IsFinite(speed.Value))) return ctx.Fail("--speed must be a positive number (2 plays twice as fast)");
        if (loops < 1) return ctx.Fail("--loop must be at least 1");
        using (CaptureFile.Open(path)) { }

        using var injector = PacketInjector.Open(name);
        if (!injector.IsLoopback && !PacketInjector.InOwnNetworkNamespace() && !yesReally)
            return ctx.Fail($"refusing to send onto {name}: it is not loopback and this is the host's own network namespace, so the packets could reach a real network; use lo, run inside 'ip netns exec', or add --yes-really");

        var stopped = ctx.Stopping;

        long sent = 0, bytes = 0, failed = 0;
        string? firstFailure = null;
        var clock = Stopwatch.StartNew();
        for (int round = 0; round < loops && !stopped.IsCancellationRequested; round++)
        {
            using var source = CaptureFile.Open(path);
            if (source.LinkType != injector.LinkType)
                return ctx.Fail($"{path} holds {LinkType.Name(source.LinkType)} frames but {name} sends {LinkType.Name(injector.LinkType)} frames; replay it onto an interface of the same link type");
            long? firstTimestamp = null;
            long roundStart = 0;
            long countBefore = sent + failed;
            ReadStatus status;
            while (!stopped.IsCancellationRequested && (status = source.Read(out var header, out var data)) != ReadStatus.End)
            {
                if (status == ReadStatus.Error)
                {
                    ctx.Stderr.WriteLine($"protoscope: {source.Error}; the packets before it were sent");
                    break;
                }
                if (firstTimestamp is null)
                    firstTimestamp = header.Timestamp;
                else if (!topSpeed)
                    WaitUntil(clock, roundStart + ToTicks((header.Timestamp - firstTimestamp.Value) / (speed ?? 1.0)), stopped);
                string? error = injector.Send(data);
                // The schedule starts when the first frame has left: its send (the first call into libpcap)
                // can take tens of milliseconds, which would otherwise bunch up the frames after it.
                if (sent + failed == countBefore) roundStart = clock.ElapsedTicks;
                if (error is not null)
                {
                    failed++;
                    firstFailure ??= error;
                    continue;
                }
                sent++;
                bytes += data.Length;
            }
        }
        ctx.Stderr.WriteLine($"protoscope: sent {sent} packets ({bytes} bytes) onto {name} in {clock.Elapsed.TotalSeconds:F3} s" +
                             (failed > 0 ? $"; {failed} could not be sent ({firstFailure})" : ""));
        return failed > 0 ? ExitCodes.Failed : ExitCodes.Ok;
    }

    private static long ToTicks(double nanoseconds) => (long)(nanoseconds * Stopwatch.Frequency / 1e9);

    /// <summary>Sleeps most of the way and spins the last millisecond: Thread.Sleep alone is off by a scheduler tick.</summary>
    private static void WaitUntil(Stopwatch clock, long ticks, CancellationToken stop)
    {
        long spinFrom = Stopwatch.Frequency / 1000;
        while (!stop.IsCancellationRequested)
        {
            long left = ticks - clock.ElapsedTicks;
            if (left <= 0) return;
            if (left > 2 * spinFrom) stop.WaitHandle.WaitOne(TimeSpan.FromTicks((left - spinFrom) * TimeSpan.TicksPerSecond / Stopwatch.Frequency));
            else Thread.SpinWait(20);
        }
    }
}
