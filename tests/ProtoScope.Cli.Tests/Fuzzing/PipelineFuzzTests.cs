using System.Diagnostics;
using CsCheck;
using ProtoScope.Core.Decoding;
using ProtoScope.Core.Session;

namespace ProtoScope.Cli.Tests.Fuzzing;

/// <summary>
/// Mutation fuzzing of the whole pipeline with CsCheck: each input is a seed capture (the shared corpus and
/// captures/) with 1-8 mutations (<see cref="CaptureMutator"/>), run through <see cref="Pipeline"/> (decode, tracking,
/// reassembly, framing, every formatter) and, for one input in eight, through the CLI verbs (read, conns, ladder,
/// frames, follow). No exception may escape, each input must finish within its time bound and its
/// allocations within a bound proportional to its size; a failure shrinks to the fewest mutations and is saved under
/// TestResults/fuzz-failures/ for Fuzzing/Regressions/.
/// </summary>
/// <remarks>
/// The suite runs a bounded budget (<see cref="Seconds"/>, 40 s by default on 2 threads); scripts/fuzz.sh runs
/// longer with PROTOSCOPE_FUZZ_SECONDS and measures line coverage with coverlet.
/// </remarks>
public sealed class PipelineFuzzTests
{
    private static readonly TimeSpan PerInput = TimeSpan.FromSeconds(10);

    private static int Seconds(int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable("PROTOSCOPE_FUZZ_SECONDS"), out int s) && s > 0 ? s : fallback;

    /// <summary>The figures of a run: in the test output, and appended to PROTOSCOPE_FUZZ_REPORT when scripts/fuzz.sh sets it.</summary>
    private static void Note(string line)
    {
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        if (Environment.GetEnvironmentVariable("PROTOSCOPE_FUZZ_REPORT") is { Length: > 0 } report)
            File.AppendAllText(report, line + "\n");
    }

    private static readonly Lazy<(string Name, byte[] Bytes)[]> SeedFiles = new(() =>
        Repo.CorpusCaptures().Select(Repo.CorpusFile)
            .Concat(Directory.EnumerateFiles(Repo.Captures, "*.pcap*"))
            .Where(p => new FileInfo(p).Length <= 256 * 1024)
            .Select(p => (Path.GetFileName(p), File.ReadAllBytes(p)))
            .ToArray());

    private static readonly Gen<Mutation> MutationGen =
        Gen.Select(Gen.Enum<MutationKind>(), Gen.Int[0, int.MaxValue], Gen.Int[0, int.MaxValue], (k, p, v) => new Mutation(k, p, v));

    private static Gen<(int Seed, Mutation[] Mutations)> Inputs(int seeds) =>
        Gen.Select(Gen.Int[0, seeds - 1], MutationGen.Array[1, 8]);

