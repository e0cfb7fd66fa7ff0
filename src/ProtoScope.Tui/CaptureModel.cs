using ProtoScope.Capture;
using ProtoScope.Core.Framing;
using ProtoScope.Core.Reassembly;
using ProtoScope.Core.Session;

namespace ProtoScope.Tui;

public enum CaptureState { Reading, Paused, Done, Stopped, Failed }

/// <summary>
/// One capture being looked at: the packet source, the one pass (<see cref="CaptureSession"/>) and the
/// <see cref="PacketTable"/> it fills, run on a reader thread of its own. File, live and replay differ only in
/// pacing: a file is read as fast as possible, a live source delivers packets as they arrive, and a replay
/// waits for each packet's original time (scaled by <see cref="Speed"/>).
/// <para>
/// Threading: the reader thread is the table's only writer; the UI reads <see cref="PacketTable.Count"/>, rows
/// below it, and the counters here. The conversation table is read by the UI while the reader adds to it: the
/// views read <c>Count</c> first and then only entries below it, which List keeps valid while it grows.
/// </para>
/// </summary>
public sealed class CaptureModel : IDisposable
{
    private readonly IPacketSource _source;
    private readonly long _fileSize;
    private readonly Thread _reader;
    private readonly ManualResetEventSlim _running = new(true);
    private volatile bool _stop;
    private long _bytesRead;
    private int _steps;
    private volatile CaptureState _state = CaptureState.Reading;
    private readonly Lock _disposing = new();
    private bool _disposed;

    public CaptureModel(IPacketSource source, CaptureKind kind, double speed = 1)
    {
        _source = source;
        Kind = kind;
        Speed = speed;
        Table = new PacketTable(source.LinkType);
        Session = new CaptureSession(source.LinkType, source.TimestampUnit, Table);
        // Reassembly and framing run in the same pass so that a framing error marks its packet in the table for the
        // display filter; the messages themselves are not kept (the Frames view frames its one conversation again
        // from the stored packets). Every conversation is tried; those that never parse as frames are "not
        // framed", not errors.
        var framer = new ConversationFramer(Framing, new FramedMessageLog(Table, keepMessages: false));
        Session.Reassembly = new Reassembler(framer, framer);
        _fileSize = kind != CaptureKind.Live && File.Exists(source.Name) ? new FileInfo(source.Name).Length : 0;
        _reader = new Thread(Read) { IsBackground = true, Name = "protoscope reader" };
    }

    public CaptureKind Kind { get; }
    public string Name => _source.Name;
    public PacketTable Table { get; }
    public CaptureSession Session { get; }

    /// <summary>Bytes of each message kept for the Frames view's preview.</summary>
    public const int PreviewBytes = 32;

    /// <summary>
    /// How the one pass and the Frames view frame conversations: the same options, so the errors the pass marks
    /// on packets are the ones the view lists.
    /// </summary>
    public static readonly ConversationFramerOptions Framing = new() { DetectNotFramed = true, PreviewBytes = PreviewBytes };

    public CaptureState State => _state;
    public string? Error { get; private set; }

    /// <summary>Replay speed: 1 = original timing, 2, 10, or 0 for as fast as possible.</summary>
    public double Speed { get; private set; }

    private static readonly double[] SpeedSteps = [1, 2, 10, 0];

    /// <summary>The replay speeds <see cref="Faster"/> and <see cref="Slower"/> step through, slowest first.</summary>
    public static IReadOnlyList<double> Speeds => SpeedSteps;

    /// <summary>How a replay speed is shown: "2x", or "max speed" for 0.</summary>
    public static string SpeedText(double speed) => speed <= 0 ? "max speed" : $"{speed:0.#}x";

    /// <summary>Bytes of packet data read so far (captured lengths).</summary>
    public long Bytes => Interlocked.Read(ref _bytesRead);

