using System.Buffers;
using System.Collections.Concurrent;
using ProtoScope.Core.Session;
using SharpPcap;
using SharpPcap.LibPcap;

namespace ProtoScope.Capture;

/// <summary>
/// Packets from a live interface. A capture thread of its own runs libpcap's read loop and copies each
/// packet out of libpcap's ring into a pooled buffer on a queue, so a slow consumer never stalls libpcap
/// (the kernel would drop instead). The queue grows up to <see cref="LiveCaptureOptions.MaxQueuedBytes"/>.
/// </summary>
/// <remarks>
/// Threading: one consumer calls <see cref="Read"/>; <see cref="Stop"/> and <see cref="Statistics"/> may be
/// called from any thread (a signal handler, a timer). After <see cref="Stop"/> the capture thread empties
/// libpcap's ring without waiting, so every packet the kernel had already captured is still delivered, and
/// then <see cref="Read"/> returns <see cref="ReadStatus.End"/>.
/// </remarks>
public sealed class LiveCapture : IPacketSource
{
    private readonly LibPcapLiveDevice _device;
    private readonly LiveCaptureOptions _options;
    private readonly ConcurrentQueue<QueuedPacket> _queue = new();
    // Little spinning: the consumer mostly waits for packets that are milliseconds away.
    private readonly ManualResetEventSlim _arrived = new(false, spinCount: 1);
    private readonly Thread _thread;
    private readonly int _blockTimeoutMs;

    /// <summary>How long <see cref="Read"/> waits before it returns Timeout; a packet ends the wait at once.</summary>
    private const int ConsumerWaitMs = 100;
    private byte[]? _lent;
    private long _queuedBytes;
    private long _captured;
    private long _droppedByProtoScope;
    private int _consumerWaiting;
    private volatile bool _stopRequested;
    private volatile bool _disposing;
    private volatile bool _finished;
    private CaptureStatistics _statistics;
    private readonly Lock _statisticsLock = new();

    private readonly record struct QueuedPacket(PacketHeader Header, byte[] Buffer);

    public string Name { get; }
    public int LinkType { get; }
    public int Snaplen => _options.Snaplen;

    /// <summary>Nanoseconds: the device is opened with nanosecond timestamps.</summary>
    public int TimestampUnit => 1_000_000_000;
    public string? Error { get; private set; }

    /// <summary>True while packets wait in the queue: a consumer that prints flushes when this turns false.</summary>
    public bool HasPending => !_queue.IsEmpty;

    private LiveCapture(string name, LibPcapLiveDevice device, LiveCaptureOptions options)
    {
        Name = name;
        _device = device;
        _options = options;
        LinkType = (int)device.LinkType;
        _blockTimeoutMs = Math.Max(1, (int)options.ReadTimeout.TotalMilliseconds);
        _thread = new Thread(CaptureLoop) { IsBackground = true, Name = $"capture {name}", Priority = ThreadPriority.AboveNormal };
    }

    /// <summary>
    /// Opens <paramref name="name"/> and starts capturing at once. Throws <see cref="CaptureError"/> for a bad
    /// filter (with libpcap's own message), an unknown or down interface, or missing permission.
    /// </summary>
    public static LiveCapture Open(string name, LiveCaptureOptions options)
    {
        if (options.Snaplen is < 1 or > LiveCaptureOptions.DefaultSnaplen)
            throw new CaptureError($"snapshot length {options.Snaplen} is out of range: use 1 to {LiveCaptureOptions.DefaultSnaplen}");
        if (!string.IsNullOrWhiteSpace(options.Filter))
            CheckFilter(options.Filter);

        var device = LiveDevices.Find(name);
        var config = new DeviceConfiguration
        {
            Mode = options.Promiscuous ? DeviceModes.Promiscuous : DeviceModes.None,
            Snaplen = options.Snaplen,
            ReadTimeout = Math.Max(1, (int)options.ReadTimeout.TotalMilliseconds),
            BufferSize = options.BufferSize ?? (options.Immediate ? LiveCaptureOptions.ImmediateBufferSize : LiveCaptureOptions.DefaultBufferSize),
            Immediate = options.Immediate,
            TimestampResolution = TimestampResolution.Nanosecond,
        };
        LiveDevices.Open(device, config);
        try
        {
            if (!string.IsNullOrWhiteSpace(options.Filter))
                device.Filter = options.Filter;
        }
        catch (PcapException e)
        {
            device.Close();
            throw new CaptureError($"cannot apply the filter '{options.Filter}' on {name}: {e.Message}", e);
        }
        var capture = new LiveCapture(name, device, options);
        capture._thread.Start();
        return capture;
    }

    /// <summary>Compiles <paramref name="filter"/> and throws <see cref="CaptureError"/> with libpcap's message when it is wrong.</summary>
    public static void CheckFilter(string filter)
    {
        string? error = null;
        if (!Libpcap.Call(() => PcapDevice.CheckFilter(filter, out error)))
            throw new CaptureError($"bad capture filter '{filter}': {error?.Trim()} (see 'man pcap-filter')");
    }

    /// <summary>What to tell a user who may not capture on <paramref name="interfaceName"/>: both fixes, in one line.</summary>
    public static string PermissionDeniedMessage(string interfaceName) => LiveDevices.PermissionDenied(interfaceName);

    /// <summary>The latest counters; libpcap's are sampled by the capture thread every quarter second and when it ends.</summary>
    public CaptureStatistics Statistics
    {
        get
        {
            lock (_statisticsLock)
                return _statistics with { Captured = Interlocked.Read(ref _captured), DroppedByProtoScope = Interlocked.Read(ref _droppedByProtoScope) };
        }
    }

