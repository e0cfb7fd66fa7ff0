using System.Text;
using ProtoScope.Core.Framing;
using ProtoScope.Core.Session;
using Xunit;

namespace ProtoScope.Core.Tests.Framing;

/// <summary>
/// Mutated HTTP exchanges, cut at random, through --framing http and line: whatever the bytes, no exception, and
/// every message handed on is consistent (its payload no longer than its length, its offset inside the stream).
/// </summary>
public class TextFramingFuzzTests
{
    private const string Requests = "GET /a HTTP/1.1\r\nHost: x\r\n\r\nPOST /b HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n0\r\nT: 1\r\n\r\nHEAD / HTTP/1.0\r\n\r\n";
    private const string Responses = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcHTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n1\r\nz\r\n0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nHTTP/1.0 200 OK\r\n\r\ntail";

    private static byte[] Mutate(Random random, string text)
    {
        var bytes = Encoding.ASCII.GetBytes(text).ToList();
        int edits = random.Next(1, 6);
        for (int e = 0; e < edits && bytes.Count > 0; e++)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(4))
            {
                case 0: bytes[at] = (byte)random.Next(256); break;
                case 1: bytes.RemoveAt(at); break;
                case 2: bytes.Insert(at, (byte)"\r\n:; 0123456789abcdefHTTP/"[random.Next(25)]); break;
                default: bytes.InsertRange(at, bytes.Skip(random.Next(bytes.Count)).Take(random.Next(1, 40)).ToList()); break;
            }
        }
        return [.. bytes];
    }

    private static int[] Cuts(Random random, int length)
    {
        var cuts = new List<int>();
        for (int left = length; left > 0;)
        {
            int size = Math.Min(left, random.Next(1, 30));
            cuts.Add(size);
            left -= size;
        }
        return [.. cuts];
    }

    [Theory]
    [InlineData("http")]
    [InlineData("line")]
    public void Mutated_exchanges_never_throw_and_every_message_is_consistent(string framing)
    {
        var spec = FramingSpec.Parse(framing, textFramings: true);
        var random = new Random(18);
        for (int run = 0; run < 3000; run++)
        {
            byte[] orig = Mutate(random, Requests), resp = Mutate(random, Responses);
            var exchange = new Exchange(spec, keepPayloads: run % 2 == 0, detectNotFramed: true)
                .Orig(orig, Cuts(random, orig.Length)).Resp(resp, Cuts(random, resp.Length));
            var record = run % 3 == 0 ? exchange.End() : exchange.Close();
            foreach (var (m, payload) in record.Messages)
            {
                long streamLength = m.Direction == Direction.Orig ? orig.Length : resp.Length;
                Assert.InRange(payload.Length, 0, m.Length);
                Assert.InRange(m.Offset + m.Length, 0, streamLength);
                Assert.Equal(spec.Method == FramingMethod.Http, m.Http is not null);
            }
            Assert.True(record.Failures.Count <= 2);
        }
    }
}
