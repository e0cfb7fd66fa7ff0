using System.Text;
using ProtoScope.Core.Framing;
using ProtoScope.Core.Session;
using Xunit;

namespace ProtoScope.Core.Tests.Framing;

/// <summary>
/// --framing http over hand-built exchanges. Every expectation is read off the bytes the test writes: the body
/// lengths are those of the bodies put in, the kinds and heads those of the start lines.
/// </summary>
public class HttpFramerTests
{
    private const string Get = "GET /a HTTP/1.1\r\nHost: x\r\n\r\n";
    private const string Head = "HEAD /b HTTP/1.1\r\nHost: x\r\n\r\n";
    private const string Post = "POST /form HTTP/1.1\r\nHost: x\r\nContent-Length: 7\r\n\r\nname=me";

    private static readonly string[] Responses =
    [
        "HTTP/1.1 100 Continue\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;name=value\r\nhello\r\n6\r\n world\r\n0\r\nExpires: never\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n",
        "HTTP/1.1 204 No Content\r\n\r\n",
        "HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n",
        "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n",
    ];

    /// <summary>The requests those responses answer: the 100 and the 200 answer the first GET; the fourth, 10 bytes long but bodiless, answers HEAD.</summary>
    private const string Requests = Get + Get + Head + Get + Get + Post;

    private static readonly (int Status, string Body)[] Expected =
        [(100, ""), (200, "hello"), (200, "hello world"), (200, ""), (204, ""), (304, ""), (201, "")];

    private static byte[] Bytes(string s) => Encoding.ASCII.GetBytes(s);

    private static void AssertResponses(MessageRecord record)
    {
        Assert.Empty(record.Failures);
        var responses = record.Messages.Where(m => m.Message.Direction == Direction.Resp).ToList();
        Assert.Equal(Expected.Select(e => (e.Status, e.Body)), responses.Select(r => (r.Message.Http!.StatusCode, Encoding.ASCII.GetString(r.Payload))));
        Assert.All(responses, r => Assert.Equal(MessageKind.Response, r.Message.Kind));
        Assert.All(responses, r => Assert.False(r.Message.Incomplete));
        Assert.Equal(Expected.Select(e => (long)e.Body.Length), responses.Select(r => r.Message.Length));
        // Each response starts where the previous one ended.
        long at = 0;
        for (int i = 0; i < Responses.Length; i++)
        {
            Assert.Equal(at, responses[i].Message.Offset);
            at += Responses[i].Length;
        }
    }

    [Fact]
    public void Pipelined_requests_in_one_segment_are_cut_apart_with_their_methods_and_bodies()
    {
        var record = new Exchange(FramingSpec.Http).Orig(Requests).Resp(string.Concat(Responses)).Close();
        var requests = record.Messages.Where(m => m.Message.Direction == Direction.Orig).ToList();
        Assert.Equal(["GET", "GET", "HEAD", "GET", "GET", "POST"], requests.Select(r => r.Message.Http!.Method));
        Assert.Equal("name=me", Encoding.ASCII.GetString(requests[^1].Payload));
        Assert.Equal(7, requests[^1].Message.Http!.ContentLength);
        Assert.All(requests, r => Assert.True(r.Message.Sticky));
        Assert.All(requests, r => Assert.Equal(MessageKind.Request, r.Message.Kind));
        AssertResponses(record);
    }

    [Fact]
    public void Every_two_segment_cut_of_the_responses_gives_the_same_messages()
    {
        byte[] stream = Bytes(string.Concat(Responses));
        for (int cut = 1; cut < stream.Length; cut++)
            AssertResponses(new Exchange(FramingSpec.Http).Orig(Requests).Resp(stream, cut, stream.Length - cut).Close());
    }

    [Fact]
    public void One_byte_segments_give_the_same_messages_and_each_spans_its_bytes_segments()
    {
        byte[] stream = Bytes(string.Concat(Responses));
        var record = new Exchange(FramingSpec.Http).Orig(Requests).Resp(stream, Enumerable.Repeat(1, stream.Length).ToArray()).Close();
        AssertResponses(record);
        var responses = record.Messages.Where(m => m.Message.Direction == Direction.Resp).ToList();
        // The last chunked response: its head, its chunks and its trailer section, a byte each.
        Assert.Equal(Responses[2].Length, responses[2].Message.Segments);
    }