    /// <summary>
    /// Where every packet read is also saved as it arrives (`protoscope -i IFACE -w FILE`), or null. The reader
    /// thread writes it and pushes it to the file at least every 200 ms; <see cref="Dispose"/> flushes and closes it,
    /// on quit, on a signal and when the terminal goes away.
    /// </summary>
    public ICaptureWriter? Writer { get; init; }

    /// <summary>The pace of the demo whose packets this live capture shows (`protoscope demo`); null otherwise.</summary>
    public DemoSteps? Demo { get; init; }

    /// <summary>Packets the kernel dropped, when the source can tell (live capture); null otherwise.</summary>
    public Func<long?>? DroppedPackets { get; init; }

    /// <summary>How far through the file the reader is, 0 to 1; null for live sources.</summary>
    public double? Progress
    {
        get
        {
            if (_fileSize == 0) return null;
            if (_state is CaptureState.Done) return 1;
            // Each pcap record is a 16-byte header and the captured bytes; pcapng blocks are a little larger.
            double read = Bytes + 16.0 * Table.Count + 24;
            return Math.Min(1, read / _fileSize);
        }
    }

    public void Start() => _reader.Start();

    /// <summary>
    /// Whether <see cref="TogglePause"/> pauses reading: a file being loaded or replayed. A live capture reads on,
    /// or the kernel buffer would fill and drop packets; the UI freezes its view instead.
    /// </summary>
    public bool CanPause => Kind != CaptureKind.Live;

    /// <summary>
    /// Pauses a file or replay that is reading, resumes one that is paused; a live capture, or one that has ended,
    /// is left as it is. Returns the state after.
    /// </summary>
    public CaptureState TogglePause()
    {
        if (!CanPause) return _state;
        if (_state == CaptureState.Paused) Resume();
        else Pause();
        return _state;
    }

    /// <summary>Pauses reading (live: packets wait in the kernel buffer; replay: the clock stops).</summary>
    public void Pause()
    {
        if (_state != CaptureState.Reading) return;
        _running.Reset();
        _state = CaptureState.Paused;
    }

    public void Resume()
    {
        if (_state != CaptureState.Paused) return;
        _state = CaptureState.Reading;
        _running.Set();
    }

    /// <summary>
    /// Replay's single step: pauses a running replay and lets exactly one more packet through. A demo run with
    /// <c>--step</c> lets its next step go instead (the peers, not the capture, are held). Nothing else steps (false):
    /// a file loads as fast as it can and a live capture cannot be held.
    /// </summary>
    public bool Step()
    {
        if (Demo is { WaitForKey: true } demo) return demo.Release();
        if (Kind != CaptureKind.Replay) return false;
        if (_state == CaptureState.Reading) Pause();
        Interlocked.Increment(ref _steps);
        if (_state == CaptureState.Paused) _running.Set();
        return true;
    }

    /// <summary>The next speed up in <see cref="Speeds"/> (as fast as possible stays); false when this is no replay.</summary>
    public bool Faster() => ChangeSpeed(+1);

    /// <summary>The next speed down in <see cref="Speeds"/> (1x stays); false when this is no replay.</summary>
    public bool Slower() => ChangeSpeed(-1);

    private bool ChangeSpeed(int direction)
    {
        if (Kind != CaptureKind.Replay) return false;
        int i = Array.IndexOf(SpeedSteps, Speed);
        Speed = SpeedSteps[Math.Clamp((i < 0 ? 0 : i) + direction, 0, SpeedSteps.Length - 1)];
        return true;
    }

    /// <summary>Stops reading for good; what was read stays in the table.</summary>
    public void Stop()
    {
        _stop = true;
        _running.Set();
    }

    /// <summary>Waits for the reader thread to end (tests, and the benchmark's "fully loaded").</summary>
    public bool WaitUntilRead(TimeSpan timeout) => _reader.Join(timeout);

