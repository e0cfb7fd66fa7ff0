using System.Globalization;
using ProtoScope.Capture;
using ProtoScope.Core.Decoding;
using ProtoScope.Tests;
using ProtoScope.Tui.Packets;

namespace ProtoScope.Tui.Tests;

/// <summary>
/// PacketDotNet (the detail tree) and ProtoScope's span decoder (the packet list, filters, conns) read the same bytes:
/// on every field both read, over the project's captures and the third-party corpus, they must agree.
/// </summary>
public class LibraryLayersAgreeWithTheSpanDecoderTests
{
    /// <summary>The span decoder's value of each field PacketDotNet's layers name, as the detail tree writes values.</summary>
    private static Dictionary<string, string> Ours(in DecodedPacket p)
    {
        static string N(long v) => v.ToString(CultureInfo.InvariantCulture);
        var f = new Dictionary<string, string>();
        if (p.Network == Network.IPv4)
        {
            f["ip.src"] = p.Src.ToString();
            f["ip.dst"] = p.Dst.ToString();
            f["ip.ttl"] = N(p.Ttl);
            f["ip.id"] = $"0x{p.IpId:x4}";
            f["ip.len"] = N(p.IpLength);
            f["ip.proto"] = N(p.IpProtocol);
        }
        else if (p.Network == Network.IPv6)
        {
            f["ipv6.src"] = p.Src.ToString();
            f["ipv6.dst"] = p.Dst.ToString();
            f["ipv6.hlim"] = N(p.Ttl);
            f["ipv6.plen"] = N(p.IpLength - 40);
        }
        else if (p.Network == Network.Arp)
        {
            f["arp.src.proto_ipv4"] = p.Src.ToString();
            f["arp.dst.proto_ipv4"] = p.Dst.ToString();
        }
        if (p.IsUdp && p.TransportHeaderLength > 0)
        {
            f["udp.srcport"] = N(p.SrcPort);
            f["udp.dstport"] = N(p.DstPort);
            f["udp.length"] = N(p.UdpLength);
        }
        if (p.Transport == Transport.Icmp) { f["icmp.type"] = N(p.IcmpType); f["icmp.code"] = N(p.IcmpCode); }
        if (p.Transport == Transport.Icmpv6) { f["icmpv6.type"] = N(p.IcmpType); f["icmpv6.code"] = N(p.IcmpCode); }
        return f;
    }

    private static IEnumerable<FieldNode> Named(IEnumerable<FieldNode> nodes) =>
        nodes.SelectMany(n => (n.Name is null ? [] : new[] { n }).Concat(Named(n.Children.Cast<FieldNode>())));

    public static TheoryData<string> Captures()
    {
        var files = Directory.GetFiles(Repo.Captures, "*.pcap").Concat(Repo.CorpusCaptures().Select(Repo.CorpusFile)).Order(StringComparer.Ordinal);
        return new TheoryData<string>(files);
    }

    /// <summary>
    /// Where the two differ for a reason: TCP segmentation offload leaves a total length of 0 in locally captured
    /// packets. The span decoder keeps the wire's 0 (and uses the captured length); PacketDotNet, like tshark, shows the
    /// captured length. Each entry must still occur, so that a change on either side shows here.
    /// </summary>
    private static readonly Dictionary<string, string[]> Explained = new()
    {
        ["missing_ldap_logs.pcapng"] = ["frame 4: ip.len: span decoder 0, PacketDotNet 1848", "frame 239: ip.len: span decoder 0, PacketDotNet 1880", "frame 247: ip.len: span decoder 0, PacketDotNet 1880"],
    };

    [Theory]
    [MemberData(nameof(Captures))]
    public void On_every_field_both_read(string capture)
    {
        var model = new CaptureModel(CaptureFile.Open(capture), CaptureKind.File);
        model.Start();
        Assert.True(model.WaitUntilRead(TimeSpan.FromSeconds(60)));
        var table = model.Table;
        int compared = 0, decoded = 0;
        var differ = new List<string>();
        // The first packets of a long capture: each is dissected twice, and the kinds repeat.
        for (int row = 0; row < Math.Min(table.Count, 3000); row++)
        {
            var p = new DecodedPacket();
            table.Decode(row, ref p);
            var ours = Ours(p);
            if (p.NetworkHeaderLength > 0 && !p.IsTunnelled && p.VlanDepth == 0 && table.LinkType == LinkType.Ethernet) decoded++;
            foreach (var (_, node) in LibraryLayers.Dissect(table.LinkType, table.Bytes(row).ToArray(), p))
                foreach (var field in Named([node]))
                {
                    if (!ours.TryGetValue(field.Name!, out var value)) continue;
                    compared++;
                    if (value != field.Value) differ.Add($"frame {row + 1}: {field.Name}: span decoder {value}, PacketDotNet {field.Value}");
                }
        }
        string name = Path.GetFileName(capture);
        Assert.True(decoded == 0 || compared > 0, $"{name}: {decoded} plain Ethernet IP packets, no field compared");
        var explained = Explained.GetValueOrDefault(name, []);
        Assert.True(differ.SequenceEqual(explained), $"{name}: {compared} fields compared\n{string.Join('\n', differ.Take(20))}");
    }
}