    [Fact]
    public void A_chunked_body_is_decoded_and_its_head_says_chunked()
    {
        var record = new Exchange(FramingSpec.Http).Orig(Get).Resp(Responses[2]).Close();
        var (m, payload) = Assert.Single(record.Messages, r => r.Message.Direction == Direction.Resp);
        Assert.Equal("hello world", Encoding.ASCII.GetString(payload));
        Assert.True(m.Http!.Chunked);
        Assert.Null(m.Http.ContentLength);
        Assert.Equal(1, m.Http.HeaderCount);
    }

    [Fact]
    public void A_response_with_neither_length_nor_chunked_runs_to_the_close()
    {
        var closed = new Exchange(FramingSpec.Http).Orig(Get).Resp("HTTP/1.0 200 OK\r\n\r\nall of it", 26, 2).Close();
        var (m, payload) = Assert.Single(closed.Messages, r => r.Message.Direction == Direction.Resp);
        Assert.Equal(("all of it", false, HttpBody.UntilClose), (Encoding.ASCII.GetString(payload), m.Incomplete, m.Http!.Body));

        // Without the FIN the end of the body is unknown: the capture may have stopped first.
        var cut = new Exchange(FramingSpec.Http).Orig(Get).Resp("HTTP/1.0 200 OK\r\n\r\nall of it").End();
        Assert.True(Assert.Single(cut.Messages, r => r.Message.Direction == Direction.Resp).Message.Incomplete);
    }

