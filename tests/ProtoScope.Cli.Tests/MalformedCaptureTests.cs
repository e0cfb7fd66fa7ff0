using System.Buffers.Binary;
using ProtoScope.Core.Decoding;

namespace ProtoScope.Cli.Tests;

/// <summary>
/// Crafted file and record headers: each gives the one-line error (exit 2) or a per-packet <c>error</c>, and every
/// complete packet before the damage is still shown. Files are built here byte by byte (pcap: libpcap's
/// pcap-savefile(5); pcapng: RFC draft-ietf-opsawg-pcapng), so the test knows what it wrote.
/// </summary>
public sealed partial class ReadBadInputTests
{
    /// <summary>An Ethernet/IPv4/TCP SYN, 54 bytes, from 10.0.0.1:<paramref name="port"/> to 10.0.0.2:80.</summary>
    private static byte[] SynFrom(ushort port) => new Connection("10.0.0.1", port, "10.0.0.2", 80).EthernetTcp(From.Orig, TcpFlags.Syn, 1, 0);

    private static readonly byte[] Syn = SynFrom(1234);

    private readonly record struct Record(uint Seconds, uint Fraction, uint CapLen, uint WireLen, byte[] Data);

    private static Record Good(uint usec = 5) => new(1_700_000_000, usec, (uint)Syn.Length, (uint)Syn.Length, Syn);

