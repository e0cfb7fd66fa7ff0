using System.Diagnostics;
using ProtoScope.Capture;
using ProtoScope.Core.Session;

namespace ProtoScope.Bench;

/// <summary>
/// Decode + track only, as the CLI's conns verb runs it (a <see cref="CaptureSession"/> without reassembly): the
/// in-process time (median of N runs after one warm-up) and the memory the connection tracker holds afterwards, per
/// packet and per conversation. Separates the tracker's memory from reassembly's and framing's.
/// </summary>
internal static class InProcessConns
{
    public static int Run(string path, int runs)
    {
        var (track, trackCpu, _) = InProcess.Median(runs, () => Track(path));

        long before = GC.GetTotalMemory(forceFullCollection: true);
        CaptureSession session = Track(path);
        long after = GC.GetTotalMemory(forceFullCollection: true);
        long packets = session.PacketCount;
        int tcp = session.Conversations.Tcp.Count, udp = session.Conversations.Udp.Count;
        GC.KeepAlive(session);

        long model = after - before;
        Console.WriteLine($"packets\t{packets}");
        Console.WriteLine($"tcp_connections\t{tcp}");
        Console.WriteLine($"udp_conversations\t{udp}");
        Console.WriteLine($"track_ms\t{track:0.0}");
        Console.WriteLine($"track_cpu_ms\t{trackCpu:0.0}");
        Console.WriteLine($"model_bytes\t{model}");
        Console.WriteLine($"model_bytes_per_packet\t{model / (double)Math.Max(1, packets):0.0}");
        Console.WriteLine($"model_bytes_per_conversation\t{model / (double)Math.Max(1, tcp + udp):0.0}");
        return 0;
    }

    public static CaptureSession Track(string path)
    {
        using var source = CaptureFile.Open(path);
        var session = new CaptureSession(source.LinkType, source.TimestampUnit);
        ReadStatus status;
        while ((status = source.ReadDecoded(out var header, out var data, ref session.Next)) == ReadStatus.Packet)
            session.AddDecoded(header, data);
        if (status == ReadStatus.Error) throw new InvalidOperationException(source.Error);
        return session;
    }
}