    private void Read()
    {
        var replay = new ReplayClock();
        long lastFlush = Environment.TickCount64;
        try
        {
            while (!_stop)
            {
                if (Writer is not null && Environment.TickCount64 - lastFlush >= 200)
                {
                    Writer.Flush();
                    lastFlush = Environment.TickCount64;
                }
                if (!_running.IsSet)
                {
                    _running.Wait();
                    replay.Resume();
                    if (_stop) break;
                }
                var status = _source.ReadDecoded(out var header, out var data, ref Session.Next);
                if (status == ReadStatus.Timeout) continue;
                if (status == ReadStatus.End) break;
                if (status == ReadStatus.Error)
                {
                    Error = _source.Error;
                    _state = CaptureState.Failed;
                    return;
                }
                if (Kind == CaptureKind.Replay)
                    WaitForOriginalTime(ref replay, header.Timestamp);
                if (_stop) break;
                Session.AddDecoded(header, data);
                Writer?.Write(header, data);
                Interlocked.Add(ref _bytesRead, data.Length);
                // Steps asked for in a row each let a packet through: pause again only after the last one.
                if (Volatile.Read(ref _steps) > 0 && Interlocked.Decrement(ref _steps) == 0 && _state == CaptureState.Paused)
                    _running.Reset();
            }
            // Streams still open and frames still in progress end here: a truncated last frame is reported now.
            Session.Reassembly!.Finish(Session.PacketCount);
            _state = _stop ? CaptureState.Stopped : CaptureState.Done;
        }
        catch (Exception e) when (e is CaptureError or IOException or InvalidOperationException)
        {
            Error = e.Message;
            _state = CaptureState.Failed;
        }
    }

    /// <summary>
    /// Replay time: capture time since the first packet, advanced by real time × <see cref="Speed"/>, so a speed
    /// change or a pause takes effect from that moment on without a jump.
    /// </summary>
    private struct ReplayClock
    {
        public long FirstTimestamp;
        public bool Started;
        public double CaptureNs;
        public long LastTicks;

        public void Resume() => LastTicks = System.Diagnostics.Stopwatch.GetTimestamp();
    }

    /// <summary>Sleeps, in short naps so pause, stop, step and speed changes act at once, until the replay clock reaches the packet.</summary>
    private void WaitForOriginalTime(ref ReplayClock clock, long timestamp)
    {
        if (!clock.Started)
        {
            clock.Started = true;
            clock.FirstTimestamp = timestamp;
            clock.Resume();
        }
        long due = timestamp - clock.FirstTimestamp;
        while (!_stop)
        {
            long now = System.Diagnostics.Stopwatch.GetTimestamp();
            if (_running.IsSet) clock.CaptureNs += System.Diagnostics.Stopwatch.GetElapsedTime(clock.LastTicks, now).TotalNanoseconds * Speed;
            clock.LastTicks = now;
            if (Speed <= 0 || Volatile.Read(ref _steps) > 0 || clock.CaptureNs >= due)
            {
                clock.CaptureNs = Math.Max(clock.CaptureNs, due);
                return;
            }
            Thread.Sleep(TimeSpan.FromMilliseconds(Math.Clamp((due - clock.CaptureNs) / Speed / 1e6, 1, 50)));
        }
    }

    /// <summary>
    /// Stops the reader, then closes the saved file (<see cref="Writer"/>) and the source. Safe to call from two
    /// threads at once (the UI's own end and <see cref="Lifetime.UiShutdown"/>'s timer): the second waits for the
    /// first and does nothing.
    /// </summary>
    public void Dispose()
    {
        lock (_disposing)
        {
            if (_disposed) return;
            _disposed = true;
            Stop();
            if (_reader.IsAlive) _reader.Join(TimeSpan.FromSeconds(2));
            Writer?.Dispose();
            _source.Dispose();
            _running.Dispose();
        }
    }
}

public enum CaptureKind { File, Live, Replay }
