using System.Buffers.Binary;

namespace ProtoScope.Cli.Tests.Fuzzing;

/// <summary>What one mutation does to a capture file.</summary>
public enum MutationKind : byte
{
    /// <summary>Flip one bit anywhere.</summary>
    FlipBit,
    /// <summary>Overwrite one byte with a boundary value (0, 1, 0x7f, 0x80, 0xff) or a random one.</summary>
    SetByte,
    /// <summary>Insert 1-16 bytes.</summary>
    InsertBytes,
    /// <summary>Delete 1-16 bytes.</summary>
    DeleteBytes,
    /// <summary>Cut the file short.</summary>
    Truncate,
    /// <summary>Copy a record (pcap) or block (pcapng) of another seed file into this one at a record boundary.</summary>
    SpliceRecord,
    /// <summary>Repeat one record.</summary>
    DuplicateRecord,
    /// <summary>Set a record's caplen or wire length (pcap) or a block's total length (pcapng) to a boundary value.</summary>
    EditRecordLength,
    /// <summary>Set a 16-bit big-endian field inside a packet (IP total length, ports, TCP offset, UDP length...) to a boundary value.</summary>
    EditPacketField,
    /// <summary>Set a pcap record's sub-second field at or beyond one second.</summary>
    EditTimestamp,
    /// <summary>Set a file-header field (version, snaplen, link type) to a boundary value.</summary>
    EditFileHeader,
}

/// <summary>One mutation: what, where (taken modulo the file or record count) and with what value.</summary>
public readonly record struct Mutation(MutationKind Kind, int Position, int Value)
{
    public override string ToString() => $"{Kind}@{Position}:{Value}";
}

/// <summary>
/// Mutates pcap and pcapng files with structure-aware edits, as a mutation fuzzer does with a seed corpus: byte-level
/// damage anywhere, plus edits aimed at the fields a reader trusts (record and block lengths, timestamps, the file
/// header, packet length fields) and record-level splicing between captures.
/// </summary>
public static class CaptureMutator
{
    private static readonly uint[] Boundary32 = [0, 1, 2, 3, 4, 8, 15, 16, 20, 54, 65535, 65536, 262144, 262145, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF];
    private static readonly ushort[] Boundary16 = [0, 1, 4, 5, 7, 8, 19, 20, 40, 0x00FF, 0x7FFF, 0x8000, 0xFFFE, 0xFFFF];
    private static readonly byte[] Boundary8 = [0, 1, 0x7F, 0x80, 0xFF];

    public static byte[] Apply(byte[] file, IReadOnlyList<byte[]> seeds, IEnumerable<Mutation> mutations)
    {
        var bytes = new List<byte>(file);
        foreach (var m in mutations) Apply(bytes, seeds, m);
        return bytes.ToArray();
    }

    private static int At(int position, int length) => length == 0 ? 0 : (int)((uint)position % (uint)length);