    private static byte[] Pcap(IEnumerable<Record> records, uint magic = 0xa1b2c3d4, ushort major = 2, ushort minor = 4, uint snaplen = 65535, uint link = 1)
    {
        var f = new List<byte>();
        var h = new byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(h, magic);
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(4), major);
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(6), minor);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(16), snaplen);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(20), link);
        f.AddRange(h);
        foreach (var r in records)
        {
            var rh = new byte[16];
            BinaryPrimitives.WriteUInt32LittleEndian(rh, r.Seconds);
            BinaryPrimitives.WriteUInt32LittleEndian(rh.AsSpan(4), r.Fraction);
            BinaryPrimitives.WriteUInt32LittleEndian(rh.AsSpan(8), r.CapLen);
            BinaryPrimitives.WriteUInt32LittleEndian(rh.AsSpan(12), r.WireLen);
            f.AddRange(rh);
            f.AddRange(r.Data);
        }
        return f.ToArray();
    }

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Theory]
    [InlineData(0xdeadbeefu, 2, 4, "unknown file format")]
    [InlineData(0xa1b2c3d4u, 3, 0, "unsupported pcap savefile version 3.0")]
    [InlineData(0xa1b2c3d4u, 1, 0, "archaic pcap savefile format")]
    public void A_bad_magic_or_an_unknown_version_is_one_line_naming_the_problem(uint magic, int major, int minor, string libpcapSays)
    {
        var path = Write("bad-header.pcap", Pcap([Good(), Good()], magic, (ushort)major, (ushort)minor));
        foreach (var verb in new[] { "read", "conns" })
        {
            var r = CliRunner.Run(verb, path);
            AssertOneLineError(r, path, libpcapSays, "expected pcap or pcapng");
            Assert.Equal("", r.Stdout);
        }
    }

    /// <summary>
    /// libpcap replaces a snaplen of 0, or one above the link type's maximum (256 KiB for Ethernet), with that maximum
    /// (sf-pcap.c), so 0, 2^31 and 2^32-1 read every packet; no buffer is sized by the field.
    /// </summary>
    [Theory]
    [InlineData(0u)]
    [InlineData(0x8000_0000u)]
    [InlineData(0xffff_ffffu)]
    public void A_snaplen_of_0_or_2_to_the_31_still_reads_every_packet(uint snaplen)
    {
        var path = Write("snaplen.pcap", Pcap([Good(), Good()], snaplen: snaplen));
        var r = CliRunner.Run("read", path, "--format", "jsonl");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(2, r.JsonLines().Count());
        Assert.All(r.JsonLines(), p => Assert.False(p.TryGetProperty("error", out _)));
    }

    [Theory]
    [InlineData(300_000u, "300000")]
    [InlineData(0x7fff_ffffu, "2147483647")]
    [InlineData(0xffff_ffffu, "4294967295")]
    public void A_caplen_beyond_any_snaplen_stops_after_the_packets_before_it(uint caplen, string shown)
    {
        var path = Write("caplen.pcap", Pcap([Good(), Good(), Good() with { CapLen = caplen }, Good()]));
        var r = CliRunner.Run("read", path, "--format", "jsonl");
        AssertOneLineError(r, path, shown, "the 2 packets before it are shown");
        Assert.Equal([1, 2], r.JsonLines().Select(p => p.GetProperty("frame").GetInt32()));

        // conns and ladder show what they read before the damage too.
        var conns = CliRunner.Run("conns", path, "--format", "jsonl");
        AssertOneLineError(conns, path, shown);
        Assert.Equal(2, Assert.Single(conns.JsonLines()).GetProperty("orig_pkts").GetInt32());
        var ladder = CliRunner.Run("ladder", path, "--conn", "0");
        AssertOneLineError(ladder, path, shown);
        Assert.Contains("TCP connection 0: 10.0.0.1:1234 -> 10.0.0.2:80", ladder.Stdout);
    }

    /// <summary>
    /// A record larger than the file's snaplen but within the link type's maximum: libpcap reads it, keeps the first
    /// snaplen bytes (sf-pcap.c), and the records after it stay in step. The packet is shown cut to the snaplen.
    /// </summary>
    [Fact]
    public void A_caplen_over_the_snaplen_but_within_the_link_maximum_is_cut_to_the_snaplen()
    {
        var longer = Syn.Concat(new byte[10]).ToArray();
        var path = Write("caplen-over-snaplen.pcap", Pcap([Good(), Good() with { CapLen = 64, WireLen = 64, Data = longer }, Good()], snaplen: 54));
        var r = CliRunner.Run("read", path, "--format", "jsonl");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal([54, 54, 54], r.JsonLines().Select(p => p.GetProperty("len").GetInt32()));
        Assert.Equal([54, 64, 54], r.JsonLines().Select(p => p.GetProperty("wire_len").GetInt32()));
    }

    [Fact]
    public void A_caplen_beyond_the_end_of_the_file_is_a_truncated_file()
    {
        var path = Write("caplen-past-eof.pcap", Pcap([Good(), Good() with { CapLen = 1000, WireLen = 1000 }]));
        var r = CliRunner.Run("read", path, "--format", "jsonl");
        AssertOneLineError(r, path, "truncated", "1000", "the 1 packets before it are shown");
        Assert.Single(r.JsonLines());
    }

    /// <summary>A sub-second field of a million microseconds or more is an error on that packet only.</summary>
    [Theory]
    [InlineData(1_000_000u)]
    [InlineData(0xffff_ffffu)]
    public void Microseconds_of_a_million_or_more_are_a_per_packet_error(uint usec)
    {
        var path = Write("usec.pcap", Pcap([Good(), Good(usec), Good()]));
        var r = CliRunner.Run("read", path, "--format", "jsonl");
        Assert.Equal(0, r.ExitCode);
        var packets = r.JsonLines().ToList();
        Assert.Equal(3, packets.Count);
        Assert.Contains($"sub-second field {usec}", packets[1].GetProperty("error").GetString());
        Assert.False(packets[0].TryGetProperty("error", out _));
        Assert.False(packets[2].TryGetProperty("error", out _));
    }

    /// <summary>
    /// The link-type field keeps the link type in its low 16 bits; libpcap masks the class and FCS bits above them
    /// (LT_LINKTYPE in pcap-common.h), so 0x04000001 and 0xfc000001 are Ethernet, and 0x00010001 too.
    /// </summary>
    [Theory]
    [InlineData(0x0400_0001u)]
    [InlineData(0xfc00_0001u)]
    [InlineData(0x0001_0001u)]
    public void Link_type_fields_with_high_bits_set_read_as_their_low_16_bits(uint link)
    {
        var path = Write("link.pcap", Pcap([Good()], link: link));
        var r = CliRunner.Run("read", path, "--format", "jsonl");
        Assert.Equal(0, r.ExitCode);
        var p = Assert.Single(r.JsonLines());
        Assert.Equal("ethernet", p.GetProperty("link").GetString());
        Assert.Equal("tcp", p.GetProperty("proto").GetString());
    }

    [Fact]
    public void An_unknown_link_type_shows_each_packet_undecoded()
    {
        var path = Write("link-ffff.pcap", Pcap([Good(), Good()], link: 0xffff));
        var r = CliRunner.Run("read", path);
        Assert.Equal(0, r.ExitCode);
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.All(lines, l => Assert.Contains("link type 65535, not decoded), length 54", l));
    }

    /// <summary>A pcapng file (SHB, IDB, one EPB per packet) holding the packets of a pcap file.</summary>
    private static (byte[] File, List<int> Boundaries) PcapngOf(byte[] pcap)
    {
        var f = new List<byte>();
        var boundaries = new List<int>();
        void Block(uint type, byte[] body)
        {
            int total = 12 + (body.Length + 3) / 4 * 4;
            var b = new byte[total];
            BinaryPrimitives.WriteUInt32LittleEndian(b, type);
            BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(4), (uint)total);
            body.CopyTo(b, 8);
            BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(total - 4), (uint)total);
            f.AddRange(b);
            boundaries.Add(f.Count);
        }
        var shb = new byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(shb, 0x1A2B3C4D);
        BinaryPrimitives.WriteUInt16LittleEndian(shb.AsSpan(4), 1);
        BinaryPrimitives.WriteInt64LittleEndian(shb.AsSpan(8), -1);
        Block(0x0A0D0D0A, shb);
        var idb = new byte[8];
        BinaryPrimitives.WriteUInt16LittleEndian(idb, (ushort)BinaryPrimitives.ReadUInt32LittleEndian(pcap.AsSpan(20)));
        BinaryPrimitives.WriteUInt32LittleEndian(idb.AsSpan(4), 262144);
        Block(1, idb);
        boundaries.Clear();
        boundaries.Add(f.Count);
        for (int offset = 24; offset + 16 <= pcap.Length;)
        {
            ulong micros = BinaryPrimitives.ReadUInt32LittleEndian(pcap.AsSpan(offset)) * 1_000_000UL + BinaryPrimitives.ReadUInt32LittleEndian(pcap.AsSpan(offset + 4));
            int caplen = BinaryPrimitives.ReadInt32LittleEndian(pcap.AsSpan(offset + 8));
            var epb = new byte[20 + caplen];
            BinaryPrimitives.WriteUInt32LittleEndian(epb.AsSpan(4), (uint)(micros >> 32));
            BinaryPrimitives.WriteUInt32LittleEndian(epb.AsSpan(8), (uint)micros);
            BinaryPrimitives.WriteInt32LittleEndian(epb.AsSpan(12), caplen);
            epb.AsSpan(16).Fill(0);
            BinaryPrimitives.WriteInt32LittleEndian(epb.AsSpan(16), BinaryPrimitives.ReadInt32LittleEndian(pcap.AsSpan(offset + 12)));
            pcap.AsSpan(offset + 16, caplen).CopyTo(epb.AsSpan(20));
            Block(6, epb);
            offset += 16 + caplen;
        }
        return (f.ToArray(), boundaries);
    }

    /// <summary>
    /// The pcapng version of the cut test: cut at every byte, the packets whose blocks are complete are all
    /// printed; a cut on a block boundary is a clean end, anywhere else one line; before the first packet block,
    /// either an empty capture or the one-line error.
    /// </summary>
    [Fact]
    public void A_pcapng_capture_cut_at_any_byte_still_shows_every_complete_packet()
    {
        var (whole, boundaries) = PcapngOf(File.ReadAllBytes(Corpus("dns_tcp.pcap")));
        var path = Path.Combine(_dir, "cut.pcapng");
        var check = CliRunner.Run("read", Write("whole.pcapng", whole), "--format", "jsonl");
        Assert.Equal(0, check.ExitCode);
        Assert.Equal(boundaries.Count - 1, check.JsonLines().Count());
        for (int cut = 1; cut < whole.Length; cut++)
        {
            File.WriteAllBytes(path, whole[..cut]);
            var r = CliRunner.Run("read", path, "--format", "jsonl");
            int complete = boundaries.Count(b => b <= cut) - 1;
            if (cut < boundaries[0])
            {
                if (r.ExitCode != 0) AssertOneLineError(r, path);
                Assert.Equal("", r.Stdout);
                continue;
            }
            Assert.Equal(complete, r.JsonLines().Count());
            if (boundaries.Contains(cut))
                Assert.Equal(0, r.ExitCode);
            else
                AssertOneLineError(r, path, "truncated", $"the {complete} packets before it are shown");
        }
    }

    [Fact]
    public void A_pcapng_block_length_larger_than_the_file_stops_with_the_packets_before_it()
    {
        var (whole, boundaries) = PcapngOf(File.ReadAllBytes(Corpus("dns_tcp.pcap")));
        // The fourth packet's block claims 2^31-4 bytes (a multiple of 4, as a block length must be).
        BinaryPrimitives.WriteUInt32LittleEndian(whole.AsSpan(boundaries[3] + 4), 0x7FFF_FFFC);
        var path = Write("huge-block.pcapng", whole);
        var r = CliRunner.Run("read", path, "--format", "jsonl");
        AssertOneLineError(r, path, "the 3 packets before it are shown");
        Assert.Equal(3, r.JsonLines().Count());
    }

    [Fact]
    public void A_file_name_with_escape_sequences_is_shown_escaped_in_the_error()
    {
        var name = "\u001b]0;pwned\u0007\u001b[2J.pcap";
        var r = CliRunner.Run("read", Path.Combine(_dir, name));
        AssertOneLineError(r, @"\x1b]0;pwned\x07\x1b[2J.pcap", "no such file");
        Assert.DoesNotContain('\u001b', r.Stderr);
        Assert.DoesNotContain('\u0007', r.Stderr);
    }
}

