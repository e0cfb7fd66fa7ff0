using System.Buffers.Binary;
using ProtoScope.Core.Session;

namespace ProtoScope.Capture;

/// <summary>Where a capture is saved: one pcap file, or a ring of them.</summary>
public interface ICaptureWriter : IDisposable
{
    /// <summary>Packets written so far (over all files of a ring).</summary>
    long PacketCount { get; }

    void Write(in PacketHeader header, ReadOnlySpan<byte> data);

    /// <summary>Pushes buffered records to the file. Also called when no packet came for a while.</summary>
    void Flush();
}

/// <summary>
/// Writes classic pcap with nanosecond timestamps (magic 0xa1b23c4d, as `tcpdump --time-stamp-precision=nano -w`),
/// which tcpdump, tshark and Wireshark read. Each record keeps the wire length from the capture's record
/// header, so a packet cut by the snaplen still shows its real length.
/// </summary>
/// <remarks>
/// Records are collected whole in a buffer and written to the stream in one call; when a write fails (a full
/// disk) the file is cut back to the end of the last complete write, so it stays a valid capture of every
/// packet before the failure, and <see cref="CaptureError"/> says so.
/// </remarks>
public sealed class PcapWriter : ICaptureWriter
{
    private const uint NanosecondMagic = 0xa1b23c4d;
    private const int RecordHeaderLength = 16;
    private readonly Stream _stream;
    private readonly string _name;
    private readonly bool _ownsStream;
    private byte[] _buffer = new byte[1 << 16];
    private int _used;
    private long _committed;
    private long _committedPackets;
    private long _bufferedPackets;

    public long PacketCount => _committedPackets + _bufferedPackets;

    /// <summary>Bytes in the file once everything buffered is written.</summary>
    public long Length => _committed + _used;

    /// <param name="name">The file name used in messages ("-" for stdout).</param>
    public PcapWriter(Stream stream, string name, int linkType, int snaplen, bool ownsStream = true)
    {
        _stream = stream;
        _name = name;
        _ownsStream = ownsStream;
        Span<byte> h = _buffer.AsSpan(0, 24);
        BinaryPrimitives.WriteUInt32LittleEndian(h, NanosecondMagic);
        BinaryPrimitives.WriteUInt16LittleEndian(h[4..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(h[6..], 4);
        BinaryPrimitives.WriteInt32LittleEndian(h[8..], 0); // thiszone
        BinaryPrimitives.WriteUInt32LittleEndian(h[12..], 0); // sigfigs
        BinaryPrimitives.WriteInt32LittleEndian(h[16..], snaplen);
        BinaryPrimitives.WriteInt32LittleEndian(h[20..], linkType);
        _used = 24;
        Flush();
    }

    /// <summary>Creates <paramref name="path"/> (replacing it) and writes the file header.</summary>
    public static PcapWriter Create(string path, int linkType, int snaplen)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CaptureError($"{path}: cannot create the file ({e.Message})", e);
        }
        return new PcapWriter(stream, path, linkType, snaplen);
    }

    public void Write(in PacketHeader header, ReadOnlySpan<byte> data)
    {
        int need = RecordHeaderLength + data.Length;
        if (_used + need > _buffer.Length)
        {
            Flush();
            if (need > _buffer.Length) _buffer = new byte[need];
        }
        Span<byte> r = _buffer.AsSpan(_used, need);
        long seconds = Math.DivRem(header.Timestamp, 1_000_000_000, out long nanos);
        BinaryPrimitives.WriteUInt32LittleEndian(r, (uint)seconds);
        BinaryPrimitives.WriteUInt32LittleEndian(r[4..], (uint)nanos);
        BinaryPrimitives.WriteInt32LittleEndian(r[8..], data.Length);
        BinaryPrimitives.WriteInt32LittleEndian(r[12..], Math.Max(header.WireLength, data.Length));
        data.CopyTo(r[RecordHeaderLength..]);
        _used += need;
        _bufferedPackets++;
    }

    public void Flush()
    {
        if (_used == 0) return;
        try
        {
            _stream.Write(_buffer, 0, _used);
            _stream.Flush();
        }
        catch (IOException e)
        {
            long kept = _committedPackets;
            _used = 0;
            _bufferedPackets = 0;
            if (_stream.CanSeek)
            {
                // Cutting a file back needs no free space, so this works on a full disk.
                try { _stream.SetLength(_committed); }
                catch (IOException) { }
            }
            throw new CaptureError($"{_name}: cannot write ({e.Message.TrimEnd('.', ' ')}); the capture stopped, the file holds the {kept} packets written before", e);
        }
        _committed += _used;
        _committedPackets += _bufferedPackets;
        _used = 0;
        _bufferedPackets = 0;
    }

    public void Dispose()
    {
        try
        {
            Flush();
        }
        finally
        {
            if (_ownsStream) _stream.Dispose();
        }
    }
}
