using ProtoScope.Core.Decoding;
using ProtoScope.Core.Session;

namespace ProtoScope.Capture;

public enum ReadStatus
{
    /// <summary>A packet was read.</summary>
    Packet,
    /// <summary>A live source had nothing to deliver within its read timeout; call again.</summary>
    Timeout,
    /// <summary>The file ended cleanly, or a live capture was stopped.</summary>
    End,
    /// <summary>The source failed (for a file: a truncated or corrupt record). <see cref="IPacketSource.Error"/> says why; packets read before stay valid.</summary>
    Error,
}

/// <summary>
/// Where packets come from: a capture file or a live interface. One reader at a time; the bytes handed out
/// by <see cref="Read"/> are valid only until the next call (they point into libpcap's buffer).
/// </summary>
public interface IPacketSource : IDisposable
{
    /// <summary>A file path or an interface name.</summary>
    string Name { get; }

    /// <summary>The link-layer type (DLT) of every packet of this source.</summary>
    int LinkType { get; }

    /// <summary>
    /// Sub-second units per second of the source's record headers: 1,000,000 for a microsecond pcap, else
    /// 1,000,000,000. <see cref="PacketHeader.Timestamp"/> is in nanoseconds either way; this is the unit an
    /// invalid fraction (<see cref="PacketHeader.InvalidFraction"/>) is reported in.
    /// </summary>
    int TimestampUnit { get; }

    /// <summary>The message of the last <see cref="ReadStatus.Error"/>.</summary>
    string? Error { get; }

    ReadStatus Read(out PacketHeader header, out ReadOnlySpan<byte> data);

    /// <summary>
    /// <see cref="Read"/>, and the packet decoded into <paramref name="decoded"/> as <see cref="PacketDecoder.Decode"/>
    /// decodes it with this source's link type, for <see cref="CaptureSession.AddDecoded"/> (pass
    /// <see cref="CaptureSession.Next"/>). A source that reads ahead on another thread decodes there.
    /// </summary>
    ReadStatus ReadDecoded(out PacketHeader header, out ReadOnlySpan<byte> data, ref DecodedPacket decoded)
    {
        var status = Read(out header, out data);
        if (status == ReadStatus.Packet) PacketDecoder.Decode(data, LinkType, header.WireLength, ref decoded);
        return status;
    }
}
