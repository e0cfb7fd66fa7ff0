using System.Buffers.Binary;

namespace ProtoScope.Tests;

/// <summary>One record of a classic pcap file: its header fields as written, and the captured bytes.</summary>
internal sealed record PcapRecord(uint Seconds, uint Fraction, int WireLength, byte[] Data);

/// <summary>
/// Reads and writes classic little-endian pcap files (what tcpdump writes on x86), so a test can reorder,
/// duplicate, cut and drop packets of a real capture and write the result as a new capture, or write the frames it
/// built. One file, linked into the test projects that write captures.
/// </summary>
internal static class PcapRecords
{
    /// <summary>The file header of a microsecond pcap (version 2.4) of link type <paramref name="linkType"/>.</summary>
    public static byte[] Header(int linkType, int snaplen = 262144)
    {
        var header = new byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(header, 0xa1b2c3d4);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(4), 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(6), 4);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(16), snaplen);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(20), linkType);
        return header;
    }

    public static (byte[] Header, List<PcapRecord> Records) Read(string path)
    {
        byte[] file = File.ReadAllBytes(path);
        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(file);
        if (magic is not (0xa1b2c3d4 or 0xa1b23c4d)) throw new InvalidDataException($"{path}: not a little-endian classic pcap (magic {magic:x8})");
        var records = new List<PcapRecord>();
        int at = 24;
        while (at + 16 <= file.Length)
        {
            var h = file.AsSpan(at);
            int captured = BinaryPrimitives.ReadInt32LittleEndian(h[8..]);
            records.Add(new PcapRecord(BinaryPrimitives.ReadUInt32LittleEndian(h), BinaryPrimitives.ReadUInt32LittleEndian(h[4..]),
                BinaryPrimitives.ReadInt32LittleEndian(h[12..]), file.AsSpan(at + 16, captured).ToArray()));
            at += 16 + captured;
        }
        return (file[..24], records);
    }

    public static void Write(string path, byte[] header, IEnumerable<PcapRecord> records)
    {
        using var f = File.Create(path);
        f.Write(header);
        Span<byte> h = stackalloc byte[16];
        foreach (PcapRecord r in records)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(h, r.Seconds);
            BinaryPrimitives.WriteUInt32LittleEndian(h[4..], r.Fraction);
            BinaryPrimitives.WriteInt32LittleEndian(h[8..], r.Data.Length);
            BinaryPrimitives.WriteInt32LittleEndian(h[12..], r.WireLength);
            f.Write(h);
            f.Write(r.Data);
        }
    }
}
