using System.Globalization;
using BenchmarkDotNet.Running;
using ProtoScope.Bench;

// bench traffic SHAPE [--port P] [--scale X]   make loopback traffic for a benchmark capture (tcpdump records it)
// bench bare-read FILE [pointers|packet]        the bare libpcap read loop, no decoding
// bench inproc FILE [RUNS]                      in-process medians (bare, reader, full) and model memory
// bench inproc-conns FILE [RUNS]                decode + track only (no reassembly): median time and tracker memory
// bench hot [BenchmarkDotNet arguments]         the BenchmarkDotNet hot-path benchmarks (PROTOSCOPE_BENCH_FILE)
// bench ui [CAPTURE] [--model-only]             the UI model: first screen, full load, display filters, bytes per packet
// bench graph FILE [RUNS]                       each TCP graph of the largest connection, as the UI makes it: time and memory
string verb = args.Length > 0 ? args[0] : "";
string Arg(int i, string fallback) => args.Length > i ? args[i] : fallback;
string? Option(string name) => Array.IndexOf(args, name) is int at and >= 0 && at + 1 < args.Length ? args[at + 1] : null;

switch (verb)
{
    case "traffic":
        return await Traffic.RunAsync(Arg(1, "mixed"),
            int.Parse(Option("--port") ?? "47000", CultureInfo.InvariantCulture),
            double.Parse(Option("--scale") ?? "1", CultureInfo.InvariantCulture));
    case "bare-read":
        var (packets, bytes) = BareRead.Run(Arg(1, ""), Arg(2, "pointers"));
        Console.WriteLine($"{packets} packets, {bytes} bytes");
        return 0;
    case "inproc":
        return InProcess.Run(Arg(1, ""), int.Parse(Arg(2, "5"), CultureInfo.InvariantCulture));
    case "inproc-conns":
        return InProcessConns.Run(Arg(1, ""), int.Parse(Arg(2, "3"), CultureInfo.InvariantCulture));
    case "hot":
        BenchmarkSwitcher.FromTypes([typeof(HotPaths)]).Run(args[1..]);
        return 0;
    case "ui":
        return UiModel.Run(args[1..]);
    case "graph":
        return Graphs.Run(Arg(1, ""), int.Parse(Arg(2, "5"), CultureInfo.InvariantCulture));
    default:
        Console.Error.WriteLine("usage: bench traffic SHAPE [--port P] [--scale X] | bare-read FILE [pointers|packet] | inproc FILE [RUNS] | inproc-conns FILE [RUNS] | hot [BenchmarkDotNet args] | ui [CAPTURE] [--model-only] | graph FILE [RUNS]");
        return 2;
}
