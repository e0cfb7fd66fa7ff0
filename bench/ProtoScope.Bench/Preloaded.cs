using ProtoScope.Capture;
using ProtoScope.Core.Session;

namespace ProtoScope.Bench;

/// <summary>
/// Packets of a capture file held in memory for the hot-path benchmarks, so they measure our code and not libpcap:
/// one arena of bytes with offsets (for our span decoder) and the same bytes as one array per packet (PacketDotNet
/// wants an array).
/// </summary>
internal sealed class Preloaded
{
    public required int LinkType { get; init; }
    public required byte[] Arena { get; init; }
    public required int[] Offsets { get; init; }
    public required PacketHeader[] Headers { get; init; }
    public required byte[][] Arrays { get; init; }
    public int Count => Headers.Length;

    public ReadOnlySpan<byte> Bytes(int i) => Arena.AsSpan(Offsets[i], Headers[i].CapturedLength);

    /// <summary>
    /// The capture named by PROTOSCOPE_BENCH_FILE (scripts/bench.sh sets it to the mixed capture), at most
    /// <paramref name="limit"/> packets from its start.
    /// </summary>
    public static Preloaded Load(int limit)
    {
        string path = Environment.GetEnvironmentVariable("PROTOSCOPE_BENCH_FILE")
            ?? throw new InvalidOperationException("set PROTOSCOPE_BENCH_FILE to a capture file (scripts/bench.sh does)");
        using var source = CaptureFile.Open(path);
        var arena = new MemoryStream();
        var offsets = new List<int>();
        var headers = new List<PacketHeader>();
        var arrays = new List<byte[]>();
        while (headers.Count < limit && source.Read(out var header, out var data) == ReadStatus.Packet)
        {
            offsets.Add((int)arena.Length);
            arena.Write(data);
            headers.Add(header);
            arrays.Add(data.ToArray());
        }
        return new Preloaded
        {
            LinkType = source.LinkType,
            Arena = arena.ToArray(),
            Offsets = offsets.ToArray(),
            Headers = headers.ToArray(),
            Arrays = arrays.ToArray(),
        };
    }
}
