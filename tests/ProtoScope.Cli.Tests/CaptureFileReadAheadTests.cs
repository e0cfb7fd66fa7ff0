using System.Buffers.Binary;
using System.Runtime.InteropServices;
using ProtoScope.Capture;
using ProtoScope.Core.Decoding;
using ProtoScope.Core.Session;
using SharpPcap;
using SharpPcap.LibPcap;

namespace ProtoScope.Cli.Tests;

/// <summary>
/// CaptureFile reads ahead on a thread of its own, in batches bounded by packets and by bytes. Whatever the batch
/// boundaries, the caller must see exactly what a plain libpcap loop over the same file sees (SharpPcap's
/// GetNextPacket, the oracle here), then the damage after the last complete packet.
/// </summary>
public sealed class CaptureFileReadAheadTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("protoscope-readahead-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>
    /// 9,000 packets of 14 to 1,513 bytes (several batches by count), with a 262,144-byte packet every 1,000th (batches
    /// cut by bytes, and one packet larger than a batch), then a record header that promises more than the file
    /// holds. Each packet's bytes carry its number, so a packet handed out of a recycled batch would show.
    /// </summary>
    private string WriteCapture(bool truncatedTail)
    {
        var path = Path.Combine(_dir, truncatedTail ? "cut.pcap" : "whole.pcap");
        using var f = File.Create(path);
        var h = new byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(h, 0xa1b23c4d);
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(4), 2);
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(6), 4);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(16), 262_144);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(20), 1);
        f.Write(h);
        var rh = new byte[16];
        for (int i = 0; i < 9_000; i++)
        {
            int length = i % 1_000 == 999 ? 262_144 : 14 + i * 37 % 1_500;
            var data = new byte[length];
            for (int j = 0; j < length; j++) data[j] = (byte)(i + j);
            BinaryPrimitives.WriteUInt32LittleEndian(rh, 1_700_000_000 + (uint)(i / 1000));
            BinaryPrimitives.WriteUInt32LittleEndian(rh.AsSpan(4), (uint)i * 1_000 + 7);
            BinaryPrimitives.WriteUInt32LittleEndian(rh.AsSpan(8), (uint)length);
            BinaryPrimitives.WriteUInt32LittleEndian(rh.AsSpan(12), (uint)length + (uint)(i % 3));
            f.Write(rh);
            f.Write(data);
        }
        if (truncatedTail)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(rh.AsSpan(8), 100);
            BinaryPrimitives.WriteUInt32LittleEndian(rh.AsSpan(12), 100);
            f.Write(rh);
            f.Write(new byte[10]);
        }
        return path;
    }

    private static List<(long Timestamp, int WireLength, byte[] Data)> ReadWithLibpcap(string path, out bool failed)
    {
        var packets = new List<(long, int, byte[])>();
        using var device = new CaptureFileReaderDevice(path);
        device.Open(new DeviceConfiguration { TimestampResolution = TimestampResolution.Nanosecond });
        GetPacketStatus status;
        while ((status = device.GetNextPacket(out PacketCapture e)) == GetPacketStatus.PacketRead)
        {
            var raw = e.GetPacket();
            packets.Add(((long)(raw.Timeval.Date - DateTime.UnixEpoch).Ticks * 100, (int)((PcapHeader)e.Header).PacketLength, raw.Data));
        }
        failed = status == GetPacketStatus.Error;
        return packets;
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, true)]
    [InlineData(false, false)]
    [InlineData(true, false)]
    public void Every_packet_comes_out_as_libpcap_reads_it_then_the_end_or_the_damage(bool truncatedTail, bool readAhead)
    {
        var path = WriteCapture(truncatedTail);
        var expected = ReadWithLibpcap(path, out bool libpcapFailed);
        Assert.Equal(9_000, expected.Count);
        Assert.Equal(truncatedTail, libpcapFailed);

        using var file = CaptureFile.Open(path, readAhead);
        int n = 0;
        ReadStatus status;
        while ((status = file.Read(out PacketHeader header, out var data)) == ReadStatus.Packet)
        {
            var (timestamp, wireLength, bytes) = expected[n];
            // DateTime keeps 100 ns ticks: compare at that precision.
            Assert.Equal(timestamp / 100, header.Timestamp / 100);
            Assert.Equal(wireLength, header.WireLength);
            Assert.Equal(bytes.Length, header.CapturedLength);
            Assert.True(data.SequenceEqual(bytes), $"packet {n + 1}: bytes differ");
            n++;
        }
        Assert.Equal(expected.Count, n);
        Assert.Equal(truncatedTail ? ReadStatus.Error : ReadStatus.End, status);
        if (truncatedTail)
        {
            Assert.StartsWith($"{path}: ", file.Error);
            Assert.Contains("truncated", file.Error);
        }
        // Asked again, a file read ahead says the same (its batches are gone by then; libpcap itself says End).
        if (readAhead) Assert.Equal(status, file.Read(out _, out _));
    }

    [Fact]
    public async Task Closing_a_file_part_way_or_before_any_read_stops_its_reading_thread()
    {
        var path = WriteCapture(truncatedTail: false);
        CaptureFile.Open(path).Dispose();
        for (int stopAfter = 1; stopAfter <= 9_000; stopAfter *= 3)
        {
            var file = CaptureFile.Open(path);
            for (int i = 0; i < stopAfter; i++) Assert.Equal(ReadStatus.Packet, file.Read(out _, out _));
            var closing = Task.Run(file.Dispose, TestContext.Current.CancellationToken);
            await closing.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        }
    }

    /// <summary>
    /// Asked for decoded packets, the reading thread decodes them too: each must be what the decoder makes of that
    /// packet's bytes, whether its batch was filled before the first such request (decoded on the spot) or after
    /// (decoded ahead).
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Packets_read_decoded_are_what_the_decoder_makes_of_their_bytes(bool readAhead)
    {
        // Ours, and Zeek's test captures for other link types and for pcapng.
        var captures = Directory.GetFiles(Path.Combine(Repo.Root, "captures"), "*.pcap")
            .Concat(Directory.GetFiles(Path.Combine(Repo.Corpus, "zeek", "captures"), "*.pcap*", SearchOption.AllDirectories)).ToList();
        Assert.True(captures.Count > 30, $"{captures.Count} captures");
        foreach (var path in captures.Append(WriteCapture(truncatedTail: true)))
        {
            using var file = CaptureFile.Open(path, readAhead);
            int n = 0, plain = path.EndsWith("cut.pcap") ? 3_000 : 0;
            var decoded = new DecodedPacket();
            var expected = new DecodedPacket();
            for (; n < plain; n++) Assert.Equal(ReadStatus.Packet, file.Read(out _, out _));
            while (file.ReadDecoded(out var header, out var data, ref decoded) == ReadStatus.Packet)
            {
                n++;
                PacketDecoder.Decode(data, file.LinkType, header.WireLength, ref expected);
                Assert.True(Bytes(ref decoded).SequenceEqual(Bytes(ref expected)), $"{path}: packet {n} decoded differently");
            }
            Assert.True(n > plain, path);
        }
    }

    private static ReadOnlySpan<byte> Bytes(ref DecodedPacket p) => MemoryMarshal.AsBytes(new Span<DecodedPacket>(ref p));
}
