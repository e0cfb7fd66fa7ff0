using System.Net;
using System.Text;
using System.Text.Json;

namespace ProtoScope.Live.Tests;

/// <summary>
/// `protoscope capture` as a process, as people run it: files checked with tshark, output checked against
/// `read` of the same packets, signals, another user, a ring of files, a full disk.
/// </summary>
public class CaptureCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pscap").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly string[] UdpFields = ["frame.len", "frame.cap_len", "ip.src", "ipv6.src", "udp.dstport", "data.data"];

    [Fact]
    public void A_written_file_holds_every_datagram_sent_as_tshark_reads_it()
    {
        int port = Traffic.FreeUdpPort();
        string file = Path.Combine(_dir, "lo.pcap");
        using var capture = new Background(Host.Cli("capture", "-i", "lo", "-f", $"udp dst port {port}", "-w", file, "-c", "200"));
        capture.WaitUntilListening();
        var sent = Traffic.SendUdp(new IPEndPoint(IPAddress.Loopback, port), 100, "w4", 100)
            .Concat(Traffic.SendUdp(new IPEndPoint(IPAddress.IPv6Loopback, port), 100, "w6", 1400)).ToList();
        var (code, _) = capture.WaitForExit();

        Assert.Equal(0, code);
        var rows = Tshark.Fields(file, null, UdpFields);
        Assert.Equal(sent.Count, rows.Count);
        for (int i = 0; i < sent.Count; i++)
        {
            int headers = 14 + (i < 100 ? 20 : 40) + 8;
            Assert.Equal((headers + sent[i].Length).ToString(), rows[i][0]);
            Assert.Equal(rows[i][0], rows[i][1]);
            Assert.Equal(i < 100 ? "127.0.0.1" : "::1", i < 100 ? rows[i][2] : rows[i][3]);
            Assert.Equal(port.ToString(), rows[i][4]);
            Assert.Equal(Traffic.Hex(sent[i]), rows[i][5]);
        }
        Assert.Matches(@"200 packets captured, \d+ received by filter, 0 dropped by kernel", capture.Stderr);
    }

    [Fact]
    public void Live_jsonl_equals_read_of_the_same_packets_saved_at_the_same_time()
    {
        int port = Traffic.FreeUdpPort();
        string file = Path.Combine(_dir, "both.pcap");
        using var printer = new Background(Host.Cli("capture", "-i", "lo", "-f", $"udp dst port {port}", "-c", "40", "--format", "jsonl"));
        using var writer = new Background(Host.Cli("capture", "-i", "lo", "-f", $"udp dst port {port}", "-c", "40", "-w", file));
        printer.WaitUntilListening();
        writer.WaitUntilListening();
        Traffic.SendUdp(new IPEndPoint(IPAddress.Loopback, port), 20, "j4", 10);
        Traffic.SendUdp(new IPEndPoint(IPAddress.IPv6Loopback, port), 20, "j6", 10);
        var (code, stdout) = printer.WaitForExit();
        Assert.Equal(0, writer.WaitForExit().ExitCode);
        Assert.Equal(0, code);

        var read = Host.RunCli("read", file, "--format", "jsonl");
        Assert.Equal(0, read.ExitCode);
        var live = Encoding.UTF8.GetString(stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var saved = read.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(40, saved.Length);
        // Two packet sockets see each packet with the same kernel timestamp, so even "time" agrees.
        Assert.Equal(saved, live);
    }

    [Fact]
    public void Veth_between_two_namespaces_every_packet_sent_is_captured_and_decoded()
    {
        using var net = new VethPair();
        string file = Path.Combine(_dir, "veth.pcap");
        using var capture = new Background(net.A.Inside([.. Host.Cli("capture", "-i", VethPair.InterfaceA, "-f", "udp or tcp", "-w", file)]));
        capture.WaitUntilListening();

        // In A a TCP server that reads everything; from B UDP datagrams over both IP versions and one TCP
        // connection carrying 100000 bytes.
        using var server = new Background(net.A.Inside("python3", "-c", """
            import socket, sys
            s = socket.create_server(('::', 7000), family=socket.AF_INET6, dualstack_ipv6=True)
            print('listening on 7000', file=sys.stderr, flush=True)
            c, _ = s.accept(); n = 0
            while (b := c.recv(65536)): n += len(b)
            c.close(); print(n)
            """));
        server.WaitUntilListening();
        var client = net.B.Exec("python3", "-c", $$"""
            import socket
            for fam, dst in ((socket.AF_INET, '{{net.AddressA4}}'), (socket.AF_INET6, '{{net.AddressA6}}')):
                u = socket.socket(fam, socket.SOCK_DGRAM)
                for i in range(50): u.sendto(b'ns-%d-%05d' % (fam, i), (dst, 6000))
            t = socket.create_connection(('{{net.AddressA4}}', 7000))
            t.sendall(b'z' * 100000); t.shutdown(socket.SHUT_WR); t.recv(1); t.close()
            """);
        Assert.Equal(0, client.ExitCode);
        Assert.Equal("100000", Encoding.ASCII.GetString(server.WaitForExit().Stdout).Trim());
        Thread.Sleep(300);
        Host.Signal(capture.Pid, Host.SIGINT);
        Assert.Equal(0, capture.WaitForExit().ExitCode);

        var udp = Tshark.Fields(Path.Combine(file), null, "udp.dstport", "data.data").Where(r => r[0] == "6000").Select(r => Encoding.ASCII.GetString(Convert.FromHexString(r[1]))).ToList();
        var expected = new[] { 2, 10 }.SelectMany(fam => Enumerable.Range(0, 50).Select(i => $"ns-{fam}-{i:D5}")).ToList();
        Assert.Equal(expected, udp);

        // Decoded by ProtoScope: the same datagrams, and the TCP connection's bytes from B to A in full.
        var ours = Host.RunCli("read", file, "--format", "jsonl").Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(Tshark.Fields(file, null, "frame.number").Count, ours.Count);
        Assert.Equal(100, ours.Count(o => o.TryGetProperty("udp", out _) && o.GetProperty("dport").GetInt32() == 6000));
        long tcpBytes = ours.Where(o => o.TryGetProperty("tcp", out _) && o.GetProperty("dport").GetInt32() == 7000)
            .Sum(o => o.GetProperty("tcp").GetProperty("len").GetInt64());
        long tsharkBytes = Tshark.Fields(file, null, "tcp.dstport", "tcp.len").Where(r => r[0] == "7000").Sum(r => long.Parse(r[1]));
        Assert.Equal(100000, tsharkBytes);
        Assert.Equal(tsharkBytes, tcpBytes);
    }

    /// <summary>
    /// A real VXLAN tunnel (the kernel's, between two namespaces over a veth pair) carrying a TCP connection: captured on
    /// the veth, ProtoScope decodes the connection inside, with its tunnel, as tshark does.
    /// </summary>
    [Fact]
    public void A_tcp_connection_inside_a_kernel_vxlan_tunnel_is_decoded_with_its_tunnel()
    {
        using var net = new VethPair();
        int n = int.Parse(net.AddressA4.Split('.')[2], System.Globalization.CultureInfo.InvariantCulture);
        string innerA = $"10.250.{n}.1", innerB = $"10.250.{n}.2";
        foreach (var (ns, local, remote, inner) in new[] { (net.A, net.AddressA4, net.AddressB4, innerA), (net.B, net.AddressB4, net.AddressA4, innerB) })
        {
            ns.Exec("ip", "link", "add", "psvx0", "type", "vxlan", "id", "42", "local", local, "remote", remote, "dstport", "4789");
            ns.Exec("ip", "addr", "add", $"{inner}/24", "dev", "psvx0");
            ns.Exec("ip", "link", "set", "psvx0", "up");
        }
        // MTU-sized segments on the wire, as a sender without offloads makes them.
        foreach (var (ns, dev) in new[] { (net.A, VethPair.InterfaceA), (net.B, VethPair.InterfaceB), (net.A, "psvx0"), (net.B, "psvx0") })
            Host.Run("ip", ["netns", "exec", ns.Name, "ethtool", "-K", dev, "tso", "off", "gso", "off", "gro", "off"], TimeSpan.FromSeconds(30));
        string file = Path.Combine(_dir, "vxlan.pcap");
        // No capture filter: "udp port 4789" would leave out the later fragments of the outer datagrams, which carry no
        // UDP header, and the kernel's VXLAN device lets its outer packets be fragmented until it learns the path MTU.
        using var capture = new Background(net.A.Inside([.. Host.Cli("capture", "-i", VethPair.InterfaceA, "-w", file)]));
        capture.WaitUntilListening();
        using var server = new Background(net.A.Inside("python3", "-c", $$"""
            import socket, sys
            s = socket.create_server(('{{innerA}}', 7000))
            print('listening on 7000', file=sys.stderr, flush=True)
            c, _ = s.accept(); n = 0
            while (b := c.recv(65536)): n += len(b)
            c.close(); print(n)
            """));
        server.WaitUntilListening();
        var client = net.B.Exec("python3", "-c", $$"""
            import socket
            t = socket.create_connection(('{{innerA}}', 7000))
            t.sendall(b'v' * 100000); t.shutdown(socket.SHUT_WR); t.recv(1); t.close()
            """);
        Assert.Equal(0, client.ExitCode);
        Assert.Equal("100000", Encoding.ASCII.GetString(server.WaitForExit().Stdout).Trim());
        Thread.Sleep(300);
        Host.Signal(capture.Pid, Host.SIGINT);
        Assert.Equal(0, capture.WaitForExit().ExitCode);

        // tshark tries the lower of the two UDP ports first, so a datagram whose random source port is another
        // protocol's goes to that dissector instead of VXLAN; ProtoScope goes by the VXLAN port. So every segment tshark
        // decodes must agree, and ProtoScope must find all 100,000 bytes the server read.
        var theirs = Tshark.Fields(file, "tcp", "frame.number", "tcp.len").ToDictionary(r => r[0], r => r[1]);
        Assert.NotEmpty(theirs);
        var ours = Host.RunCli("read", file, "--format", "jsonl").Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement).Where(o => o.TryGetProperty("tcp", out _)).ToList();
        Assert.All(theirs, t => Assert.Equal(t.Value, ours.Single(o => o.GetProperty("frame").GetRawText() == t.Key).GetProperty("tcp").GetProperty("len").GetRawText()));
        Assert.Equal(100000, ours.Where(o => o.GetProperty("dport").GetInt32() == 7000).Sum(o => o.GetProperty("tcp").GetProperty("len").GetInt64()));
        Assert.All(ours, o => Assert.Equal("vxlan", o.GetProperty("encap")[0].GetProperty("type").GetString()));
        Assert.All(ours, o => Assert.Equal(42, o.GetProperty("encap")[0].GetProperty("vni").GetInt32()));

        var conn = Host.RunCli("conns", file, "--format", "jsonl").Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement).Single(c => c.GetProperty("proto").GetString() == "tcp");
        Assert.Equal(innerB, conn.GetProperty("orig_h").GetString());
        Assert.Equal(innerA, conn.GetProperty("resp_h").GetString());
        Assert.Equal("SF", conn.GetProperty("conn_state").GetString());
        Assert.Equal("vxlan", conn.GetProperty("tunnel").GetProperty("type").GetString());
        Assert.Equal(42, conn.GetProperty("tunnel").GetProperty("vni").GetInt32());
    }

    [Theory]
    [InlineData(Host.SIGINT)]
    [InlineData(Host.SIGTERM)]
    [InlineData(Host.SIGHUP)]
    public void A_signal_ends_the_capture_with_a_valid_file_holding_everything_captured(int signal)
    {
        int port = Traffic.FreeUdpPort();
        string file = Path.Combine(_dir, $"sig{signal}.pcap");
        using var capture = new Background(Host.Cli("capture", "-i", "lo", "-f", $"udp dst port {port}", "-w", file));
        capture.WaitUntilListening();
        var sent = Traffic.SendUdp(new IPEndPoint(IPAddress.Loopback, port), 300, $"s{signal}", 200);
        // At once: the packets are in libpcap's ring or ProtoScope's queue, not yet in the file.
        Host.Signal(capture.Pid, signal);
        var (code, _) = capture.WaitForExit();

        Assert.Equal(0, code);
        var payloads = Tshark.Fields(file, null, "data.data").Select(r => r[0]).ToList();
        Assert.Equal(sent.Select(Traffic.Hex), payloads);
        Assert.Contains("300 packets captured", capture.Stderr);
    }

    [Fact]
    public void Without_permission_the_capture_says_how_to_get_it_and_exits_2()
    {
        var r = Host.Run("setpriv", ["--reuid=nobody", "--regid=nogroup", "--clear-groups", "--inh-caps=-all", .. Host.Cli("capture", "-i", "lo", "-c", "1")], TimeSpan.FromSeconds(60));
        Assert.Equal(2, r.ExitCode);
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.Contains("sudo", line);
        Assert.Contains("setcap cap_net_raw,cap_net_admin=eip /usr/local/bin/protoscope", line);
        Assert.DoesNotContain("   at ", r.Stderr);
    }

    [Fact]
    public void Drop_user_leaves_root_once_the_device_is_open()
    {
        int port = Traffic.FreeUdpPort();
        File.SetUnixFileMode(_dir, (UnixFileMode)0x1FF);
        string file = Path.Combine(_dir, "nobody.pcap");
        using var capture = new Background(Host.Cli("capture", "-i", "lo", "-f", $"udp dst port {port}", "-w", file, "--drop-user", "nobody"));
        capture.WaitUntilListening();

        var status = File.ReadAllLines($"/proc/{capture.Pid}/status").ToDictionary(l => l[..l.IndexOf(':')], l => l[(l.IndexOf(':') + 1)..].Trim());
        var nobody = Host.Run("id", "-u", "nobody").Stdout.Trim();
        Assert.All(status["Uid"].Split('\t'), id => Assert.Equal(nobody, id));
        Assert.DoesNotContain("0", status["Gid"].Split('\t'));
        Assert.Equal("0000000000000000", status["CapEff"]);

        // Still capturing with the socket opened as root.
        var sent = Traffic.SendUdp(new IPEndPoint(IPAddress.Loopback, port), 10, "nobody");
        Host.Signal(capture.Pid, Host.SIGINT);
        Assert.Equal(0, capture.WaitForExit().ExitCode);
        Assert.Equal(sent.Select(Traffic.Hex), Tshark.Fields(file, null, "data.data").Select(r => r[0]));
    }

    [Fact]
    public void A_ring_keeps_the_newest_files_each_a_valid_capture_in_sequence()
    {
        int port = Traffic.FreeUdpPort();
        string file = Path.Combine(_dir, "ring.pcap");
        using var capture = new Background(Host.Cli("capture", "-i", "lo", "-f", $"udp dst port {port}", "-w", file, "--ring", "files:3,filesize:0.02", "-c", "200"));
        capture.WaitUntilListening();
        var sent = Traffic.SendUdp(new IPEndPoint(IPAddress.Loopback, port), 200, "ring", 500);
        Assert.Equal(0, capture.WaitForExit().ExitCode);

        var files = Directory.GetFiles(_dir, "ring_*.pcap").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(3, files.Count);
        Assert.All(files, f => Assert.Matches(@"ring_\d{5}_\d{14}\.pcap$", f));
        var kept = files.SelectMany(f => Tshark.Fields(f, null, "data.data").Select(r => r[0])).ToList();
        Assert.All(files, f => Assert.True(new FileInfo(f).Length <= 20_000));
        // The newest packets, without a gap, ending with the last one sent.
        Assert.Equal(sent.Skip(sent.Count - kept.Count).Select(Traffic.Hex), kept);
    }

    [Fact]
    public void A_full_disk_stops_with_a_message_and_a_valid_file()
    {
        string mount = Path.Combine(_dir, "small");
        Directory.CreateDirectory(mount);
        var m = Host.Run("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", mount);
        Assert.True(m.ExitCode == 0, "mount tmpfs: " + m.Stderr);
        try
        {
            int port = Traffic.FreeUdpPort();
            string file = Path.Combine(mount, "full.pcap");
            using var capture = new Background(Host.Cli("capture", "-i", "lo", "-f", $"udp dst port {port}", "-w", file));
            capture.WaitUntilListening();
            var sent = Traffic.SendUdp(new IPEndPoint(IPAddress.Loopback, port), 400, "full", 1000);
            var (code, _) = capture.WaitForExit();

            Assert.Equal(2, code);
            Assert.Contains("No space left on device", capture.Stderr);
            var kept = Tshark.Fields(file, null, "data.data").Select(r => r[0]).ToList();
            Assert.NotEmpty(kept);
            Assert.Equal(sent.Take(kept.Count).Select(Traffic.Hex), kept);
            Assert.Contains($"holds the {kept.Count} packets", capture.Stderr);
        }
        finally
        {
            Host.Run("umount", mount);
        }
    }
}