    /// <summary>
    /// A WebSocket upgrade: after the 101, both directions carry WebSocket frames, which are not HTTP. Each direction
    /// stops where its new-protocol bytes start, as "not framed" with the reason, instead of failing on them; the
    /// server's first frame may share the 101's segment.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void After_a_101_both_directions_stop_where_the_new_protocol_starts(bool frameInTheSameSegment)
    {
        const string upgrade = "GET /chat HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
        const string switching = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";
        byte[] serverFrame = [0x81, 0x05, .. "hello"u8];
        byte[] clientFrame = [0x81, 0x85, 1, 2, 3, 4, .. "hello"u8];
        var exchange = new Exchange(FramingSpec.Http).Orig(upgrade);
        if (frameInTheSameSegment) exchange.Resp([.. Encoding.ASCII.GetBytes(switching), .. serverFrame]);
        else exchange.Resp(switching).Resp(serverFrame);
        var record = exchange.Orig(clientFrame).Close();

        Assert.Equal([(Direction.Orig, "GET"), (Direction.Resp, "101")],
            record.Messages.Select(r => (r.Message.Direction, r.Message.Http!.Method ?? r.Message.Http.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        Assert.All(record.Failures, f => Assert.True(f.NotFramed, f.Reason));
        Assert.Equal([(Direction.Resp, (long)switching.Length), (Direction.Orig, (long)upgrade.Length)],
            record.Failures.Select(f => (f.Direction, f.Offset)));
        Assert.All(record.Failures, f => Assert.Contains("101 Switching Protocols", f.Reason));
    }

    [Fact]
    public void A_body_cut_by_the_end_of_the_capture_is_handed_on_flagged_incomplete()
    {
        var record = new Exchange(FramingSpec.Http).Orig(Get).Resp("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + new string('x', 40)).End();
        var (m, payload) = Assert.Single(record.Messages, r => r.Message.Direction == Direction.Resp);
        Assert.True(m.Incomplete);
        Assert.Equal((40L, 100L), (m.Length, m.Http!.ContentLength!.Value));
        Assert.Equal(40, payload.Length);
        Assert.Empty(record.Failures);

        var chunked = new Exchange(FramingSpec.Http).Orig(Get).Resp("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n").End();
        var c = Assert.Single(chunked.Messages, r => r.Message.Direction == Direction.Resp);
        Assert.True(c.Message.Incomplete);
        Assert.Equal("hello", Encoding.ASCII.GetString(c.Payload));
    }

    [Fact]
    public void Lost_bytes_inside_a_content_length_body_are_stepped_over_and_the_next_message_is_read()
    {
        string first = "POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\n";
        var record = new Exchange(FramingSpec.Http).Orig(first + "abc").LoseOrig(4).Orig("hij" + Get).Close();
        Assert.Empty(record.Failures);
        Assert.Equal(2, record.Messages.Count);
        Assert.True(record.Messages[0].Message.Incomplete);
        Assert.Equal("abchij", Encoding.ASCII.GetString(record.Messages[0].Payload));
        Assert.Equal(("GET", false), (record.Messages[1].Message.Http!.Method, record.Messages[1].Message.Incomplete));
    }

    [Theory]
    [InlineData("GET /a HTTP/1.1 extra\r\n\r\n", "malformed request line")]
    [InlineData("GET /a HTTX/1.1\r\n\r\n", "malformed request line")]
    [InlineData("GET /a HTTP/1.1\r\nHost : x\r\n\r\n", "malformed header field")]
    [InlineData("GET /a HTTP/1.1\r\nno colon here\r\n\r\n", "malformed header field")]
    [InlineData("POST /a HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", "invalid Content-Length")]
    [InlineData("POST /a HTTP/1.1\r\nContent-Length: -5\r\n\r\n", "invalid Content-Length")]
    [InlineData("POST /a HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", "request with a Transfer-Encoding")]
    [InlineData("POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "malformed chunk size")]
    [InlineData("POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX", "chunk data not followed by CRLF")]
    public void A_malformed_message_after_a_good_one_is_a_framing_error_not_a_crash(string bad, string reason)
    {
        var record = new Exchange(FramingSpec.Http, detectNotFramed: true).Orig(Get + bad).Close();
        Assert.Equal("GET", Assert.Single(record.Messages).Message.Http!.Method);
        var f = Assert.Single(record.Failures);
        Assert.False(f.NotFramed);
        Assert.StartsWith(reason, f.Reason);
        Assert.Equal(Get.Length, f.Offset);
    }

    [Fact]
    public void A_first_message_that_is_not_http_makes_the_direction_not_framed_at_once()
    {
        byte[] binary = [5, 0, 0, 0, 1, 2, 3, 4, 5];
        var record = new Exchange(FramingSpec.Http, detectNotFramed: true).Orig(binary).End();
        var f = Assert.Single(record.Failures);
        Assert.True(f.NotFramed);
        Assert.StartsWith("not an HTTP start line", f.Reason);
    }

    [Fact]
    public void A_header_block_over_the_limit_is_refused_as_soon_as_it_passes_it()
    {
        string line = "X-Filler: " + new string('a', 1000) + "\r\n";
        int lines = FramingSpec.MaxHttpHead / line.Length + 1;
        string head = "GET / HTTP/1.1\r\n" + string.Concat(Enumerable.Repeat(line, lines));
        // No blank line ever comes: the failure must not wait for one.
        var record = new Exchange(FramingSpec.Http).Orig(head, Enumerable.Repeat(line.Length, lines).Prepend(16).ToArray()).End();
        Assert.Empty(record.Messages);
        var f = Assert.Single(record.Failures);
        Assert.Equal($"header block longer than {FramingSpec.MaxHttpHead} bytes", f.Reason);
    }

    [Fact]
    public void A_body_over_max_frame_is_refused_before_it_arrives()
    {
        var spec = FramingSpec.Http with { MaxMessage = 100 };
        var record = new Exchange(spec).Orig(Get).Resp("HTTP/1.1 200 OK\r\nContent-Length: 101\r\n\r\n").End();
        Assert.Equal("body longer than --max-frame 100 bytes", Assert.Single(record.Failures).Reason);
    }

    [Fact]
    public void Previews_are_the_first_bytes_of_the_decoded_body()
    {
        string body = new('z', 500);
        string response = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1f4\r\n" + body + "\r\n0\r\n\r\n";
        var record = new Exchange(FramingSpec.Http, keepPayloads: false).Orig(Get).Resp(response, 60, 100, response.Length - 160).Close();
        var (m, payload) = Assert.Single(record.Messages, r => r.Message.Direction == Direction.Resp);
        Assert.Equal(500, m.Length);
        Assert.Equal(new string('z', 64), Encoding.ASCII.GetString(payload));
    }

    [Fact]
    public void An_http_0_9_request_is_answered_by_the_bytes_up_to_the_close()
    {
        var record = new Exchange(FramingSpec.Http).Orig("GET /\r\n\r\n").Resp("<html>hi</html>").Close();
        Assert.Empty(record.Failures);
        Assert.Equal(2, record.Messages.Count);
        Assert.Equal(("GET", "HTTP/0.9"), (record.Messages[0].Message.Http!.Method, record.Messages[0].Message.Http!.Version));
        Assert.Equal((0, "<html>hi</html>"), (record.Messages[1].Message.Http!.StatusCode, Encoding.ASCII.GetString(record.Messages[1].Payload)));
    }
}
