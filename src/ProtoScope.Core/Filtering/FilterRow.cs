using ProtoScope.Core.Decoding;
using ProtoScope.Core.Session;
using ProtoScope.Core.Tcp;

namespace ProtoScope.Core.Filtering;

/// <summary>
/// The values of one packet that a display filter reads, as the one pass left them. <see cref="RowTest{TRow}"/>
/// holds the field semantics (which fields a packet has, how two-valued fields compare) once, over this
/// interface; the two implementations only fetch values: <see cref="TableRow"/> from the UI's stored columns,
/// <see cref="SessionRow"/> from the packet the session has just added (the CLI's <c>-Y</c>). Both are structs
/// passed by reference, so the JIT specialises the test for each and a row costs no allocation or interface call.
/// </summary>
internal interface IFilterRow
{
    /// <summary>1-based frame number in the capture.</summary>
    long Frame { get; }
    int CapturedLength { get; }
    int WireLength { get; }
    Network Network { get; }
    Transport Transport { get; }
    NetAddress Src { get; }
    NetAddress Dst { get; }
    /// <summary>0 when the packet has no ports.</summary>
    ushort SrcPort { get; }
    ushort DstPort { get; }
    /// <summary>0 for anything but TCP.</summary>
    TcpFlags Flags { get; }
    /// <summary>
    /// Bytes of a TCP or UDP header that was not decoded whole, which tell the fields it has
    /// (<see cref="DecodedPacket.CapturedTransportHeader"/>); 0 for a whole header, or none.
    /// </summary>
    int PartialTransportHeader { get; }
    int PayloadLength { get; }
    /// <summary>tcp.stream or udp.stream; -1 for none (no ports, or beyond the conversation limit).</summary>
    int Conversation { get; }
    PacketRole Role { get; }
    PacketFault Fault { get; }
    TcpAnalysisFlags AnalysisFlags { get; }
    /// <summary>Nanoseconds; 0 when absent.</summary>
    long AckRtt { get; }
    /// <summary>0 when absent.</summary>
    uint BytesInFlight { get; }
    uint WindowSize { get; }
}

/// <summary>
/// A row of a <see cref="PacketTable"/>. The analysis numbers the table does not store come from
/// <paramref name="numbers"/>, which must cover the row when a filter reads them (<see cref="RowTest.NeedsTcpNumbers"/>).
/// </summary>
internal readonly struct TableRow(PacketTable table, PacketChunk c, int i, int row, TcpAnalysisNumbers? numbers) : IFilterRow
{
    // Read once: an address or port test reads two or four of its fields.
    private readonly Flow _flow = table.FlowOf(c.Flow[i]);

    public long Frame => row + 1L;
    public int CapturedLength => c.CapturedLength[i];
    public int WireLength => c.WireLength(i);
    public Network Network => (Network)c.Network[i];
    public Transport Transport => (Transport)c.Transport[i];
    public NetAddress Src => table.Address(_flow.Src);
    public NetAddress Dst => table.Address(_flow.Dst);
    public ushort SrcPort => _flow.SrcPort;
    public ushort DstPort => _flow.DstPort;
    public TcpFlags Flags => (TcpFlags)c.Flags[i];

    public int PartialTransportHeader
    {
        get
        {
            // Only a TCP or UDP packet outside every conversation and with a decode error can have such a header. The table
            // keeps no column for this rare case: the row's bytes are decoded again instead.
            if (Conversation >= 0 || (c.Fault(i) & PacketFault.Decode) == 0 || (Transport)c.Transport[i] is not (Transport.Tcp or Transport.Udp))
                return 0;
            var p = default(DecodedPacket);
            table.Decode(row, ref p);
            return p.TransportHeaderLength == 0 ? p.CapturedTransportHeader : 0;
        }
    }

    public int PayloadLength => c.PayloadLength(i);
    public int Conversation => _flow.Conversation;
    public PacketRole Role => c.Role(i);
    public PacketFault Fault => c.Fault(i);
    public TcpAnalysisFlags AnalysisFlags => (TcpAnalysisFlags)c.Analysis[i];
    public long AckRtt => numbers!.AckRtt(row);
    public uint BytesInFlight => numbers!.BytesInFlight(row);
    public uint WindowSize => numbers!.WindowSize(row);
}

/// <summary>
/// The packet a <see cref="CaptureSession"/> has just added. Values are taken as <see cref="PacketTable.Append"/>
/// stores them, so the CLI and the UI answer alike. A framing fault is known only where reassembly marks the
/// stored row, so <see cref="Fault"/> is the decode fault alone.
/// </summary>
internal readonly ref struct SessionRow(ref readonly DecodedPacket p, ref readonly PacketAnalysis a) : IFilterRow
{
    private readonly ref readonly DecodedPacket _p = ref p;
    private readonly ref readonly PacketAnalysis _a = ref a;

    public long Frame => _a.Frame;
    public int CapturedLength => _p.CapturedLength;
    public int WireLength => _p.WireLength;
    public Network Network => _p.Network;
    public Transport Transport => _p.Transport;
    public NetAddress Src => _p.Src;
    public NetAddress Dst => _p.Dst;
    public ushort SrcPort => _p.HasPortNumbers ? _p.SrcPort : (ushort)0;
    public ushort DstPort => _p.HasPortNumbers ? _p.DstPort : (ushort)0;
    public TcpFlags Flags => _p.IsTcp ? _p.Flags : 0;
    public int PartialTransportHeader => _p.HasPorts ? 0 : _p.CapturedTransportHeader;
    public int PayloadLength => _p.PayloadLength;
    public int Conversation => _a.Conversation;
    public PacketRole Role => _a.Role;
    public PacketFault Fault => _p.HasError ? PacketFault.Decode : PacketFault.None;
    public TcpAnalysisFlags AnalysisFlags => _a.AnalysisFlags;
    public long AckRtt => _a.AckRtt;
    public uint BytesInFlight => _a.BytesInFlight;
    public uint WindowSize => _a.WindowSize;
}
