using System.Buffers.Binary;
using ProtoScope.Cli.Tests.Traffic;
using ProtoScope.Core.Decoding;

namespace ProtoScope.Cli.Tests;

/// <summary>
/// The namespace-pair echo capture with packets reordered, duplicated, overlapped and dropped, written back as
/// new pcaps: the frames must still be what the client sent (or, after a drop, what it sent up to the hole,
/// then a framing error where the hole starts a frame). Expectations come from the test's own plan.
/// </summary>
[Collection(EchoCaptures.Collection)]
public sealed class FramesOfAlteredCapturesTests(EchoCaptures captures)
{
    /// <summary>A data-carrying TCP packet of the capture, decoded.</summary>
    private sealed record Segment(PcapRecord Record, bool FromClient, uint Seq, int PayloadOffset, int Length, int NetworkOffset, int TransportOffset);

    private static Segment? Decode(PcapRecord r, int serverPort)
    {
        var p = new DecodedPacket();
        PacketDecoder.Decode(r.Data, LinkType.Ethernet, r.WireLength, ref p);
        if (!p.IsTcp || p.PayloadLength == 0) return null;
        return new Segment(r, p.DstPort == serverPort, p.SequenceNumber, p.PayloadOffset, p.PayloadLength, p.NetworkOffset, p.TransportOffset);
    }

    /// <summary>Payload bytes [from, to) of a segment as a packet of its own, sequence number and IPv4 length adjusted.</summary>
    private static PcapRecord Part(Segment s, int from, int to)
    {
        byte[] data = [.. s.Record.Data.AsSpan(0, s.PayloadOffset), .. s.Record.Data.AsSpan(s.PayloadOffset + from, to - from)];
        BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(s.NetworkOffset + 2), (ushort)(s.PayloadOffset - s.NetworkOffset + to - from));
        BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(s.TransportOffset + 4), s.Seq + (uint)from);
        return s.Record with { Data = data, WireLength = data.Length };
    }

    private string Alter(string name, Func<List<PcapRecord>, int, List<PcapRecord>> change)
    {
        var (header, records) = PcapRecords.Read(captures.NetnsTcp.Pcap);
        string path = Path.Combine(captures.Dir, name + ".pcap");
        PcapRecords.Write(path, header, change(records, captures.NetnsTcp.Port));
        return path;
    }

    private void AssertAllFrames(string pcap) =>
        FramesOfRealTrafficTests.AssertTcpFramesMatch(FramesOfRealTrafficTests.Frames(pcap, "--port", $"{captures.NetnsTcp.Port}"), captures.NetnsTcp.Tcp!);

    [Fact]
    public void Adjacent_segments_swapped()
    {
        int swapped = 0;
        AssertAllFrames(Alter("reordered", (records, port) =>
        {
            var result = new List<PcapRecord>(records);
            for (int i = 0; i + 1 < result.Count; i++)
            {
                Segment? a = Decode(result[i], port), b = Decode(result[i + 1], port);
                // Adjacent, same direction: no acknowledgment between them, so the receiver could have seen them either way round.
                if (a is null || b is null || a.FromClient != b.FromClient || i % 3 != 0) continue;
                (result[i], result[i + 1]) = (result[i + 1], result[i]);
                swapped++;
                i++;
            }
            return result;
        }));
        Assert.True(swapped > 50, $"only {swapped} swaps");
    }

    [Fact]
    public void Segments_retransmitted_later_and_one_conflicting_copy()
    {
        string pcap = Alter("duplicated", (records, port) =>
        {
            var result = new List<PcapRecord>();
            var pending = new List<(int At, PcapRecord Copy)>();
            bool conflicted = false;
            for (int i = 0; i < records.Count; i++)
            {
                result.Add(records[i]);
                if (Decode(records[i], port) is Segment s && i % 4 == 0)
                {
                    PcapRecord copy = records[i] with { Data = (byte[])records[i].Data.Clone() };
                    if (!conflicted && s.FromClient)
                    {
                        copy.Data[s.PayloadOffset] ^= 0xFF;
                        conflicted = true;
                        result.Add(copy);
                    }
                    else
                    {
                        pending.Add((i + 3, copy));
                    }
                }
                result.AddRange(pending.Where(p => p.At == i).Select(p => p.Copy));
            }
            return result;
        });
        AssertAllFrames(pcap);
        var r = CliRunner.Run("frames", pcap, "--port", $"{captures.NetnsTcp.Port}", "--format", "jsonl");
        Assert.Contains("conflicting overlap", r.Stderr);
    }

    [Fact]
    public void Segments_cut_into_two_overlapping_parts_sent_back_to_front()
    {
        AssertAllFrames(Alter("overlapping", (records, port) =>
        {
            var result = new List<PcapRecord>();
            for (int i = 0; i < records.Count; i++)
            {
                if (Decode(records[i], port) is Segment s && s.Length >= 300 && i % 5 == 0)
                {
                    result.Add(Part(s, s.Length / 3, s.Length));
                    result.Add(Part(s, 0, 2 * s.Length / 3));
                }
                else
                {
                    result.Add(records[i]);
                }
            }
            return result;
        }));
    }

    [Fact]
    public void A_dropped_segment_is_a_gap_that_stops_framing_at_the_frame_it_falls_in()
    {
        Plan plan = captures.NetnsTcp.Tcp!;
        long dropOffset = -1;
        string pcap = Alter("dropped", (records, port) =>
        {
            var p = new DecodedPacket();
            PacketDecoder.Decode(records[0].Data, LinkType.Ethernet, records[0].WireLength, ref p);
            Assert.True((p.Flags & TcpFlags.Syn) != 0 && p.DstPort == port, "the capture starts with the client's SYN");
            uint isn = p.SequenceNumber;
            var data = records.Select((r, i) => (r, i, s: Decode(r, port))).Where(x => x.s is { FromClient: true }).ToList();
            var victim = data[data.Count / 2];
            dropOffset = victim.s!.Seq - (isn + 1);
            return records.Where((_, i) => i != victim.i).ToList();
        });
        var offsets = plan.Offsets;
        int hit = offsets.FindLastIndex(o => o <= dropOffset);
        var lines = FramesOfRealTrafficTests.Frames(pcap, "--port", $"{captures.NetnsTcp.Port}");
        var orig = lines.Where(l => l.GetProperty("dir").GetString() == "orig").ToList();
        var frames = orig.Where(l => l.TryGetProperty("kind", out _)).ToList();
        Assert.Equal(hit, frames.Count);
        for (int i = 0; i < hit; i++)
            Assert.True(plan.Payloads[i].AsSpan().SequenceEqual(Convert.FromBase64String(frames[i].GetProperty("payload_b64").GetString()!)));
        var error = Assert.Single(orig, l => l.TryGetProperty("error", out _));
        Assert.Equal(offsets[hit], error.GetProperty("offset").GetInt64());
        Assert.Contains("lost in capture", error.GetProperty("error").GetString());
        // The other direction is untouched.
        Assert.Equal(plan.Payloads.Count, lines.Count(l => l.GetProperty("dir").GetString() == "resp" && l.TryGetProperty("kind", out _)));
    }
}
