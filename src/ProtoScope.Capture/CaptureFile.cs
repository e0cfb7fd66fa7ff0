using System.Runtime.CompilerServices;
using ProtoScope.Core.Decoding;
using ProtoScope.Core.Session;
using SharpPcap;
using SharpPcap.LibPcap;

namespace ProtoScope.Capture;

/// <summary>
/// Reads a pcap or pcapng file through libpcap (both byte orders, micro- and nanosecond pcap). Reads
/// libpcap's record header directly, so reading allocates nothing per packet.
/// </summary>
/// <remarks>
/// libpcap reads on a thread of its own, a few thousand packets ahead of the caller, into batches that go round
/// (<see cref="ReadAhead"/>): on a machine with a second core, reading the file and analysing it overlap. The
/// caller sees what a plain pcap_next_ex loop would give, in the same order, with a damaged record reported
/// after every complete packet before it. Once the caller asks for packets decoded (<see cref="ReadDecoded"/>),
/// that thread decodes them too.
/// </remarks>
public sealed class CaptureFile : IPacketSource
{
    private readonly CaptureFileReaderDevice _device;
    /// <summary>Null when the file is read on the caller's thread.</summary>
    private readonly ReadAhead? _ahead;

    public string Name { get; }
    public int LinkType { get; }
    public string? Error { get; private set; }

    /// <summary>Sub-second units of the record headers as libpcap hands them to us: 1e6 or 1e9.</summary>
    public int TimestampUnit { get; }

    private CaptureFile(string name, CaptureFileReaderDevice device, int timestampUnit, bool readAhead)
    {
        Name = name;
        _device = device;
        LinkType = (int)device.LinkType;
        TimestampUnit = timestampUnit;
        if (readAhead) _ahead = new ReadAhead(this);
    }

    /// <summary>The path that reads a capture from standard input, as tcpdump's and tshark's <c>-r -</c> do.</summary>
    public const string StandardInput = "-";

    private static int s_standardInputOpened;

    /// <summary>
    /// Opens <paramref name="path"/> (<see cref="StandardInput"/> for standard input), or throws
    /// <see cref="CaptureError"/> with a message for the user.
    /// </summary>
    /// <param name="readAhead">
    /// False reads on the caller's thread: for the UI, whose first screen would otherwise share the cores with
    /// one more busy thread. Standard input is always read on the caller's thread, so that packets from a pipe
    /// fed live come out as they arrive, not a batch at a time.
    /// </param>
    public static CaptureFile Open(string path, bool readAhead = true)
    {
        if (path == StandardInput)
        {
            // A verb that reads its capture twice (-Y picks the connection, a second pass follows it) would find
            // standard input at its end the second time: say so instead of libpcap's "truncated dump file".
            if (Interlocked.Exchange(ref s_standardInputOpened, 1) != 0)
                throw new CaptureError("standard input can be read only once, and this reads the capture twice: give it as a file");
            return Open(path, "standard input", TimestampResolution.Nanosecond, readAhead: false);
        }
        if (Directory.Exists(path))
            throw new CaptureError($"{path}: is a directory, not a capture file");
        if (!File.Exists(path))
            throw new CaptureError($"{path}: no such file");
        long size;
        try
        {
            using var probe = File.OpenRead(path);
            // The probes below would take bytes out of a pipe before libpcap sees them.
            if (!probe.CanSeek)
                throw new CaptureError($"{path}: not a regular file; to read a capture from a pipe, give '{StandardInput}' and pipe it in");
            size = probe.Length;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new CaptureError($"{path}: cannot read the file ({e.Message})");
        }
        if (size == 0)
            throw new CaptureError($"{path}: the file is empty, not a pcap or pcapng capture");

        // A microsecond pcap is read in microseconds: asked for nanoseconds, libpcap multiplies the field by
        // 1000 in 32 bits, which turns an out-of-range value into garbage instead of something we can report.
        var resolution = IsMicrosecondPcap(path) ? TimestampResolution.Microsecond : TimestampResolution.Nanosecond;
        return Open(path, path, resolution, readAhead);
    }

    private static CaptureFile Open(string path, string name, TimestampResolution resolution, bool readAhead)
    {
        var device = Libpcap.Call(() => new CaptureFileReaderDevice(path));
        try
        {
            Libpcap.Call(() =>
            {
                device.Open(new DeviceConfiguration { TimestampResolution = resolution });
                return 0;
            });
        }
        catch (PcapException e)
        {
            device.Dispose();
            throw new CaptureError($"{name}: not a capture file libpcap can read ({Describe(e.Message)}); expected pcap or pcapng", e);
        }
        return new CaptureFile(name, device, resolution == TimestampResolution.Microsecond ? 1_000_000 : 1_000_000_000, readAhead);
    }

