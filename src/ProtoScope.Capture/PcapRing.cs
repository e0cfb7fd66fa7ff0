using System.Globalization;
using ProtoScope.Core.Session;

namespace ProtoScope.Capture;

/// <summary>When a ring starts its next file and how many files it keeps (dumpcap's -b and -a options).</summary>
/// <param name="Files">Keep at most this many files, deleting the oldest; null keeps them all.</param>
/// <param name="FileSizeBytes">Start a new file before one would grow past this size.</param>
/// <param name="FileDuration">Start a new file when one has been open this long.</param>
public sealed record RingOptions(int? Files, long? FileSizeBytes, TimeSpan? FileDuration)
{
    /// <summary>
    /// Parses "files:N,filesize:MB" or "files:N,duration:S" (any order, each part optional except that a size
    /// or a duration is needed). Sizes are in megabytes of 1,000,000 bytes; both may be fractions.
    /// </summary>
    public static RingOptions Parse(string spec)
    {
        int? files = null;
        long? size = null;
        TimeSpan? duration = null;
        foreach (var part in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int colon = part.IndexOf(':');
            string key = colon < 0 ? part : part[..colon], value = colon < 0 ? "" : part[(colon + 1)..];
            if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double n) || n <= 0)
                throw new CaptureError($"--ring {spec}: '{part}' needs a positive number, as in files:10,filesize:100");
            switch (key)
            {
                case "files" when n == Math.Floor(n) && n <= 100_000: files = (int)n; break;
                case "filesize": size = Math.Max(1, (long)(n * 1_000_000)); break;
                case "duration": duration = TimeSpan.FromSeconds(n); break;
                default: throw new CaptureError($"--ring {spec}: unknown part '{part}'; use files:N, filesize:MB and duration:S");
            }
        }
        if (size is null && duration is null)
            throw new CaptureError($"--ring {spec}: say when to start a new file, with filesize:MB or duration:S");
        return new RingOptions(files, size, duration);
    }
}

/// <summary>
/// A ring of pcap files named like dumpcap's: for `-w dir/base.pcap`, `dir/base_00001_20250102150405.pcap`,
/// `dir/base_00002_...`; the number counts files since the start, the time is when the file was opened.
/// </summary>
public sealed class PcapRing : ICaptureWriter
{
    private readonly string _directory;
    private readonly string _stem;
    private readonly string _extension;
    private readonly int _linkType;
    private readonly int _snaplen;
    private readonly RingOptions _options;
    private readonly Queue<string> _kept = new();
    private readonly TimeProvider _clock;
    private PcapWriter _current;
    private long _openedAt;
    private long _earlierPackets;
    private int _number;

    public long PacketCount => _earlierPackets + _current.PacketCount;

    /// <summary>The files of the ring that still exist, oldest first.</summary>
    public IReadOnlyCollection<string> Files => _kept;

    public PcapRing(string path, int linkType, int snaplen, RingOptions options, TimeProvider? clock = null)
    {
        _directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        _stem = Path.GetFileNameWithoutExtension(path);
        _extension = Path.GetExtension(path) is { Length: > 0 } ext ? ext : ".pcap";
        _linkType = linkType;
        _snaplen = snaplen;
        _options = options;
        _clock = clock ?? TimeProvider.System;
        _current = OpenNext();
    }

    private PcapWriter OpenNext()
    {
        _number++;
        var now = _clock.GetLocalNow();
        string name = Path.Combine(_directory, $"{_stem}_{_number:D5}_{now:yyyyMMddHHmmss}{_extension}");
        var writer = PcapWriter.Create(name, _linkType, _snaplen);
        _openedAt = _clock.GetTimestamp();
        _kept.Enqueue(name);
        while (_options.Files is { } max && _kept.Count > max)
            File.Delete(_kept.Dequeue());
        return writer;
    }

    private void Rotate()
    {
        _earlierPackets += _current.PacketCount;
        _current.Dispose();
        _current = OpenNext();
    }

    private bool DurationPassed => _options.FileDuration is { } d && _clock.GetElapsedTime(_openedAt) >= d;

    public void Write(in PacketHeader header, ReadOnlySpan<byte> data)
    {
        // A file holds at least one packet, however small the limit, as with dumpcap.
        bool full = _options.FileSizeBytes is { } max && _current.PacketCount > 0 && _current.Length + 16 + data.Length > max;
        if (full || (DurationPassed && _current.PacketCount > 0))
            Rotate();
        _current.Write(header, data);
    }

    public void Flush()
    {
        _current.Flush();
        if (DurationPassed) Rotate();
    }

    public void Dispose() => _current.Dispose();
}
