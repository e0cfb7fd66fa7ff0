using System.Buffers.Binary;
using ProtoScope.Core.Decoding;

namespace ProtoScope.Cli.Tests;

/// <summary>
/// The analysis flags that Linux peers on a veth link do not produce on their own (a one-byte zero window probe and
/// its ACK, a spurious retransmission, an ACK of a segment never captured, reused ports, a full scaled window, a
/// keep-alive ACK, a SYN sent again, bytes in flight less SACKed bytes), written as scripted connections into a
/// capture and analysed by ProtoScope and tshark: every packet must agree, and tshark must report the flag the
/// script is about, so that a script that stops exercising it fails.
/// </summary>
public class AnalysisOfCraftedTroubleTests
{
    private const uint C = 1000, S = 5000;

    /// <summary>One segment: when (ms), who sends it (C or S), tcpdump's flag letters, raw seq and ack, payload, window, options.</summary>
    public sealed record Seg(int Ms, char From, string Flags, uint Seq, uint Ack, int Len = 0, ushort Win = 1000, byte[]? Options = null);

    private static readonly Seg[] Handshake =
    [
        new(0, 'C', "S", C, 0), new(10, 'S', "S.", S, C + 1), new(20, 'C', ".", C + 1, S + 1),
    ];

    public static TheoryData<string, string, Seg[]> Scripts() => new()
    {
        {
            "zero window, probe, probe ACK, window update", "zero_window_probe zero_window_probe_ack zero_window window_update",
            [.. Handshake, new(30, 'C', "P.", C + 1, S + 1, 100), new(40, 'S', ".", S + 1, C + 101, Win: 0),
                new(300, 'C', ".", C + 101, S + 1, 1), new(310, 'S', ".", S + 1, C + 101, Win: 0), new(900, 'S', ".", S + 1, C + 101, Win: 800)]
        },
        {
            "data sent again after its ACK", "spurious_retransmission",
            [.. Handshake, new(30, 'C', "P.", C + 1, S + 1, 100), new(40, 'S', ".", S + 1, C + 101), new(400, 'C', "P.", C + 1, S + 1, 100)]
        },
        {
            "an ACK of data the capture never saw", "ack_lost_segment lost_segment",
            [.. Handshake, new(30, 'C', "P.", C + 1, S + 1, 100), new(40, 'S', ".", S + 1, C + 301), new(50, 'C', "P.", C + 301, S + 1, 100)]
        },
        {
            "a new SYN on the ports of a closed connection", "reused_ports",
            [.. Handshake, new(30, 'C', "F.", C + 1, S + 1), new(40, 'S', "F.", S + 1, C + 2), new(50, 'C', ".", C + 2, S + 2),
                new(2000, 'C', "S", C + 90000, 0), new(2010, 'S', "S.", S + 90000, C + 90001), new(2020, 'C', ".", C + 90001, S + 90001)]
        },
        {
            "a SYN-ACK with another ISN", "reused_ports",
            [new(0, 'C', "S", C, 0), new(10, 'S', "S.", S, C + 1), new(20, 'S', "S.", S + 777, C + 1)]
        },
        {
            "a window filled to its edge, unscaled until the first ACK, then scaled", "window_full",
            [new(0, 'C', "S", C, 0, Options: WindowScale(2)), new(10, 'S', "S.", S, C + 1, Win: 100, Options: WindowScale(3)),
                new(20, 'C', ".", C + 1, S + 1), new(30, 'C', "P.", C + 1, S + 1, 100), new(40, 'S', ".", S + 1, C + 101, Win: 100),
                new(50, 'C', "P.", C + 101, S + 1, 400)]
        },
        {
            "a keep-alive and its ACK", "keep_alive keep_alive_ack",
            [.. Handshake, new(30, 'C', "P.", C + 1, S + 1, 10), new(40, 'S', ".", S + 1, C + 11),
                new(7000, 'C', ".", C + 10, S + 1), new(7010, 'S', ".", S + 1, C + 11)]
        },
        {
            "the SYN sent again, then an out-of-order segment and three duplicate ACKs", "retransmission out_of_order duplicate_ack fast_retransmission",
            [new(0, 'C', "S", C, 0), new(1000, 'C', "S", C, 0), new(1010, 'S', "S.", S, C + 1), new(1020, 'C', ".", C + 1, S + 1),
                new(1030, 'C', "P.", C + 1, S + 1, 100), new(1031, 'C', "P.", C + 201, S + 1, 100), new(1032, 'C', "P.", C + 101, S + 1, 100),
                new(1040, 'S', ".", S + 1, C + 101), new(1041, 'C', "P.", C + 301, S + 1, 100), new(1042, 'S', ".", S + 1, C + 101),
                new(1043, 'S', ".", S + 1, C + 101), new(1044, 'S', ".", S + 1, C + 101), new(1045, 'C', "P.", C + 101, S + 1, 100)]
        },
        {
            "bytes in flight less what a SACK covers", "",
            [.. Handshake, new(30, 'C', "P.", C + 1, S + 1, 100), new(31, 'C', "P.", C + 101, S + 1, 100), new(32, 'C', "P.", C + 201, S + 1, 100),
                new(40, 'S', ".", S + 1, C + 101, Options: Sack(C + 201, C + 301)), new(50, 'C', "P.", C + 301, S + 1, 100)]
        },
    };

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Every_packet_is_analysed_as_tshark_does(string what, string flags, Seg[] script)
    {
        string file = Path.Combine(Path.GetTempPath(), $"protoscope-crafted-{Guid.NewGuid():N}.pcap");
        try
        {
            Write(file, script);

            var bad = AnalysisMatchesTshark.Differences(file, out int unseen, out var tshark);

            Assert.True(bad.Count == 0, $"{what}: {bad.Count} differences\n" + string.Join("\n", bad));
            Assert.Equal(0, unseen);
            var seen = AnalysisMatchesTshark.FlagCounts(tshark.Values);
            foreach (var flag in flags.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                Assert.True(seen.ContainsKey(flag), $"{what}: tshark saw no {flag} (saw {string.Join(", ", seen.Keys)})");
            if (flags.Length == 0) Assert.Contains(tshark.Values, r => r.Numbers.ContainsKey("bytes_in_flight"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static byte[] WindowScale(byte shift) => [1, 3, 3, shift];

    private static byte[] Sack(uint left, uint right)
    {
        var o = new byte[12];
        o[0] = 1; o[1] = 1; o[2] = 5; o[3] = 10;
        BinaryPrimitives.WriteUInt32BigEndian(o.AsSpan(4), left);
        BinaryPrimitives.WriteUInt32BigEndian(o.AsSpan(8), right);
        return o;
    }

    private static void Write(string path, Seg[] script)
    {
        var header = PcapRecords.Header(LinkType.Ethernet, snaplen: 65535);
        var records = script.Select(s =>
        {
            bool client = s.From == 'C';
            var tcp = Packets.Tcp(client ? (ushort)40000 : (ushort)80, client ? (ushort)80 : (ushort)40000, s.Seq, s.Ack,
                FlagsOf(s.Flags), s.Options, s.Len, s.Win);
            var frame = Packets.Ethernet(0x0800, Packets.IPv4(6, tcp, client ? "10.0.0.1" : "10.0.0.2", client ? "10.0.0.2" : "10.0.0.1"));
            return new PcapRecord(1_700_000_000 + (uint)(s.Ms / 1000), (uint)(s.Ms % 1000) * 1000, frame.Length, frame);
        });
        PcapRecords.Write(path, header, records);
    }

    private static TcpFlags FlagsOf(string letters)
    {
        TcpFlags f = 0;
        foreach (char c in letters)
            f |= c switch { 'S' => TcpFlags.Syn, 'F' => TcpFlags.Fin, 'R' => TcpFlags.Rst, 'P' => TcpFlags.Psh, '.' => TcpFlags.Ack, _ => 0 };
        return f;
    }
}