    /// <summary>Ends the capture: packets already captured are still delivered, then <see cref="Read"/> returns End.</summary>
    public void Stop()
    {
        if (_stopRequested) return;
        _stopRequested = true;
        lock (_statisticsLock)
        {
            if (!_finished) Libpcap.Breakloop(_device.Handle);
        }
        _arrived.Set();
    }

    /// <summary>
    /// The next packet. The bytes stay valid until the next call. Returns <see cref="ReadStatus.Timeout"/>
    /// after 100 ms without a packet, <see cref="ReadStatus.End"/> once stopped and drained.
    /// </summary>
    public unsafe ReadStatus Read(out PacketHeader header, out ReadOnlySpan<byte> data)
    {
        if (_lent is not null)
        {
            ArrayPool<byte>.Shared.Return(_lent);
            _lent = null;
        }
        for (int attempt = 0; ; attempt++)
        {
            if (_queue.TryDequeue(out var packet))
            {
                Interlocked.Add(ref _queuedBytes, -packet.Buffer.Length);
                _lent = packet.Buffer;
                header = packet.Header;
                data = new ReadOnlySpan<byte>(packet.Buffer, 0, packet.Header.CapturedLength);
                return ReadStatus.Packet;
            }
            header = default;
            data = default;
            if (_finished)
            {
                // The capture thread enqueues before it sets _finished: one more look settles the race.
                if (!_queue.IsEmpty) continue;
                return Error is null ? ReadStatus.End : ReadStatus.Error;
            }
            if (attempt > 0) return ReadStatus.Timeout;
            _arrived.Reset();
            Interlocked.Exchange(ref _consumerWaiting, 1);
            if (_queue.IsEmpty && !_finished)
                _arrived.Wait(ConsumerWaitMs);
            Interlocked.Exchange(ref _consumerWaiting, 0);
        }
    }

    private void CaptureLoop()
    {
        IntPtr hdr = IntPtr.Zero, bytes = IntPtr.Zero;
        bool draining = false;
        long quietSince = 0;
        long nextSample = 0;
        try
        {
            while (true)
            {
                // Disposed without a reader left to take what the ring still holds: end at once, do not drain.
                if (_disposing) break;
                if (_stopRequested && !draining)
                {
                    // Empty the ring without waiting: pcap_next_ex returns 0 at once when it is empty.
                    _device.NonBlockingMode = true;
                    draining = true;
                }
                int res = _device.GetNextPacketPointers(ref hdr, ref bytes);
                if (res == 1)
                {
                    Enqueue(hdr, bytes);
                    quietSince = 0;
                }
                else if (res == 0)
                {
                    if (draining)
                    {
                        // In immediate mode an empty ring is the end. TPACKET_V3 shows a block only once
                        // the kernel retires it, at the latest after the read timeout: wait that long.
                        if (_options.Immediate) break;
                        long t = Environment.TickCount64;
                        if (quietSince == 0) quietSince = t;
                        else if (t - quietSince > _blockTimeoutMs + 20) break;
                        Thread.Sleep(1);
                    }
                }
                else if (res == -2)
                {
                    // pcap_breakloop from Stop: go round once more to drain the ring.
                    if (!_stopRequested) break;
                }
                else
                {
                    Error = $"{Name}: {_device.LastError.Trim()}";
                    break;
                }
                long now = Environment.TickCount64;
                if (now >= nextSample)
                {
                    SampleStatistics();
                    nextSample = now + 250;
                }
            }
            SampleStatistics();
        }
        catch (Exception e) when (e is PcapException or ObjectDisposedException)
        {
            Error ??= $"{Name}: {e.Message}";
        }
        finally
        {
            lock (_statisticsLock) _finished = true;
            _arrived.Set();
        }
    }

    private unsafe void Enqueue(IntPtr hdr, IntPtr bytes)
    {
        var header = CaptureFile.ReadRecordHeader(hdr, TimestampUnit);
        int length = header.CapturedLength;
        if (Interlocked.Read(ref _queuedBytes) + length > _options.MaxQueuedBytes)
        {
            Interlocked.Increment(ref _droppedByProtoScope);
            return;
        }
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        new ReadOnlySpan<byte>((void*)bytes, length).CopyTo(buffer);
        Interlocked.Add(ref _queuedBytes, buffer.Length);
        _queue.Enqueue(new QueuedPacket(header, buffer));
        Interlocked.Increment(ref _captured);
        // Wake the consumer only when it sleeps: a signal per packet would cost more than the copy. The
        // barrier pairs with the consumer's Exchange, so it cannot miss a packet enqueued as it goes to sleep.
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref _consumerWaiting) == 1)
            _arrived.Set();
    }

    private void SampleStatistics()
    {
        if (Libpcap.Stats(_device.Handle) is not { } s) return;
        lock (_statisticsLock)
            _statistics = new CaptureStatistics(s.Received, s.Dropped, s.InterfaceDropped, 0, 0);
    }

    public void Dispose()
    {
        _disposing = true;
        Stop();
        // Closing the handle under a running pcap_next_ex would crash libpcap: close only once the thread is out.
        if (!_thread.IsAlive || _thread.Join(TimeSpan.FromSeconds(5)))
            _device.Close();
        if (_lent is not null) ArrayPool<byte>.Shared.Return(_lent);
        _lent = null;
        while (_queue.TryDequeue(out var packet))
            ArrayPool<byte>.Shared.Return(packet.Buffer);
        _arrived.Dispose();
    }
}
