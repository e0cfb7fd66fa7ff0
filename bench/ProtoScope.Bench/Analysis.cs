using ProtoScope.Capture;
using ProtoScope.Core.Session;

namespace ProtoScope.Bench;

/// <summary>The full one-pass analysis of a file as the CLI runs it, without formatting any output.</summary>
internal static class Analysis
{
    public static CaptureSession Run(string path)
    {
        using var source = CaptureFile.Open(path);
        var session = new CaptureSession(source.LinkType, source.TimestampUnit);
        ReadStatus status;
        while ((status = source.Read(out var header, out var data)) == ReadStatus.Packet)
            session.Add(header, data);
        if (status == ReadStatus.Error) throw new InvalidOperationException(source.Error);
        return session;
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
