using ProtoScope.Core.Tcp;

namespace ProtoScope.Core.Tests.Tcp;

/// <summary>
/// How a connection opened and closed as a table: computed on demand from the two RFC 9293 endpoints
/// (<see cref="ConnectionKinds"/>) after the segments of a scenario of <see cref="StateMachineTableTests"/>.
/// </summary>
public class ConnectionKindsTests
{
    public sealed record Row(string Name, Segment[] Segments, OpenKind Open, CloseKind Close)
    {
        public override string ToString() => Name;
    }

    private const uint C = SegmentScript.ClientIsn, S = SegmentScript.ServerIsn;
    private static readonly Segment[] Handshake = SegmentScript.Handshake;

    private static readonly Row[] All =
    [
        new("handshake only", Handshake, OpenKind.ThreeWay, CloseKind.Open),
        new("FIN, ACK, FIN, ACK",
            [.. Handshake, new('C', "F.", C + 1, S + 1), new('S', ".", S + 1, C + 2), new('S', "F.", S + 1, C + 2), new('C', ".", C + 2, S + 2)],
            OpenKind.ThreeWay, CloseKind.FourWay),
        new("FIN, FIN acknowledging it, ACK",
            [.. Handshake, new('C', "F.", C + 1, S + 1), new('S', "F.", S + 1, C + 2), new('C', ".", C + 2, S + 2)],
            OpenKind.ThreeWay, CloseKind.ThreeWay),
        new("the FINs cross",
            [.. Handshake, new('C', "F.", C + 1, S + 1), new('S', "F.", S + 1, C + 1), new('C', ".", C + 2, S + 2), new('S', ".", S + 2, C + 2)],
            OpenKind.ThreeWay, CloseKind.Simultaneous),
        new("one FIN, the other side still sends",
            [.. Handshake, new('C', "F.", C + 1, S + 1), new('S', "P.", S + 1, C + 2, 100)],
            OpenKind.ThreeWay, CloseKind.HalfClosed),
        new("SYN answered by RST", [new('C', "S", C, 0), new('S', "R.", 0, C + 1)], OpenKind.Refused, CloseKind.ResetByResp),
        new("SYN, then RST from the same side", [new('C', "S", C, 0), new('C', "R", C + 1, 0)], OpenKind.Unanswered, CloseKind.ResetByOrig),
        new("RSTs from both sides: the first decides",
            [.. Handshake, new('C', "R", C + 1, 0), new('S', "R", S + 1, 0)],
            OpenKind.ThreeWay, CloseKind.ResetByOrig),
        new("both sides SYN", [new('C', "S", C, 0), new('S', "S", S, 0)], OpenKind.SimultaneousOpen, CloseKind.Open),
        new("no SYN seen", [new('C', "P.", C, S, 10)], OpenKind.Midstream, CloseKind.Open),
    ];

    public static TheoryData<Row> Rows() => new(All.AsEnumerable());

    [Theory]
    [MemberData(nameof(Rows))]
    public void Open_and_close_kinds_follow_from_the_endpoints(Row row)
    {
        var sides = SegmentScript.Fold(row.Segments);
        Assert.Equal(
            (row.Open, row.Close),
            (ConnectionKinds.OpenOf(in sides.Client, in sides.Server), ConnectionKinds.CloseOf(in sides.Client, in sides.Server)));
    }
}
