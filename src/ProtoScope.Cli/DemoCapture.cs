using ProtoScope.Capture;
using ProtoScope.Core.Session;
using ProtoScope.Peers.Demo;
using ProtoScope.Tui;

namespace ProtoScope.Cli;

/// <summary>
/// A demo as the UI sees it: a live capture on lo, filtered to the demo's port, while the peers act the scenarios
/// out on a worker. The capture opens before the peers start, so no packet is missed; the first step runs at once
/// (its packets are on the UI's first screen) and the others wait for the UI (<see cref="DemoSteps.BeginAsync"/>),
/// so the class sees them arrive. Disposing stops the peers, then the capture.
/// </summary>
internal sealed class DemoCapture : IPacketSource
{
    private readonly LiveCapture _capture;
    private readonly VethLink? _link;
    private readonly CancellationTokenSource _stop;
    private readonly Task _peers;

    private DemoCapture(LiveCapture capture, VethLink? link, IReadOnlyList<DemoScenario> scenarios, int port, TimeSpan pause, DemoSteps steps, CancellationToken stopping)
    {
        _capture = capture;
        _link = link;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var cancel = _stop.Token;
        Name = $"demo {(scenarios.Count == 1 ? scenarios[0].Name : "all")} ({link?.Interface ?? "lo"}, port {port})";
        _peers = Task.Run(async () =>
        {
            string? failure = null;
            try
            {
                // With --step even the first step waits for a key, which only the UI can take.
                if (steps.WaitForKey) await steps.BeginAsync(cancel);
                foreach (var scenario in scenarios)
                {
                    steps.Say($"{scenario.Name}: {scenario.Description}");
                    await scenario.RunAsync(new DemoRun(port, pause, steps.Say, cancel, steps.WaitForKey ? steps.NextAsync : null, steps.BeginAsync) { Link = link });
                }
                steps.Say("finished: step through the packets with n and b");
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or InvalidOperationException or VethLinkException)
            {
                failure = e.Message;
            }
            steps.Finish(failure);
        });
    }

    /// <summary>
    /// Opens the capture and starts the peers. Throws <see cref="CaptureError"/> when lo cannot be captured (no
    /// permission, no libpcap), or when a scenario's own link cannot be made: a demo in the UI without its packets
    /// would show nothing. A scenario with a link runs alone, captured on the link's interface.
    /// </summary>
    public static DemoCapture Start(IReadOnlyList<DemoScenario> scenarios, int port, TimeSpan pause, DemoSteps steps, CancellationToken stopping)
    {
        VethLink? link;
        try
        {
            link = scenarios is [{ Link: { } makeLink }] ? makeLink(port) : null;
        }
        catch (VethLinkException e)
        {
            throw new CaptureError(e.Message, e);
        }
        try
        {
            // Immediate mode: each packet on screen the moment it is sent, not up to 100 ms later with its block. A demo
            // sends a few dozen packets, far from the rates at which immediate mode drops (LiveCaptureOptions.Immediate).
            var capture = link is null
                ? LiveCapture.Open("lo", new LiveCaptureOptions { Filter = $"port {port}", Promiscuous = false, Immediate = true })
                : LiveCapture.Open(link.Interface, new LiveCaptureOptions { Filter = link.CaptureFilter, Promiscuous = false, Immediate = true });
            return new DemoCapture(capture, link, scenarios, port, pause, steps, stopping);
        }
        catch
        {
            link?.Dispose();
            throw;
        }
    }

    public string Name { get; }
    public int LinkType => _capture.LinkType;
    public int TimestampUnit => _capture.TimestampUnit;
    public string? Error => _capture.Error;
    public int Snaplen => _capture.Snaplen;
    public long DroppedByKernel => _capture.Statistics.DroppedByKernel;

    public ReadStatus Read(out PacketHeader header, out ReadOnlySpan<byte> data) => _capture.Read(out header, out data);

    public void Dispose()
    {
        _stop.Cancel();
        // The peers end at their next await. The wait is short: the UI must be gone within a second of losing its
        // terminal (UiShutdown), and peers still closing their sockets are ended with the process.
        _peers.Wait(TimeSpan.FromMilliseconds(200));
        _capture.Dispose();
        _link?.Dispose();
        _stop.Dispose();
    }
}
