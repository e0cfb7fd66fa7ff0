using System.Diagnostics;
using ProtoScope.Core.Session;

namespace ProtoScope.Bench;

/// <summary>
/// In-process timings (Stopwatch, median of N runs after one warm-up, excluding process start-up) of the bare
/// libpcap loops (pcap_next_ex pointers, and GetNextPacket as the issue defines the baseline), the CaptureFile reader, decoding alone and the full analysis (with reassembly and framing) over one file, and the memory the analysed model
/// holds. Prints one tab-separated line per measurement for scripts/bench.sh.
/// </summary>
internal static class InProcess
{
    public static int Run(string path, int runs)
    {
        var (bare, bareCpu, _) = Median(runs, () => BareRead.Run(path, "pointers"));
        var (barePacket, barePacketCpu, _) = Median(runs, () => BareRead.Run(path, "packet"));
        var (reader, readerCpu, _) = Median(runs, () => Analysis.ReadOnly(path));
        var (decode, decodeCpu, _) = Median(runs, () => Analysis.DecodeOnly(path));
        var (full, fullCpu, fullGc) = Median(runs, () => Analysis.Run(path));

        // Bytes held by the analysed model: everything reachable after the pass that was not before it.
        long before = GC.GetTotalMemory(forceFullCollection: true);
        CaptureSession session = Analysis.Run(path, out long frames);
        long after = GC.GetTotalMemory(forceFullCollection: true);
        long packets = session.PacketCount;
        int conversations = session.Conversations.Tcp.Count + session.Conversations.Udp.Count;
        GC.KeepAlive(session);

        // Linearity: the time of each quarter of the packets in one more full run (equal when the cost per packet
        // does not grow with the packets and connections already seen).
        var quarters = new long[4];
        GC.Collect();
        GC.KeepAlive(Analysis.Run(path, out _, quarters, packets));
        string shares = string.Join(" ", quarters.Select((t, i) => $"{(t - (i == 0 ? 0 : quarters[i - 1])) * 1000.0 / Stopwatch.Frequency:0}"));

        Console.WriteLine($"packets\t{packets}");
        Console.WriteLine($"conversations\t{conversations}");
        Console.WriteLine($"frames\t{frames}");
        Console.WriteLine($"bare_ms\t{bare:0.0}");
        Console.WriteLine($"reader_ms\t{reader:0.0}");
        Console.WriteLine($"decode_ms\t{decode:0.0}");
        Console.WriteLine($"decode_cpu_ms\t{decodeCpu:0.0}");
        Console.WriteLine($"full_ms\t{full:0.0}");
        Console.WriteLine($"ratio\t{full / bare:0.00}");
        Console.WriteLine($"full_gc_pause_ms\t{fullGc:0.0}");
        Console.WriteLine($"full_quarters_ms\t{shares}");
        Console.WriteLine($"bare_cpu_ms\t{bareCpu:0.0}");
        Console.WriteLine($"bare_packet_ms\t{barePacket:0.0}");
        Console.WriteLine($"bare_packet_cpu_ms\t{barePacketCpu:0.0}");
        Console.WriteLine($"cpu_ratio_packet\t{fullCpu / barePacketCpu:0.00}");
        Console.WriteLine($"reader_cpu_ms\t{readerCpu:0.0}");
        Console.WriteLine($"full_cpu_ms\t{fullCpu:0.0}");
        Console.WriteLine($"cpu_ratio\t{fullCpu / bareCpu:0.00}");
        Console.WriteLine($"model_bytes\t{after - before}");
        Console.WriteLine($"model_bytes_per_packet\t{(after - before) / (double)packets:0.0}");
        Console.WriteLine($"model_bytes_per_conversation\t{(after - before) / (double)Math.Max(1, conversations):0.0}");
        return 0;
    }

    /// <summary>
    /// Medians of wall time, of the process's CPU time (user + system, all threads, so the GC's too) and of the time
    /// the garbage collector paused the run. On a shared machine the CPU time is the steadier figure: wall time
    /// includes waiting for a core.
    /// </summary>
    internal static (double Wall, double Cpu, double GcPause) Median<T>(int runs, Func<T> work)
    {
        GC.KeepAlive(work());
        var wall = new double[runs];
        var cpu = new double[runs];
        var paused = new double[runs];
        using var self = Process.GetCurrentProcess();
        for (int i = 0; i < runs; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            self.Refresh();
            var cpuBefore = self.TotalProcessorTime;
            TimeSpan pausedBefore = GC.GetTotalPauseDuration();
            var clock = Stopwatch.StartNew();
            GC.KeepAlive(work());
            wall[i] = clock.Elapsed.TotalMilliseconds;
            paused[i] = (GC.GetTotalPauseDuration() - pausedBefore).TotalMilliseconds;
            self.Refresh();
            cpu[i] = (self.TotalProcessorTime - cpuBefore).TotalMilliseconds;
        }
        return (Middle(wall), Middle(cpu), Middle(paused));
    }

    private static double Middle(double[] values)
    {
        Array.Sort(values);
        int n = values.Length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }
}
