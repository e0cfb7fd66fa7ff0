using ProtoScope.Core.Decoding;
using ProtoScope.Core.Session;
using ProtoScope.Core.Tcp;

namespace ProtoScope.Core.Reassembly;

/// <summary>
/// Makes one <see cref="IStreamConsumer"/> per TCP connection direction, in the shape of gopacket's
/// <c>reassembly.StreamFactory</c>. <see cref="Create"/> is called once per direction, when that direction's
/// first segment (SYN or data) is seen; returning null leaves the direction alone (nothing is buffered for it).
/// </summary>
public interface IStreamConsumerFactory
{
    IStreamConsumer? Create(TcpConnection connection, Direction direction);
}

/// <summary>
/// Receives one direction of a TCP connection as the application saw it: bytes in stream order, gaps where
/// the capture lacks bytes, then the end.
/// </summary>
/// <remarks>
/// <para>Call order per direction: any number of <see cref="OnData"/> and <see cref="OnGap"/> calls in
/// ascending, contiguous stream offsets (each call starts where the previous one ended; a gap of unknown
/// length, the capture starting mid-stream, comes first and covers no offsets), then exactly one
/// <see cref="OnEnd"/>. Nothing follows <see cref="OnEnd"/>.</para>
/// <para>Threading: every call comes from the thread that feeds the <see cref="CaptureSession"/>, during
/// <see cref="CaptureSession.Add"/> or <see cref="Reassembler.Finish"/>; calls never overlap.</para>
/// <para>Lifetime: the span handed to <see cref="OnData"/> points into the packet buffer or the reassembler's
/// own buffers and is valid only during the call. Copy what you keep.</para>
/// </remarks>
public interface IStreamConsumer
{
    /// <summary>In-order bytes starting at stream <paramref name="offset"/> (0 = the first byte after the SYN), all carried by packet <paramref name="frame"/>.</summary>
    void OnData(ReadOnlySpan<byte> bytes, long offset, long frame);

    /// <summary>Bytes the capture does not hold; the next <see cref="OnData"/> starts after them.</summary>
    void OnGap(in StreamGap gap);

    /// <summary>The direction is over: FIN reached, RST, or the capture ended. <paramref name="offset"/> is the stream length.</summary>
    void OnEnd(StreamEnd end, long offset, long frame);
}

/// <summary>Receives every UDP datagram with its conversation and direction, during <see cref="CaptureSession.Add"/>.</summary>
public interface IDatagramConsumer
{
    /// <summary><paramref name="payload"/> is the captured UDP payload, valid only during the call.</summary>
    void OnDatagram(UdpConversation conversation, Direction direction, ReadOnlySpan<byte> payload, in DecodedPacket packet, long frame);
}
