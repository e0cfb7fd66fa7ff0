using System.Diagnostics;
using System.Globalization;
using ProtoScope.Capture;
using ProtoScope.Core.Graphs;
using ProtoScope.Core.Session;

namespace ProtoScope.Bench;

// The UI's graph of the capture's largest TCP connection (issue 16: under 0.5 s for a 1M-packet connection, memory
// bounded): `bench graph FILE [RUNS]`. The capture is loaded into a PacketTable first, as the UI holds it; each
// graph is then timed as the UI makes it: the connection's stored packets replayed through the analysis into a
// plot, and the plot drawn at 200 × 50 cells. Medians of RUNS runs after one warm-up; bytes allocated per graph.
internal static class Graphs
{
    public static int Run(string path, int runs)
    {
        using var source = CaptureFile.Open(path);
        var table = new PacketTable(source.LinkType);
        var session = new CaptureSession(source.LinkType, source.TimestampUnit, table);
        while (source.ReadDecoded(out var header, out var data, ref session.Next) == ReadStatus.Packet) session.AddDecoded(header, data);
        var conn = session.Conversations.Tcp.MaxBy(c => c.Orig.Packets + c.Resp.Packets);
        if (conn is null)
        {
            Console.Error.WriteLine($"bench: {path} has no TCP connection");
            return 2;
        }
        long packets = conn.Orig.Packets + conn.Resp.Packets;
        var dir = conn.Orig.PayloadBytes >= conn.Resp.PayloadBytes ? Direction.Orig : Direction.Resp;
        Console.WriteLine($"capture: {path}: {table.Count:N0} packets; graphed: connection {conn.Id}, {packets:N0} packets, {dir.Name()} data");
        var bare = new List<double>();
        for (int run = 0; run <= runs; run++)
        {
            var clock = Stopwatch.StartNew();
            new StoredConversation(table, conn, table.Count, session.TimestampUnit).Replay(_ => { });
            if (run > 0) bare.Add(clock.Elapsed.TotalMilliseconds);
        }
        bare.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"the replay alone (decode and analysis, no graph): {bare[bare.Count / 2]:F0} ms"));
        Console.WriteLine("graph\tmedian ms\tallocated KiB\tpoints\tmarks");
        foreach (var kind in Enum.GetValues<TcpGraphKind>())
        {
            var times = new List<double>();
            long allocated = 0, points = 0, marks = 0;
            for (int run = 0; run <= runs; run++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                var clock = Stopwatch.StartNew();
                var plot = new TcpGraphPlot(kind, $"connection {conn.Id}");
                var graph = new TcpGraphSource(dir, table.FirstTimestamp, plot, rates: kind == TcpGraphKind.Throughput);
                new StoredConversation(table, conn, table.Count, session.TimestampUnit).Replay(graph.Add);
                var picture = TextPlot.Render(plot.Plot, 200, 50);
                clock.Stop();
                if (run == 0) continue;
                times.Add(clock.Elapsed.TotalMilliseconds);
                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                points = plot.Plot.Series.Sum(s => s.Points);
                marks = plot.Plot.Series.Sum(s => s.Marks);
                GC.KeepAlive(picture);
            }
            times.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{kind.Name()}\t{times[times.Count / 2]:F0}\t{allocated / 1024.0:F0}\t{points}\t{marks}"));
        }
        return 0;
    }
}