    [Fact]
    public void Mutated_captures_never_crash_hang_or_balloon_any_stage()
    {
        var seeds = SeedFiles.Value;
        var seedBytes = seeds.Select(s => s.Bytes).ToArray();
        Assert.True(seeds.Length >= 50, $"only {seeds.Length} seed captures");
        string dir = Directory.CreateTempSubdirectory("protoscope-fuzz-").FullName;
        long executions = 0, packets = 0, cliRuns = 0, largestAllocation = 0;
        var clock = Stopwatch.StartNew();
        try
        {
            Inputs(seeds.Length).Sample(input =>
            {
                long n = Interlocked.Increment(ref executions);
                byte[] bytes = CaptureMutator.Apply(seedBytes[input.Seed], seedBytes, input.Mutations);
                string path = Path.Combine(dir, $"input-{Environment.CurrentManagedThreadId}{Path.GetExtension(seeds[input.Seed].Name)}");
                File.WriteAllBytes(path, bytes);
                var run = Task.Run(() =>
                {
                    long before = GC.GetAllocatedBytesForCurrentThread();
                    int read = Pipeline.Run(path);
                    return (read, GC.GetAllocatedBytesForCurrentThread() - before);
                });
                if (!run.Wait(PerInput))
                    throw new TimeoutException($"{Save(bytes, input)}: still running after {PerInput.TotalSeconds} s");
                var (read, allocated) = run.Result;
                Interlocked.Add(ref packets, read);
                InterlockedMax(ref largestAllocation, allocated);
                // Generous, but linear: libpcap's buffers are native; what we allocate grows with the input, never with its claims.
                if (allocated > 64L * 1024 * 1024 + 512L * bytes.Length)
                    throw new InvalidOperationException($"{Save(bytes, input)}: {allocated} bytes allocated for a {bytes.Length}-byte input");
                if (n % 8 == 0)
                {
                    Interlocked.Increment(ref cliRuns);
                    CheckCli(path);
                }
            }, time: Seconds(40), threads: 2, print: i => $"{seeds[i.Seed].Name} + {string.Join(", ", i.Mutations)}");
        }
        catch (CsCheckException e)
        {
            throw new Xunit.Sdk.XunitException($"{e.Message}\n(saved under {FailureDir})");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
        using var self = Process.GetCurrentProcess();
        Note($"{executions} inputs from {seeds.Length} seed captures in {clock.Elapsed.TotalSeconds:0} s ({executions / clock.Elapsed.TotalSeconds:0}/s), " +
             $"{packets} packets through the pipeline, {cliRuns} CLI runs; largest allocation for one input {largestAllocation / 1024} KiB; " +
             $"peak working set {self.PeakWorkingSet64 / (1024 * 1024)} MiB");
        Assert.True(executions > 1000, $"only {executions} inputs ran");
    }

    /// <summary>Mutated single packets on every link type the decoder knows, straight into the session: the fastest loop.</summary>
    [Fact]
    public void Mutated_packets_on_every_link_type_never_crash_the_session()
    {
        var packets = SeedPackets();
        int[] links = [LinkType.Null, LinkType.Ethernet, LinkType.RawDltLinux, LinkType.Raw, LinkType.Loop, LinkType.LinuxSll, LinkType.Ipv4, LinkType.Ipv6, LinkType.LinuxSll2,
            LinkType.Ppp, LinkType.PppSerial, LinkType.PppEther, LinkType.Ieee80211, LinkType.Radiotap, LinkType.Ppi, 147];
        long executions = 0;
        var gen = Gen.Select(Gen.Int[0, packets.Length - 1], Gen.Int[0, links.Length - 1], MutationGen.Array[0, 6]);
        gen.Sample(t =>
        {
            Interlocked.Increment(ref executions);
            var (index, link, mutations) = t;
            var bytes = packets[index].ToArray();
            foreach (var m in mutations)
            {
                if (bytes.Length == 0) break;
                int at = (int)((uint)m.Position % (uint)bytes.Length);
                bytes[at] = m.Kind switch
                {
                    MutationKind.FlipBit => (byte)(bytes[at] ^ (1 << (m.Value & 7))),
                    MutationKind.Truncate => bytes[at],
                    _ => (byte)m.Value,
                };
                if (m.Kind == MutationKind.Truncate) bytes = bytes[..at];
            }
            var session = new CaptureSession(links[link], maxConversations: 4);
            var format = new Core.Formatting.TcpdumpFormat();
            for (int i = 0; i < 3; i++)
            {
                var header = new PacketHeader(1_700_000_000_000_000_000L + i, bytes.Length, bytes.Length + (i * 1000));
                session.Add(header, bytes);
                Pipeline.AssertInert(format.Format(header, session.Current, session.CurrentAnalysis, session.CurrentBytes(bytes)).ToString(), "read text");
            }
        }, time: Seconds(12), threads: 2);
        Note($"{executions} mutated packets on {links.Length} link types");
        Assert.True(executions > 10_000, $"only {executions} packets ran");
    }

    /// <summary>Inputs a past run found (or hand-made hostile files): each goes through the whole pipeline and the CLI.</summary>
    [Theory]
    [MemberData(nameof(Regressions))]
    public void Regression_inputs_stay_fixed(string name)
    {
        string path = Path.Combine(RegressionDir, name);
        Pipeline.Run(path);
        CheckCli(path);
    }

    public static TheoryData<string> Regressions => new(Directory.EnumerateFiles(RegressionDir).Select(Path.GetFileName).Order(StringComparer.Ordinal)!);

    private static string RegressionDir => Path.Combine(Repo.Root, "tests", "ProtoScope.Cli.Tests", "Fuzzing", "Regressions");

    private static string FailureDir => Path.Combine(Repo.Root, "TestResults", "fuzz-failures");

    /// <summary>
    /// The verbs a user runs: exit 0, or exit 2 with one error line on stderr (after any "note:" lines about the
    /// streams, which `frames` prints as it goes); stdout and stderr inert.
    /// </summary>
    private static void CheckCli(string path)
    {
        foreach (var args in new[]
                 {
                     new[] { "read", path }, ["read", path, "--format", "jsonl"], ["conns", path], ["ladder", path, "--conn", "0"],
                     ["frames", path, "--payload"], ["follow", path, "--conn", "0"],
                 })
        {
            var r = CliRunner.Run(args);
            if (r.ExitCode is not (0 or 2)) throw new InvalidOperationException($"{string.Join(' ', args)}: exit {r.ExitCode}: {r.Stderr}");
            var errors = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith("protoscope: note: ", StringComparison.Ordinal)).ToArray();
            if (r.ExitCode == 2 && (errors.Length != 1 || !errors[0].StartsWith("protoscope: ", StringComparison.Ordinal)))
                throw new InvalidOperationException($"{string.Join(' ', args)}: not one error line: {r.Stderr}");
            if (r.ExitCode == 0 && errors.Length != 0)
                throw new InvalidOperationException($"{string.Join(' ', args)}: exit 0 with stderr: {r.Stderr}");
            Pipeline.AssertInert(r.Stdout, string.Join(' ', args));
            Pipeline.AssertInert(r.Stderr, string.Join(' ', args) + " (stderr)");
            if (args.Contains("jsonl")) _ = r.JsonLines().Count();
        }
    }

    private static string Save(byte[] bytes, (int Seed, Mutation[] Mutations) input)
    {
        Directory.CreateDirectory(FailureDir);
        string path = Path.Combine(FailureDir, $"{Convert.ToHexString(System.Security.Cryptography.SHA1.HashData(bytes))[..12].ToLowerInvariant()}{Path.GetExtension(SeedFiles.Value[input.Seed].Name)}");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long current;
        while (value > (current = Interlocked.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current) { }
    }

    /// <summary>The first 32 packets of every seed capture, read once.</summary>
    private static byte[][] SeedPackets()
    {
        var result = new List<byte[]>();
        foreach (var (name, _) in SeedFiles.Value)
        {
            string path = Repo.CorpusCaptures().Select(Repo.CorpusFile).Concat(Directory.EnumerateFiles(Repo.Captures))
                .First(p => Path.GetFileName(p) == name);
            try
            {
                using var source = Capture.CaptureFile.Open(path);
                for (int i = 0; i < 32 && source.Read(out _, out var data) == Capture.ReadStatus.Packet; i++)
                    result.Add(data.ToArray());
            }
            catch (Capture.CaptureError)
            {
            }
        }
        return result.ToArray();
    }
}
