using ProtoScope.Capture;
using ProtoScope.Core.Framing;
using ProtoScope.Core.Reassembly;
using ProtoScope.Core.Session;

namespace ProtoScope.Bench;

/// <summary>
/// The full one-pass analysis of a file as the CLI's frames verb runs it (decode, track, reassemble every TCP
/// direction, cut length-prefixed frames, UDP datagrams), the frames counted instead of formatted.
/// </summary>
internal static class Analysis
{
    public static CaptureSession Run(string path) => Run(path, out _);

    /// <param name="split">
    /// When given, the elapsed ticks after each equal share of <paramref name="splitPackets"/> packets are written
    /// into it: a cost that grows linearly with packets shows as equal shares.
    /// </param>
    public static CaptureSession Run(string path, out long frames, long[]? split = null, long splitPackets = 0)
    {
        using var source = CaptureFile.Open(path);
        var sink = new CountingSink();
        var framer = new ConversationFramer(new ConversationFramerOptions { DetectNotFramed = true }, sink);
        var reassembler = new Reassembler(framer, framer);
        var session = new CaptureSession(source.LinkType, source.TimestampUnit) { Reassembly = reassembler };
        ReadStatus status;
        long every = split is null ? long.MaxValue : Math.Max(1, splitPackets / split.Length), next = every;
        int share = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while ((status = source.ReadDecoded(out var header, out var data, ref session.Next)) == ReadStatus.Packet)
        {
            session.AddDecoded(header, data);
            if (session.PacketCount == next && share < split!.Length)
            {
                split[share++] = clock.ElapsedTicks;
                next += every;
            }
        }
        if (status == ReadStatus.Error) throw new InvalidOperationException(source.Error);
        reassembler.Finish(session.PacketCount);
        frames = sink.Messages;
        return session;
    }

    /// <summary>Counts what a view would print.</summary>
    internal sealed class CountingSink : IMessageSink
    {
        public long Messages;
        public long Failures;
        public void OnMessage(in FramedMessage message, ReadOnlySpan<byte> payload, string? error) => Messages++;
        public void OnFailure(in FramingFailure failure) => Failures++;
    }

    /// <summary>Reading and decoding every packet, no tracking: separates the decoder's share from the tracker's.</summary>
    public static long DecodeOnly(string path)
    {
        using var source = CaptureFile.Open(path);
        var p = default(ProtoScope.Core.Decoding.DecodedPacket);
        long sum = 0;
        while (source.Read(out var header, out var data) == ReadStatus.Packet)
        {
            ProtoScope.Core.Decoding.PacketDecoder.Decode(data, source.LinkType, header.WireLength, ref p);
            sum += p.PayloadLength;
        }
        return sum;
    }

    /// <summary>Reading through <see cref="CaptureFile"/> (record headers parsed) with no decoding: the reader's own share.</summary>
    public static long ReadOnly(string path)
    {
        using var source = CaptureFile.Open(path);
        long bytes = 0;
        while (source.Read(out var header, out _) == ReadStatus.Packet)
            bytes += header.CapturedLength;
        return bytes;
    }
}
