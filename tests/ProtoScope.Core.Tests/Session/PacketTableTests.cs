using System.Globalization;
using ProtoScope.Capture;
using ProtoScope.Core.Decoding;
using ProtoScope.Core.Filtering;
using ProtoScope.Core.Session;

namespace ProtoScope.Core.Tests.Session;

public class PacketTableTests
{
    public static readonly TheoryData<string> Captures = new(
        "tcpdump/captures/dns_tcp.pcap",
        "tcpdump/captures/print-flags.pcap",
        "tcpdump/captures/tfo-5c1fa7f9ae91.pcap",
        "tcpdump/captures/dns_udp.pcap",
        "tcpdump/captures/tcp_eight_lowest_weight_flags_set.pcap",
        "zeek/captures/communityid/ipv6.pcap",
        "zeek/captures/pcapng-multi-interface.pcapng",
        "zeek-conn/traces/ftp/cwd-navigation.pcap");

    [Theory]
    [MemberData(nameof(Captures))]
    public void Rows_hold_what_tshark_shows(string capture)
    {
        string path = Repo.CorpusFile(capture);
        var table = Corpus.Load(capture);
        var expected = Tshark.Fields(path, null, "frame.len", "ip.src", "ipv6.src", "ip.dst", "ipv6.dst", "tcp.srcport", "tcp.dstport",
            "udp.srcport", "udp.dstport", "tcp.flags", "tcp.seq", "tcp.ack", "tcp.len", "tcp.stream", "udp.stream", "arp.src.proto_ipv4", "arp.dst.proto_ipv4");
        Assert.Equal(expected.Count, table.Count);
        var bad = new List<string>();
        for (int i = 0; i < table.Count; i++)
        {
            var t = expected[i];
            var r = table[i];
            void Check(string what, string theirs, string mine)
            {
                if (theirs != mine) bad.Add($"frame {r.Frame} {what}: tshark '{theirs}', table '{mine}'");
            }
            Check("frame.len", t[0], r.WireLength.ToString(CultureInfo.InvariantCulture));
            // For ARP the table keeps the sender and target protocol addresses as source and destination.
            Check("src", t[1] != "" ? t[1] : t[2] != "" ? t[2] : t[15], r.Src.ToString());
            Check("dst", t[3] != "" ? t[3] : t[4] != "" ? t[4] : t[16], r.Dst.ToString());
            bool tcp = t[5] != "", udp = t[7] != "";
            Check("sport", tcp ? t[5] : t[7], r.Conversation >= 0 ? r.SrcPort.ToString(CultureInfo.InvariantCulture) : "");
            Check("dport", tcp ? t[6] : t[8], r.Conversation >= 0 ? r.DstPort.ToString(CultureInfo.InvariantCulture) : "");
            if (tcp)
            {
                Check("flags", Convert.ToInt32(t[9], 16).ToString(CultureInfo.InvariantCulture), ((int)r.Flags).ToString(CultureInfo.InvariantCulture));
                Check("seq", t[10], r.RelativeSeq.ToString(CultureInfo.InvariantCulture));
                if ((r.Flags & TcpFlags.Ack) != 0) Check("ack", t[11], r.RelativeAck.ToString(CultureInfo.InvariantCulture));
                Check("tcp.len", t[12], r.PayloadLength.ToString(CultureInfo.InvariantCulture));
                Check("tcp.stream", t[13], r.Conversation.ToString(CultureInfo.InvariantCulture));
            }
            if (udp) Check("udp.stream", t[14], r.Conversation.ToString(CultureInfo.InvariantCulture));
        }
        Assert.True(bad.Count == 0, string.Join("\n", bad.Take(30)));
    }

    [Theory]
    [MemberData(nameof(Captures))]
    public void Stored_bytes_are_the_captured_bytes(string capture)
    {
        var table = Corpus.Load(capture);
        using var source = CaptureFile.Open(Repo.CorpusFile(capture));
        int row = 0;
        while (source.Read(out var header, out var data) == ReadStatus.Packet)
        {
            Assert.True(data.SequenceEqual(table.Bytes(row)), $"frame {row + 1}");
            Assert.Equal(header.Timestamp, table[row].Timestamp);
            row++;
        }
        Assert.Equal(row, table.Count);
    }

