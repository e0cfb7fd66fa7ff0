using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;
using ProtoScope.Core.Decoding;

namespace ProtoScope.Cli.Tests;

/// <summary>
/// `frames --framing http` against tshark's HTTP dissector, message by message, on every corpus capture where tshark
/// finds HTTP over TCP that ProtoScope decodes (not the tunnelled ones: ProtoScope reads the outer packet only); and
/// `frames --framing line` against the lines counted in tshark's reassembled streams.
/// </summary>
public class FramesHttpAndLinesMatchTsharkTests
{
    /// <summary>
    /// A corpus capture and the ports tshark must be told are HTTP: tcp-http-with-padding.pcap serves HTTP on port
    /// 27272, where tshark's heuristic finds the response but not the request, sent a byte or two per segment.
    /// Left out: modbus-and-non-modbus-p502.pcap, whose one GET is sent after its connection's RST (reassembly ends a
    /// direction at its RST, tshark dissects the segment anyway).
    /// </summary>
    public static TheoryData<string, int[]> HttpCaptures() => new()
    {
        { "zeek-conn/traces/http/get.pcap", [] },
        { "zeek-conn/traces/tcp-http-with-padding.pcap", [27272] },
        { "tcpdump/captures/print-flags.pcap", [] },
        { "tcpdump/captures/accecn_handshake.pcap", [] },
        { "zeek-conn/traces/mixed-vlan-mpls.pcap", [] },
    };

    /// <summary>One HTTP message: the frame where it ends, its connection, method or status code, Content-Length, body length (de-chunked), chunked.</summary>
    internal sealed record Message(long Frame, int Stream, string StartLine, string ContentLength, long Body, bool Chunked);

    [Theory]
    [MemberData(nameof(HttpCaptures))]
    public void Every_http_message_tshark_reassembles_is_framed_with_its_method_status_and_body(string capture, int[] httpPorts)
    {
        string path = Repo.CorpusFile(capture);
        var theirs = TsharkHttp(path, httpPorts);
        Assert.NotEmpty(theirs);
        Assert.Equal(theirs, OurHttp(path));
    }

    [Fact]
    public void A_response_cut_by_the_end_of_the_capture_is_shown_flagged_incomplete()
    {
        // accecn_handshake.pcap holds the first 1448 bytes of a response whose Content-Length is a million; tshark's
        // HTTP dissector never shows it (it waits for the rest).
        string path = Repo.CorpusFile("tcpdump/captures/accecn_handshake.pcap");
        var declared = Tshark.Fields(path, "tcp.len > 0 && tcp.srcport == 80", "tcp.payload").Select(f => Convert.FromHexString(f[0])).ToList();
        string head = System.Text.Encoding.ASCII.GetString(declared.SelectMany(b => b).ToArray());
        int blank = head.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4;
        long contentLength = long.Parse(System.Text.RegularExpressions.Regex.Match(head, @"Content-Length: (\d+)").Groups[1].Value, CultureInfo.InvariantCulture);

        var r = CliRunner.Run("frames", path, "--framing", "http", "--format", "jsonl");
        var response = Assert.Single(r.JsonLines(), j => j.GetProperty("kind").GetString() == "response");
        Assert.True(response.GetProperty("incomplete").GetBoolean());
        Assert.Equal(contentLength, response.GetProperty("content_length").GetInt64());
        Assert.Equal(head.Length - blank, response.GetProperty("length").GetInt64());
    }

