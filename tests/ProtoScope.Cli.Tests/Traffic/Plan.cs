using System.Buffers;
using System.Text;
using ProtoScope.Core.Framing;

namespace ProtoScope.Cli.Tests.Traffic;

/// <summary>
/// What a test client sends, drawn from a seed: frames of 0 bytes to 200 KB (random bytes, or Chinese and English
/// text), grouped into writes so that some writes carry many frames (sticky) and some frames are cut across writes.
/// The test keeps the payloads, so every frame decoded from the capture is checked against what was sent.
/// </summary>
internal sealed class Plan
{
    private static readonly string[] Texts = ["hello, world", "你好，世界", "length-prefixed frames 长度前缀", "échange de données"];

    public required FramingSpec Spec { get; init; }
    public required List<byte[]> Payloads { get; init; }
    public required byte[] Stream { get; init; }
    /// <summary>Bytes per sendall() call, in order; they add up to the stream.</summary>
    public required List<int> Writes { get; init; }

    /// <summary>Stream offset of each frame's length prefix.</summary>
    public List<long> Offsets
    {
        get
        {
            var offsets = new List<long>();
            long at = 0;
            foreach (byte[] p in Payloads) { offsets.Add(at); at += Spec.HeaderSize + p.Length; }
            return offsets;
        }
    }

    public static Plan Tcp(int seed, int frames, FramingSpec? spec = null)
    {
        spec ??= FramingSpec.Default;
        var random = new Random(seed);
        var payloads = new List<byte[]> { Array.Empty<byte>(), Payload(random, 200_000) };
        while (payloads.Count < frames)
        {
            int size = random.Next(10) switch
            {
                < 3 => random.Next(0, 17),
                < 6 => random.Next(17, 2_000),
                < 9 => random.Next(2_000, 30_000),
                _ => random.Next(30_000, 200_001),
            };
            payloads.Add(Payload(random, size));
        }
        var stream = new ArrayBufferWriter<byte>();
        var writes = new List<int>();
        int i = 0;
        while (i < payloads.Count)
        {
            int before = stream.WrittenCount;
            int roll = random.Next(10);
            if (roll < 4)
            {
                // Several frames in one write: they share segments.
                int group = Math.Min(random.Next(2, 9), payloads.Count - i);
                for (int k = 0; k < group; k++) MessageWriter.Write(stream, payloads[i++], spec);
                writes.Add(stream.WrittenCount - before);
            }
            else if (roll < 5 && payloads[i].Length > 10)
            {
                // One frame in two writes, the cut inside the payload.
                MessageWriter.Write(stream, payloads[i++], spec);
                int total = stream.WrittenCount - before, first = random.Next(1, total);
                writes.Add(first);
                writes.Add(total - first);
            }
            else
            {
                MessageWriter.Write(stream, payloads[i++], spec);
                writes.Add(stream.WrittenCount - before);
            }
        }
        return new Plan { Spec = spec, Payloads = payloads, Stream = stream.WrittenSpan.ToArray(), Writes = writes };
    }

    /// <summary>Random bytes, or text (about one payload in three), of exactly <paramref name="size"/> bytes.</summary>
    public static byte[] Payload(Random random, int size)
    {
        var bytes = new byte[size];
        if (random.Next(3) == 0)
        {
            var text = new StringBuilder();
            while (Encoding.UTF8.GetByteCount(text.ToString()) < size) text.Append(Texts[random.Next(Texts.Length)]).Append(' ');
            byte[] utf8 = Encoding.UTF8.GetBytes(text.ToString());
            utf8.AsSpan(0, size).CopyTo(bytes);
        }
        else
        {
            random.NextBytes(bytes);
        }
        return bytes;
    }

    public void Save(string dir)
    {
        File.WriteAllBytes(Path.Combine(dir, "stream.bin"), Stream);
        File.WriteAllText(Path.Combine(dir, "writes.json"), "[" + string.Join(",", Writes) + "]");
    }
}