    private static bool IsMicrosecondPcap(string path)
    {
        Span<byte> magic = stackalloc byte[4];
        using var f = File.OpenRead(path);
        if (f.Read(magic) < 4) return false;
        uint m = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(magic);
        return m is 0xa1b2c3d4 or 0xd4c3b2a1;
    }

    private static string Describe(string libpcapMessage)
    {
        const string prefix = "Unable to open offline adapter: ";
        var m = libpcapMessage.StartsWith(prefix, StringComparison.Ordinal) ? libpcapMessage[prefix.Length..] : libpcapMessage;
        return m.Trim();
    }

    public ReadStatus Read(out PacketHeader header, out ReadOnlySpan<byte> data)
    {
        string? error;
        var status = _ahead is null ? ReadRecord(out header, out data, out error) : _ahead.Read(out header, out data, out error);
        if (status == ReadStatus.Error) Error = error;
        return status;
    }

    public ReadStatus ReadDecoded(out PacketHeader header, out ReadOnlySpan<byte> data, ref DecodedPacket decoded)
    {
        ReadStatus status;
        string? error;
        if (_ahead is not null) status = _ahead.Read(out header, out data, out error, ref decoded);
        else if ((status = ReadRecord(out header, out data, out error)) == ReadStatus.Packet)
            PacketDecoder.Decode(data, LinkType, header.WireLength, ref decoded);
        if (status == ReadStatus.Error) Error = error;
        return status;
    }

    /// <summary>One pcap_next_ex, on the reading thread (or the caller's); <paramref name="error"/> is set when it fails.</summary>
    private unsafe ReadStatus ReadRecord(out PacketHeader header, out ReadOnlySpan<byte> data, out string? error)
    {
        IntPtr hdr = IntPtr.Zero, bytes = IntPtr.Zero;
        int res = _device.GetNextPacketPointers(ref hdr, ref bytes);
        error = null;
        switch (res)
        {
            case 1:
                header = ReadRecordHeader(hdr, TimestampUnit);
                data = new ReadOnlySpan<byte>((void*)bytes, header.CapturedLength);
                return ReadStatus.Packet;
            case -2:
                header = default;
                data = default;
                return ReadStatus.End;
            default:
                header = default;
                data = default;
                error = $"{Name}: {_device.LastError.Trim()}";
                return ReadStatus.Error;
        }
    }

    /// <summary>
    /// struct pcap_pkthdr on 64-bit Linux: struct timeval (two longs), then caplen and len. tv_usec holds
    /// <paramref name="unit"/>ths of a second (nanoseconds when that precision was requested).
    /// </summary>
    internal static unsafe PacketHeader ReadRecordHeader(IntPtr hdr, int unit)
    {
        // Plain loads: Marshal.ReadInt64 and ReadInt32 are calls, four per packet.
        byte* h = (byte*)hdr;
        long sec, frac;
        int offset;
        if (IntPtr.Size == 8 && !OperatingSystem.IsWindows())
        {
            sec = Unsafe.ReadUnaligned<long>(h);
            frac = Unsafe.ReadUnaligned<long>(h + 8);
            offset = 16;
        }
        else
        {
            sec = Unsafe.ReadUnaligned<int>(h);
            frac = Unsafe.ReadUnaligned<int>(h + 4);
            offset = 8;
        }
        int caplen = Unsafe.ReadUnaligned<int>(h + offset);
        int len = Unsafe.ReadUnaligned<int>(h + offset + 4);
        // The file field is an unsigned 32-bit value that libpcap passes through a signed int.
        if (frac < 0) frac &= 0xFFFF_FFFF;
        long nanosPerUnit = 1_000_000_000 / unit;
        return new PacketHeader(sec * 1_000_000_000 + frac * nanosPerUnit, caplen, len, frac >= unit ? frac : 0);
    }

    public void Dispose()
    {
        // The reading thread stops before the handle it reads through is closed.
        _ahead?.Dispose();
        _device.Dispose();
    }

    /// <summary>
    /// Batches of packets read ahead: the reading thread fills a free batch and queues it; <see cref="Read"/> hands
    /// out the queued batches' packets in order, and gives a batch back once the caller has moved past it (a
    /// packet's bytes stay valid until the next call, as libpcap's do). The thread starts at the first read, so
    /// opening a file only to check it costs no thread, and it ends at the end of the file, at an error, or when
    /// the file is closed.
    /// </summary>
    private sealed class ReadAhead(CaptureFile file) : IDisposable
    {
        // Four batches of up to 2,048 packets or 256 KiB: enough that the two threads rarely wait for each other,
        // little enough to stay in the caches and not matter beside the analysis.
        private const int Batches = 4, BatchPackets = 2_048, BatchBytes = 256 * 1024;