    /// <summary>
    /// A WebSocket upgrade on port 80, built packet by packet: tshark dissects the GET and the 101 as HTTP and what
    /// follows as WebSocket. ProtoScope frames the same two HTTP messages, then says of each direction that it switched
    /// protocols, with no framing error.
    /// </summary>
    [Fact]
    public void After_a_websocket_upgrade_the_http_messages_are_tsharks_and_the_rest_is_not_framed()
    {
        string dir = Directory.CreateTempSubdirectory("protoscope-ws-").FullName;
        try
        {
            string path = Path.Combine(dir, "websocket.pcap");
            var c = new Connection("10.0.0.1", 40000, "10.0.0.2", 80);
            byte[] request = "GET /chat HTTP/1.1\r\nHost: 10.0.0.2\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"u8.ToArray();
            byte[] response = [.. "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n"u8, 0x81, 0x05, .. "hello"u8];
            byte[] clientFrame = [0x81, 0x85, 1, 2, 3, 4, (byte)('h' ^ 1), (byte)('e' ^ 2), (byte)('l' ^ 3), (byte)('l' ^ 4), (byte)('o' ^ 1)];
            uint cs = 1001, ss = 5001;
            var frames = new List<byte[]>
            {
                c.EthernetTcp(From.Orig, TcpFlags.Syn, 1000, 0),
                c.EthernetTcp(From.Resp, TcpFlags.Syn | TcpFlags.Ack, 5000, cs),
                c.EthernetTcp(From.Orig, TcpFlags.Ack, cs, ss),
                c.EthernetTcp(From.Orig, TcpFlags.Psh | TcpFlags.Ack, cs, ss, request),
                c.EthernetTcp(From.Resp, TcpFlags.Psh | TcpFlags.Ack, ss, cs += (uint)request.Length, response),
                c.EthernetTcp(From.Orig, TcpFlags.Psh | TcpFlags.Ack, cs, ss += (uint)response.Length, clientFrame),
                c.EthernetTcp(From.Orig, TcpFlags.Fin | TcpFlags.Ack, cs += (uint)clientFrame.Length, ss),
                c.EthernetTcp(From.Resp, TcpFlags.Fin | TcpFlags.Ack, ss, cs + 1),
                c.EthernetTcp(From.Orig, TcpFlags.Ack, cs + 1, ss + 1),
            };
            PcapRecords.Write(path, PcapRecords.Header(LinkType.Ethernet),
                frames.Select((f, i) => new PcapRecord(1_700_000_000, (uint)i * 1000, f.Length, f)));

            Assert.Equal(2, Tshark.Frames(path, "websocket").Count);
            var theirs = TsharkHttp(path, []);
            Assert.Equal(["GET", "101"], theirs.Select(m => m.StartLine));
            Assert.Equal(theirs, OurHttp(path));

            var lines = CliRunner.Run("frames", path, "--framing", "http", "--format", "jsonl").JsonLines().ToList();
            var stops = lines.Where(j => j.GetProperty("kind").GetString() == "not_framed").ToList();
            Assert.Equal(["resp", "orig"], stops.Select(j => j.GetProperty("dir").GetString()));
            Assert.All(stops, j => Assert.Contains("101 Switching Protocols", j.GetProperty("reason").GetString()));
            Assert.DoesNotContain(lines, j => j.TryGetProperty("error", out _));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>`frames --framing http`'s complete messages, in the terms of <see cref="TsharkHttp"/>.</summary>
    internal static List<Message> OurHttp(string path)
    {
        var r = CliRunner.Run("frames", path, "--framing", "http", "--format", "jsonl");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var lines = r.JsonLines().Where(j => j.GetProperty("kind").GetString() is "request" or "response").ToList();
        // tshark shows a message once it is whole: a body cut by the end of the capture is not dissected as HTTP, and an
        // HTTP/0.9 response (no status line) is "Continuation" data, no message. ProtoScope flags the first incomplete
        // and gives the second no status: both are left out of the comparison.
        return lines
            .Where(j => !j.GetProperty("incomplete").GetBoolean() && (j.TryGetProperty("method", out _) || j.TryGetProperty("status", out _)))
            .Select(j => new Message(
                j.GetProperty("last_frame").GetInt64(),
                j.GetProperty("conn").GetInt32(),
                j.TryGetProperty("method", out var m) ? m.GetString()! : j.GetProperty("status").GetInt32().ToString(CultureInfo.InvariantCulture),
                j.TryGetProperty("content_length", out var cl) ? cl.GetInt64().ToString(CultureInfo.InvariantCulture) : "",
                j.GetProperty("length").GetInt64(),
                j.GetProperty("chunked").GetBoolean()))
            .OrderBy(m => m.Frame).ToList();
    }


    /// <summary>Each HTTP message tshark dissects (`-T pdml`: one http layer per message, several in a frame when pipelined), in frame order.</summary>
    internal static List<Message> TsharkHttp(string path, int[] httpPorts)
    {
        var args = new List<string> { "-n", "-r", path, "-Y", "http", "-T", "pdml" };
        foreach (int port in httpPorts) args.AddRange(["-d", $"tcp.port=={port},http"]);
        var run = Tshark.Run(args);
        Tshark.AssertReadWhole(path, run);
        var messages = new List<Message>();
        foreach (var packet in XDocument.Parse(run.Stdout).Root!.Elements("packet"))
        {
            var fields = packet.Descendants("field").ToList();
            long frame = long.Parse(fields.First(f => (string?)f.Attribute("name") == "num").Attribute("show")!.Value, CultureInfo.InvariantCulture);
            int stream = int.Parse(fields.First(f => (string?)f.Attribute("name") == "tcp.stream").Attribute("show")!.Value, CultureInfo.InvariantCulture);
            foreach (var http in packet.Elements("proto").Where(p => (string?)p.Attribute("name") == "http"))
            {
                string? Show(string name) => http.Descendants("field").FirstOrDefault(f => (string?)f.Attribute("name") == name)?.Attribute("show")?.Value;
                string? start = Show("http.request.method") ?? Show("http.response.code");
                if (start is null) continue; // "Continuation": body bytes of no message tshark could place
                var body = http.Descendants("field").FirstOrDefault(f => (string?)f.Attribute("name") == "http.file_data");
                messages.Add(new Message(frame, stream, start, Show("http.content_length") ?? "",
                    body is null ? 0 : long.Parse(body.Attribute("size")!.Value, CultureInfo.InvariantCulture),
                    Show("http.transfer_encoding")?.Contains("chunked", StringComparison.OrdinalIgnoreCase) == true));
            }
        }
        return messages;
    }

    /// <summary>Text protocols whose streams have no bytes missing (a gap would cut a line in two on our side only).</summary>
    public static TheoryData<string> LineCaptures() =>
    [
        "zeek-conn/traces/ftp/ipv4.pcap",
        "zeek-conn/traces/ftp/fake-server-delays-all.pcap",
        "zeek-conn/traces/ftp/ftp-auth-tls.pcap",
        "zeek-conn/traces/pop3/redis-50-pings.pcap",
        "zeek-conn/traces/http/get.pcap",
        "tcpdump/captures/print-flags.pcap",
    ];

    [Theory]
    [MemberData(nameof(LineCaptures))]
    public void Each_direction_has_as_many_lines_as_its_reassembled_bytes_have_lf_and_a_last_unterminated_line(string capture)
    {
        string path = Repo.CorpusFile(capture);
        var conns = CliRunner.Run("conns", path, "--format", "jsonl").JsonLines().Where(j => j.GetProperty("proto").GetString() == "tcp").ToList();
        var r = CliRunner.Run("frames", path, "--framing", "line", "--format", "jsonl");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var lines = r.JsonLines().Where(j => j.GetProperty("kind").GetString() == "line").ToList();
        Assert.DoesNotContain(r.JsonLines(), j => j.TryGetProperty("error", out _));
        foreach (var conn in conns)
        {
            int id = conn.GetProperty("id").GetInt32();
            var (bytes, node0) = FollowMatchesTsharkTests.TsharkFollow(path, id);
            string orig = $"{conn.GetProperty("orig_h").GetString()}:{conn.GetProperty("orig_p").GetInt32()}";
            for (int d = 0; d < 2; d++)
            {
                byte[] stream = bytes[node0 == orig ? d : 1 - d];
                Assert.True(stream.AsSpan().IndexOf("bytes missing in capture file"u8) < 0, $"{capture} tcp {id} lost bytes: pick a capture without");
                int lf = stream.Count(b => b == '\n');
                int expected = lf + (stream.Length > 0 && stream[^1] != '\n' ? 1 : 0);
                string dir = d == 0 ? "orig" : "resp";
                var ours = lines.Where(j => j.GetProperty("conn").GetInt32() == id && j.GetProperty("dir").GetString() == dir).ToList();
                Assert.True(expected == ours.Count, $"{capture} tcp {id} {dir}: tshark's stream has {expected} lines, frames --framing line {ours.Count}");
                // The lengths add up to the stream without its line ends.
                long crlf = Enumerable.Range(1, Math.Max(0, stream.Length - 1)).Count(i => stream[i] == '\n' && stream[i - 1] == '\r');
                Assert.Equal(stream.Length - lf - crlf, ours.Sum(j => j.GetProperty("length").GetInt64()));
            }
        }
    }
}