    [Fact]
    public void Metadata_stays_within_64_bytes_per_packet()
    {
        var frame = Packets.EthernetTcp("10.0.0.1", "10.0.0.2", 40000, 80, TcpFlags.Ack, 1, 1, payload: 10);
        const int rows = 3 * PacketTable.ChunkRows;
        // The session's own state (the TCP analysis keeps a bounded list of unacknowledged segments) is not the
        // table's: what the same packets allocate without a table is taken off.
        long sessionAlone = Allocated(new CaptureSession(LinkType.Ethernet), frame, rows);
        var table = new PacketTable(LinkType.Ethernet);
        long allocated = Allocated(new CaptureSession(LinkType.Ethernet, table: table), frame, rows);
        double perPacket = (double)(allocated - sessionAlone - table.PacketBytesHeld) / rows;
        Assert.True(perPacket <= 64, $"{perPacket:F1} bytes of metadata per packet");
        Assert.True(PacketChunk.BytesPerRow <= 64);
    }

    private static long Allocated(CaptureSession session, byte[] frame, int rows)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < rows; i++)
            session.Add(new PacketHeader(i * 1000L, frame.Length, frame.Length), frame);
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    /// <summary>
    /// A row keeps no arena position: it is worked out from its group's checkpoint and the lengths before it. Packets
    /// of every awkward size (empty, filling a block to the byte, straddling a block's end, larger than a block)
    /// must come back whole, in every place of a checkpoint group.
    /// </summary>
    [Fact]
    public void Bytes_of_every_size_come_back_from_where_the_lengths_put_them()
    {
        const int block = 1 << 22;
        int[] small = [0, 1, 60, 1514, 65_535, 262_144];
        int[] large = [block - 1, block, block + 1, 3 * block + 7];
        var random = new Random(7);
        var lengths = Enumerable.Range(0, 300).Select(i => i % 37 == 5 ? large[i / 37 % large.Length] : small[random.Next(small.Length)]).ToArray();
        var table = new PacketTable(LinkType.Raw);
        var empty = default(DecodedPacket);
        var analysis = new PacketAnalysis { Conversation = -1 };
        for (int row = 0; row < lengths.Length; row++)
            table.Append(new PacketHeader(row, lengths[row], lengths[row]), Pattern(row, lengths[row]), empty, analysis);
        for (int row = 0; row < lengths.Length; row++)
            Assert.True(table.Bytes(row).SequenceEqual(Pattern(row, lengths[row])), $"row {row} ({lengths[row]} bytes)");
        Assert.True(table.PacketBytesHeld >= lengths.Sum(n => (long)n));
    }

    /// <summary>Each length takes two bytes a row; one that does not fit (a packet cut by more than 64 KiB, a payload length that lies) still comes back whole.</summary>
    [Theory]
    [InlineData(0, 0)]
    [InlineData(1460, 1460)]
    [InlineData(65_534, 65_534)]
    [InlineData(65_535, 65_535)]
    [InlineData(262_000, 400_000)]
    [InlineData(12, -20)]
    public void Lengths_beyond_two_bytes_come_back_whole(int uncaptured, int payloadLength)
    {
        var table = new PacketTable(LinkType.Raw);
        var frame = Pattern(0, 96);
        var packet = new DecodedPacket { PayloadLength = payloadLength };
        var analysis = new PacketAnalysis { Conversation = -1 };
        table.Append(new PacketHeader(0, frame.Length, frame.Length + 3), frame, default, analysis);
        table.Append(new PacketHeader(1, frame.Length, frame.Length + uncaptured), frame, packet, analysis);
        Assert.Equal((frame.Length + uncaptured, payloadLength), (table[1].WireLength, table[1].PayloadLength));
        Assert.Equal((frame.Length + 3, 0), (table[0].WireLength, table[0].PayloadLength));
        Assert.Equal(frame.Length + uncaptured, table.Header(1).WireLength);
    }

    private static byte[] Pattern(int row, int length)
    {
        var bytes = new byte[length];
        for (int i = 0; i < length; i++) bytes[i] = (byte)(row * 31 + i);
        return bytes;
    }

    [Fact]
    public async Task A_reader_sees_only_complete_rows_while_the_writer_appends()
    {
        var table = new PacketTable(LinkType.Ethernet);
        var session = new CaptureSession(LinkType.Ethernet, table: table);
        const int rows = 300_000;
        var frames = Enumerable.Range(0, 7).Select(n => Packets.EthernetUdp("10.0.0.1", "10.0.0.2", (ushort)(1000 + n), 53, n * 13)).ToArray();
        var writer = Task.Run(() =>
        {
            for (int i = 0; i < rows; i++)
            {
                var f = frames[i % frames.Length];
                session.Add(new PacketHeader(i, f.Length, f.Length), f);
            }
        }, TestContext.Current.CancellationToken);
        var errors = new List<string>();
        while (!writer.IsCompleted || table.Count < rows)
        {
            int count = table.Count;
            if (count == 0) continue;
            int row = count - 1;
            var r = table[row];
            var f = frames[row % frames.Length];
            if (r.Timestamp != row || r.SrcPort != 1000 + row % frames.Length || !table.Bytes(row).SequenceEqual(f))
                errors.Add($"row {row}: timestamp {r.Timestamp}, sport {r.SrcPort}");
            if (errors.Count > 5) break;
        }
        await writer;
        Assert.Empty(errors);
        Assert.Equal(rows, table.Count);
    }

    [Fact]
    public void Role_and_framing_keywords_read_the_row_bytes_the_tracker_and_framing_set()
    {
        var table = new PacketTable(LinkType.Ethernet);
        var session = new CaptureSession(LinkType.Ethernet, table: table);
        var syn = Packets.EthernetTcp("10.0.0.1", "10.0.0.2", 40000, 80, TcpFlags.Syn, 100, 0);
        var synAck = Packets.EthernetTcp("10.0.0.2", "10.0.0.1", 80, 40000, TcpFlags.Syn | TcpFlags.Ack, 500, 101);
        var ack = Packets.EthernetTcp("10.0.0.1", "10.0.0.2", 40000, 80, TcpFlags.Ack, 101, 501);
        var data = Packets.EthernetTcp("10.0.0.1", "10.0.0.2", 40000, 80, TcpFlags.Ack | TcpFlags.Psh, 101, 501, payload: 5);
        var fin = Packets.EthernetTcp("10.0.0.1", "10.0.0.2", 40000, 80, TcpFlags.Fin | TcpFlags.Ack, 106, 501);
        var rst = Packets.EthernetTcp("10.0.0.2", "10.0.0.1", 80, 40000, TcpFlags.Rst, 501, 0);
        foreach (var f in new[] { syn, synAck, ack, data, fin, rst })
            session.Add(new PacketHeader(0, f.Length, f.Length), f);
        // The tracker gave the roles in the one pass; the framing layer marks a bad frame afterwards.
        table.AddFault(3, PacketFault.Framing);

        Assert.Equal([0, 1, 2], Select(table, "handshake"));
        Assert.Equal([4], Select(table, "teardown"));
        Assert.Equal([5], Select(table, "reset"));
        Assert.Equal([3], Select(table, "data"));
        Assert.Equal([3], Select(table, "framing.error"));
        Assert.Equal([0, 1, 2, 4, 5], Select(table, "handshake or teardown or reset"));
        Assert.Equal([1, 5], Select(table, "conn == 0 and ip.src == 10.0.0.2"));
    }

    private static int[] Select(PacketTable table, string text)
    {
        Assert.True(DisplayFilter.TryParse(text, out var filter, out var error), error.ToString());
        var rows = new RowSet();
        filter!.Scan(table, 0, table.Count, rows);
        return Enumerable.Range(0, rows.Count).Select(i => rows[i]).ToArray();
    }
}