    private static void Apply(List<byte> f, IReadOnlyList<byte[]> seeds, Mutation m)
    {
        int v = m.Value;
        switch (m.Kind)
        {
            case MutationKind.FlipBit when f.Count > 0:
                f[At(m.Position, f.Count)] ^= (byte)(1 << (v & 7));
                break;
            case MutationKind.SetByte when f.Count > 0:
                f[At(m.Position, f.Count)] = (v & 8) != 0 ? (byte)(v >> 4) : Boundary8[At(v, Boundary8.Length)];
                break;
            case MutationKind.InsertBytes:
                f.InsertRange(At(m.Position, f.Count + 1), Enumerable.Range(0, 1 + (v & 15)).Select(i => (byte)(v >> (i & 15))));
                break;
            case MutationKind.DeleteBytes when f.Count > 0:
            {
                int at = At(m.Position, f.Count);
                f.RemoveRange(at, Math.Min(1 + (v & 15), f.Count - at));
                break;
            }
            case MutationKind.Truncate when f.Count > 0:
                f.RemoveRange(At(m.Position, f.Count), f.Count - At(m.Position, f.Count));
                break;
            case MutationKind.SpliceRecord:
            {
                var donor = seeds[At(v, seeds.Count)];
                var donorRecords = CaptureLayout.Of(donor).Records;
                var records = CaptureLayout.Of(f.ToArray()).Records;
                if (donorRecords.Count == 0) break;
                var (start, length) = donorRecords[At(m.Position, donorRecords.Count)];
                int at = records.Count == 0 ? f.Count : records[At(v >> 8, records.Count)].Start;
                f.InsertRange(at, donor.AsSpan(start, length).ToArray());
                break;
            }
            case MutationKind.DuplicateRecord:
            {
                var records = CaptureLayout.Of(f.ToArray()).Records;
                if (records.Count == 0) break;
                var (start, length) = records[At(m.Position, records.Count)];
                f.InsertRange(start, f.GetRange(start, length));
                break;
            }
            case MutationKind.EditRecordLength:
            {
                var layout = CaptureLayout.Of(f.ToArray());
                if (layout.Records.Count == 0) break;
                int start = layout.Records[At(m.Position, layout.Records.Count)].Start;
                // pcap: caplen at +8, wire length at +12; pcapng: total length at +4 (and its copy at the end).
                int field = layout.IsPcapng ? start + 4 : start + ((v & 16) != 0 ? 12 : 8);
                uint value = Boundary32[At(v, Boundary32.Length)];
                if ((v & 32) != 0) value = unchecked(layout.Read32(f, field) + (uint)((v >> 6 & 7) - 3));
                layout.Write32(f, field, value);
                break;
            }
            case MutationKind.EditPacketField:
            {
                var layout = CaptureLayout.Of(f.ToArray());
                if (layout.Records.Count == 0) break;
                var (start, length) = layout.Records[At(m.Position, layout.Records.Count)];
                int data = start + layout.RecordHeaderLength;
                int room = start + length - data - 2;
                if (room <= 0) break;
                int at = data + At(v >> 8, room + 1);
                ushort value = (v & 128) != 0 ? (ushort)(BinaryPrimitives.ReadUInt16BigEndian([f[at], f[at + 1]]) + (v & 7) - 3) : Boundary16[At(v, Boundary16.Length)];
                f[at] = (byte)(value >> 8);
                f[at + 1] = (byte)value;
                break;
            }
            case MutationKind.EditTimestamp:
            {
                var layout = CaptureLayout.Of(f.ToArray());
                if (layout.IsPcapng || layout.Records.Count == 0) break;
                int start = layout.Records[At(m.Position, layout.Records.Count)].Start;
                uint[] values = [999_999, 1_000_000, 1_000_001, 999_999_999, 1_000_000_000, 0xFFFF_FFFF];
                layout.Write32(f, start + 4, values[At(v, values.Length)]);
                break;
            }
            case MutationKind.EditFileHeader:
            {
                var layout = CaptureLayout.Of(f.ToArray());
                if (layout.IsPcapng || f.Count < 24) break;
                // 4: version major/minor, 16: snaplen, 20: link type (with its FCS and class bits).
                int[] fields = [4, 6, 16, 20, 20];
                int field = fields[At(m.Position, fields.Length)];
                if (field < 16)
                {
                    ushort value = Boundary16[At(v, Boundary16.Length)];
                    f[field] = (byte)(layout.BigEndian ? value >> 8 : value);
                    f[field + 1] = (byte)(layout.BigEndian ? value : value >> 8);
                }
                else if (field == 20 && (v & 64) != 0)
                    layout.Write32(f, 20, (uint)(v & 0x1FF) | (uint)(v >> 9) << 26);
                else
                    layout.Write32(f, field, Boundary32[At(v, Boundary32.Length)]);
                break;
            }
        }
    }
}

/// <summary>Where the records (pcap) or blocks (pcapng) of a capture are, as far as its length fields hold together.</summary>
public sealed record CaptureLayout(bool IsPcapng, bool BigEndian, int RecordHeaderLength, List<(int Start, int Length)> Records)
{
    public static CaptureLayout Of(byte[] f)
    {
        var records = new List<(int, int)>();
        if (f.Length < 24) return new CaptureLayout(false, false, 16, records);
        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(f);
        if (magic == 0x0A0D0D0A)
        {
            bool be = BinaryPrimitives.ReadUInt32LittleEndian(f.AsSpan(8)) != 0x1A2B3C4D;
            var layout = new CaptureLayout(true, be, 8, records);
            for (int at = 0; at + 12 <= f.Length;)
            {
                uint total = layout.Read32(f, at + 4);
                if (total < 12 || total > f.Length - at) break;
                records.Add((at, (int)total));
                at += (int)total;
            }
            return layout;
        }
        bool bigEndian = magic is 0xD4C3B2A1 or 0x4D3CB2A1;
        if (!bigEndian && magic is not (0xA1B2C3D4 or 0xA1B23C4D)) return new CaptureLayout(false, false, 16, records);
        var pcap = new CaptureLayout(false, bigEndian, 16, records);
        for (int at = 24; at + 16 <= f.Length;)
        {
            uint caplen = pcap.Read32(f, at + 8);
            if (caplen > f.Length - at - 16) break;
            records.Add((at, 16 + (int)caplen));
            at += 16 + (int)caplen;
        }
        return pcap;
    }

    public uint Read32(IReadOnlyList<byte> f, int at)
    {
        if (at + 4 > f.Count) return 0;
        uint v = (uint)(f[at] | f[at + 1] << 8 | f[at + 2] << 16 | f[at + 3] << 24);
        return BigEndian ? BinaryPrimitives.ReverseEndianness(v) : v;
    }

    public void Write32(List<byte> f, int at, uint value)
    {
        if (at + 4 > f.Count) return;
        if (BigEndian) value = BinaryPrimitives.ReverseEndianness(value);
        for (int i = 0; i < 4; i++) f[at + i] = (byte)(value >> (8 * i));
    }
}
