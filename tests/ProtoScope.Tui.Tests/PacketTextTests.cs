using ProtoScope.Core.Decoding;
using ProtoScope.Core.Session;
using ProtoScope.Tui.Packets;

namespace ProtoScope.Tui.Tests;

public class PacketTextTests
{
    /// <summary>An Ethernet ARP (ethertype 0x0806) or Reverse ARP (0x8035) packet for IPv4 over Ethernet.</summary>
    private static byte[] Arp(ushort etherType, ushort operation)
    {
        byte[] arp =
        [
            0, 1, 8, 0, 6, 4, (byte)(operation >> 8), (byte)operation,
            2, 0, 0, 0, 0, 1, 10, 0, 0, 1,
            2, 0, 0, 0, 0, 2, 10, 0, 0, 2,
        ];
        byte[] frame = [255, 255, 255, 255, 255, 255, 2, 0, 0, 0, 0, 1, (byte)(etherType >> 8), (byte)etherType, .. arp];
        return frame;
    }

    private static (PacketTable Table, string Info, string Detail) Show(byte[] packet)
    {
        var table = new PacketTable(LinkType.Ethernet);
        var session = new CaptureSession(LinkType.Ethernet, table: table);
        session.Add(new PacketHeader(0, packet.Length, packet.Length), packet);
        string detail = PacketDetails.Build(table, 0, session.Conversations).Single(n => n.Text.StartsWith("Address Resolution Protocol", StringComparison.Ordinal)).Text;
        return (table, PacketText.Info(table, table[0]), detail);
    }

    [Theory]
    [InlineData(0x0806, 1, "who-has 10.0.0.2 tell 10.0.0.1", "request")]
    [InlineData(0x0806, 2, "reply 10.0.0.2 tell 10.0.0.1", "reply")]
    [InlineData(0x8035, 3, "reverse request 10.0.0.2 tell 10.0.0.1", "reverse request")]
    [InlineData(0x8035, 4, "reverse reply 10.0.0.2 tell 10.0.0.1", "reverse reply")]
    [InlineData(0x0806, 9, "op 9 10.0.0.2 tell 10.0.0.1", "9")]
    public void The_info_column_names_arp_and_reverse_arp_operations_as_the_detail_tree_does(int etherType, int operation, string info, string name)
    {
        var (_, shown, detail) = Show(Arp((ushort)etherType, (ushort)operation));
        Assert.Equal(info, shown);
        Assert.Equal($"Address Resolution Protocol ({name})", detail);
    }
}