        private sealed class Batch
        {
            public byte[] Bytes = new byte[BatchBytes + 64 * 1024];
            public readonly PacketHeader[] Headers = new PacketHeader[BatchPackets];
            public readonly int[] Offsets = new int[BatchPackets];
            /// <summary>The packets decoded, when the caller asked for that before the batch was filled.</summary>
            public DecodedPacket[]? Decoded;
            public bool HasDecoded;
            public int Count;
            /// <summary>Packet while more batches follow; End or Error after this batch's packets.</summary>
            public ReadStatus Last;
            public string? Error;
        }

        private readonly System.Collections.Concurrent.ConcurrentQueue<Batch> _free = new(), _full = new();
        private readonly SemaphoreSlim _freeCount = new(Batches), _fullCount = new(0);
        private Thread? _thread;
        private volatile bool _closing;
        private Batch? _current;
        private int _next;
        private ReadStatus _end = ReadStatus.Packet;
        private string? _endError;
        private volatile bool _decodeAhead;
        // Passed for the decoded packet when the caller wants none: never written.
        private DecodedPacket _none;

        public ReadStatus Read(out PacketHeader header, out ReadOnlySpan<byte> data, out string? error) =>
            Read(out header, out data, out error, ref _none, decode: false);

        public ReadStatus Read(out PacketHeader header, out ReadOnlySpan<byte> data, out string? error, ref DecodedPacket decoded)
        {
            // Set once, not per packet: the reading thread reads this field once a batch.
            if (!_decodeAhead) _decodeAhead = true;
            return Read(out header, out data, out error, ref decoded, decode: true);
        }

        private ReadStatus Read(out PacketHeader header, out ReadOnlySpan<byte> data, out string? error, ref DecodedPacket decoded, bool decode)
        {
            while (true)
            {
                if (_end != ReadStatus.Packet)
                {
                    header = default;
                    data = default;
                    error = _endError;
                    return _end;
                }
                var b = _current;
                if (b is not null)
                {
                    if (_next < b.Count)
                    {
                        int i = _next++;
                        header = b.Headers[i];
                        data = b.Bytes.AsSpan(b.Offsets[i], header.CapturedLength);
                        error = null;
                        // A batch filled before the caller first asked for decoded packets is decoded here.
                        if (decode && b.HasDecoded) decoded = b.Decoded![i];
                        else if (decode) PacketDecoder.Decode(data, file.LinkType, header.WireLength, ref decoded);
                        return ReadStatus.Packet;
                    }
                    if (b.Last != ReadStatus.Packet)
                    {
                        // The reading thread has ended: the batches can go, so a file read to its end holds no buffer.
                        (_end, _endError) = (b.Last, b.Error);
                        _current = null;
                        _free.Clear();
                        continue;
                    }
                    _free.Enqueue(b);
                    _freeCount.Release();
                }
                if (_thread is null)
                {
                    for (int i = 0; i < Batches; i++) _free.Enqueue(new Batch());
                    _thread = new Thread(Fill) { IsBackground = true, Name = "protoscope read-ahead" };
                    _thread.Start();
                }
                _fullCount.Wait();
                _full.TryDequeue(out _current);
                _next = 0;
            }
        }

        private void Fill()
        {
            while (true)
            {
                _freeCount.Wait();
                if (_closing || !_free.TryDequeue(out var b)) return;
                b.Count = 0;
                b.Last = ReadStatus.Packet;
                b.HasDecoded = _decodeAhead;
                if (b.HasDecoded) b.Decoded ??= new DecodedPacket[BatchPackets];
                int used = 0;
                try
                {
                    while (b.Count < BatchPackets && used < BatchBytes)
                    {
                        var status = file.ReadRecord(out var header, out var data, out var error);
                        if (status != ReadStatus.Packet)
                        {
                            b.Last = status;
                            b.Error = error;
                            break;
                        }
                        if (used + data.Length > b.Bytes.Length) Array.Resize(ref b.Bytes, used + data.Length);
                        data.CopyTo(b.Bytes.AsSpan(used));
                        b.Headers[b.Count] = header;
                        b.Offsets[b.Count] = used;
                        if (b.HasDecoded) PacketDecoder.Decode(b.Bytes.AsSpan(used, data.Length), file.LinkType, header.WireLength, ref b.Decoded![b.Count]);
                        b.Count++;
                        used += data.Length;
                    }
                }
                catch (Exception e)
                {
                    // Nothing may escape a thread: what libpcap's wrapper throws ends the file as a read error would.
                    b.Last = ReadStatus.Error;
                    b.Error = $"{file.Name}: {e.Message}";
                }
                _full.Enqueue(b);
                _fullCount.Release();
                if (b.Last != ReadStatus.Packet) return;
            }
        }

        public void Dispose()
        {
            if (_thread is null) return;
            _closing = true;
            _freeCount.Release();
            _thread.Join();
        }
    }
}
