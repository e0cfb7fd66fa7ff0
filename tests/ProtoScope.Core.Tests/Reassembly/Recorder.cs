using System.Text;
using ProtoScope.Core.Decoding;
using ProtoScope.Core.Reassembly;
using ProtoScope.Core.Session;
using ProtoScope.Core.Tcp;

namespace ProtoScope.Core.Tests.Reassembly;

/// <summary>Records every consumer call as a line ("data 0 hello @3", "gap 5 +4 Lost", "end Fin 9"), per direction.</summary>
internal sealed class Recorder : IStreamConsumerFactory
{
    public readonly List<string>[] Calls = [[], []];
    public readonly MemoryStream[] Bytes = [new(), new()];

    public IStreamConsumer? Create(TcpConnection connection, Direction direction) => new Side(this, (int)direction);

    private sealed class Side(Recorder r, int d) : IStreamConsumer
    {
        public void OnData(ReadOnlySpan<byte> bytes, long offset, long frame)
        {
            r.Calls[d].Add($"data {offset} {Encoding.ASCII.GetString(bytes)} @{frame}");
            r.Bytes[d].Write(bytes);
        }

        public void OnGap(in StreamGap gap) => r.Calls[d].Add($"gap {gap.Offset} +{gap.Length} {gap.Cause}");

        public void OnEnd(StreamEnd end, long offset, long frame) => r.Calls[d].Add($"end {end} {offset}");
    }
}

/// <summary>Feeds hand-built IPv4/TCP packets (client 10.0.0.1:1000, server 10.0.0.2:80) through a session with reassembly on.</summary>
internal sealed class Wire
{
    public const TcpFlags Syn = TcpFlags.Syn, Fin = TcpFlags.Fin, Rst = TcpFlags.Rst, Psh = TcpFlags.Psh, Ack = TcpFlags.Ack;

    private static readonly Connection Connection = new("10.0.0.1", 1000, "10.0.0.2", 80);

    public Wire(ReassemblyOptions? options = null, IStreamConsumerFactory? streams = null, IDatagramConsumer? datagrams = null)
    {
        Reassembler = new Reassembler(streams ?? Recorder, datagrams, options);
        Session = new CaptureSession(LinkType.Ipv4) { Reassembly = Reassembler };
    }

    public Recorder Recorder { get; } = new();
    public Reassembler Reassembler { get; }
    public CaptureSession Session { get; }

    /// <summary>One segment from the client (<see cref="From.Orig"/>) or the server; <paramref name="snaplen"/> cuts the captured bytes.</summary>
    public void Send(From from, TcpFlags flags, uint seq, string payload = "", uint ack = 0, int? snaplen = null) =>
        Send(from, flags, seq, Encoding.ASCII.GetBytes(payload), ack, snaplen);

    public void Send(From from, TcpFlags flags, uint seq, byte[] data, uint ack = 0, int? snaplen = null)
    {
        byte[] ip = Connection.IpTcp(from, flags, seq, ack, data);
        int captured = Math.Min(ip.Length, snaplen ?? ip.Length);
        Session.Add(new PacketHeader(0, captured, ip.Length), ip.AsSpan(0, captured));
    }

    public void Finish() => Reassembler.Finish(Session.PacketCount);

    public List<string> Orig => Recorder.Calls[0];
    public List<string> Resp => Recorder.Calls[1];
}
