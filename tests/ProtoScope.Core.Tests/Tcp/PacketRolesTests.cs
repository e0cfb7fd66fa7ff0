using ProtoScope.Core.Tcp;

namespace ProtoScope.Core.Tests.Tcp;

/// <summary>
/// <see cref="PacketRoles.RoleOf"/> as a table: the states before a segment (the segments that led there, taken from
/// the scenarios of <see cref="StateMachineTableTests"/>) and the segment, with the role expected. RoleOf is pure:
/// asking twice gives the same answer and leaves the states as they were.
/// </summary>
public class PacketRolesTests
{
    public sealed record Row(string Name, Segment[] Before, Segment Segment, PacketRole Role)
    {
        public override string ToString() => Name;
    }

    private const uint C = SegmentScript.ClientIsn, S = SegmentScript.ServerIsn;
    private static readonly Segment[] Handshake = SegmentScript.Handshake;
    private static readonly Segment[] ClientFin = [.. Handshake, new('C', "F.", C + 1, S + 1)];
    private static readonly Segment[] BothFins = [.. ClientFin, new('S', "F.", S + 1, C + 2)];
    private static readonly Segment[] ClientData = [.. Handshake, new('C', "P.", C + 1, S + 1, 10)];

    private static readonly Row[] All =
    [
        new("a SYN opens", [], new('C', "S", C, 0), PacketRole.HandshakeSyn),
        new("the same SYN again", [new('C', "S", C, 0)], new('C', "S", C, 0), PacketRole.Retransmission),
        new("the SYN-ACK answers", [new('C', "S", C, 0)], new('S', "S.", S, C + 1), PacketRole.HandshakeSynAck),
        new("the ACK of the SYN-ACK ends the handshake", Handshake[..2], new('C', ".", C + 1, S + 1), PacketRole.HandshakeAck),
        new("data", Handshake, new('C', "P.", C + 1, S + 1, 10), PacketRole.Data),
        new("an ACK of data", ClientData, new('S', ".", S + 1, C + 11), PacketRole.Ack),
        new("the same data again", ClientData, new('C', "P.", C + 1, S + 1, 10), PacketRole.Retransmission),
        new("one byte below the next sequence number", ClientData, new('C', ".", C + 10, S + 1), PacketRole.KeepAlive),
        new("a zero window", Handshake, new('S', ".", S + 1, C + 1, Window: 0), PacketRole.ZeroWindow),
        new("only the window changes", Handshake, new('S', ".", S + 1, C + 1, Window: 500), PacketRole.WindowUpdate),
        new("the first FIN", Handshake, new('C', "F.", C + 1, S + 1), PacketRole.TeardownFin),
        new("the first FIN again", ClientFin, new('C', "F.", C + 1, S + 1), PacketRole.Retransmission),
        new("the ACK of the first FIN", ClientFin, new('S', ".", S + 1, C + 2), PacketRole.TeardownAckOfFin),
        new("the second FIN, acknowledging the first", ClientFin, new('S', "F.", S + 1, C + 2), PacketRole.TeardownSecondFin),
        new("the second FIN, crossing the first", ClientFin, new('S', "F.", S + 1, C + 1), PacketRole.TeardownSecondFin),
        new("the ACK of the second FIN", BothFins, new('C', ".", C + 2, S + 2), PacketRole.TeardownAckOfSecondFin),
        new("a RST, whatever came before", ClientData, new('S', "R.", S + 1, C + 11), PacketRole.Reset),
    ];

    public static TheoryData<Row> Rows() => new(All.AsEnumerable());

    [Theory]
    [MemberData(nameof(Rows))]
    public void Role_follows_from_the_segment_and_the_states_before_it(Row row)
    {
        var sides = SegmentScript.Fold(row.Before);
        var seg = SegmentScript.ToTcpSegment(row.Segment);
        bool fromClient = row.Segment.From == 'C';
        var (src, dst) = fromClient ? (sides.Client, sides.Server) : (sides.Server, sides.Client);
        var flags = sides.Analyse(row.Segment);

        var role = PacketRoles.RoleOf(in seg, in src, in dst, flags);

        Assert.Equal(row.Role, role);
        Assert.Equal(role, PacketRoles.RoleOf(in seg, in src, in dst, flags));
        Assert.Equal((sides.Client, sides.Server), fromClient ? (src, dst) : (dst, src));
    }
}