/// <summary>The conversation limit: packets beyond it are shown untracked, and every verb says so on stderr.</summary>
public sealed partial class ReadBadInputTests
{
    private byte[] ThreeConnections()
    {
        var records = new List<Record>();
        for (ushort port = 1000; port < 1003; port++)
        {
            records.Add(Good() with { Data = SynFrom(port) });
        }
        return Pcap(records);
    }

    [Fact]
    public void Beyond_max_conns_packets_are_shown_untracked_and_each_verb_warns()
    {
        var path = Write("three.pcap", ThreeConnections());
        const string warning = "protoscope: warning: the limit of 2 tracked connections was reached; 1 packets of further connections were shown untracked (raise it with --max-conns)";

        var read = CliRunner.Run("read", path, "--format", "jsonl", "--max-conns", "2");
        Assert.Equal(0, read.ExitCode);
        Assert.Equal([0, 1, -1], read.JsonLines().Select(p => p.GetProperty("tcp").GetProperty("stream").GetInt32()));
        Assert.Equal(1u, read.JsonLines().Last().GetProperty("tcp").GetProperty("seq").GetUInt32());
        Assert.Equal(warning, read.Stderr.TrimEnd());

        var conns = CliRunner.Run("conns", path, "--format", "jsonl", "--max-conns", "2");
        Assert.Equal(0, conns.ExitCode);
        Assert.Equal(2, conns.JsonLines().Count());
        Assert.Equal(warning, conns.Stderr.TrimEnd());

        var ladder = CliRunner.Run("ladder", path, "--conn", "1", "--max-conns", "2");
        Assert.Equal(0, ladder.ExitCode);
        Assert.Equal(warning, ladder.Stderr.TrimEnd());

        var frames = CliRunner.Run("frames", path, "--format", "jsonl", "--max-conns", "2");
        Assert.Equal(0, frames.ExitCode);
        Assert.Equal(warning, frames.Stderr.TrimEnd());

        var follow = CliRunner.Run("follow", path, "--conn", "1", "--max-conns", "2");
        Assert.Equal(0, follow.ExitCode);
        Assert.Equal(warning, follow.Stderr.TrimEnd());

        Assert.Equal("", CliRunner.Run("conns", path).Stderr);
        Assert.Equal(2, CliRunner.Run("conns", path, "--max-conns", "0").ExitCode);
    }
}
