using System.Runtime.CompilerServices;
using ProtoScope.Core.Session;
using SharpPcap;
using SharpPcap.LibPcap;

namespace ProtoScope.Capture;

/// <summary>
/// Reads a pcap or pcapng file through libpcap (both byte orders, micro- and nanosecond pcap). Reads
/// libpcap's record header directly, so reading allocates nothing per packet.
/// </summary>
public sealed class CaptureFile : IPacketSource
{
    private readonly CaptureFileReaderDevice _device;

    public string Name { get; }
    public int LinkType { get; }
    public string? Error { get; private set; }

    /// <summary>Sub-second units of the record headers as libpcap hands them to us: 1e6 or 1e9.</summary>
    public int TimestampUnit { get; }

    private CaptureFile(string path, CaptureFileReaderDevice device, int timestampUnit)
    {
        Name = path;
        _device = device;
        LinkType = (int)device.LinkType;
        TimestampUnit = timestampUnit;
    }

    /// <summary>Opens <paramref name="path"/>, or throws <see cref="CaptureError"/> with a message for the user.</summary>
    public static CaptureFile Open(string path)
    {
        if (Directory.Exists(path))
            throw new CaptureError($"{path}: is a directory, not a capture file");
        if (!File.Exists(path))
            throw new CaptureError($"{path}: no such file");
        long size;
        try
        {
            using var probe = File.OpenRead(path);
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
            throw new CaptureError($"{path}: not a capture file libpcap can read ({Describe(e.Message)}); expected pcap or pcapng", e);
        }
        return new CaptureFile(path, device, resolution == TimestampResolution.Microsecond ? 1_000_000 : 1_000_000_000);
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

    public unsafe ReadStatus Read(out PacketHeader header, out ReadOnlySpan<byte> data)
    {
        IntPtr hdr = IntPtr.Zero, bytes = IntPtr.Zero;
        int res = _device.GetNextPacketPointers(ref hdr, ref bytes);
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
                Error = $"{Name}: {_device.LastError.Trim()}";
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

    public void Dispose() => _device.Dispose();
}
