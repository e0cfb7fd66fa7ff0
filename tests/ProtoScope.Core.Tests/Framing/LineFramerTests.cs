using System.Text;
using ProtoScope.Core.Framing;
using Xunit;

namespace ProtoScope.Core.Tests.Framing;

/// <summary>--framing line over hand-built streams; the expected lines are those the test wrote.</summary>
public class LineFramerTests
{
    private const string Text = "USER anonymous\r\nPASS x\n\r\n\nQUIT\r\n";
    private static readonly string[] Lines = ["USER anonymous", "PASS x", "", "", "QUIT"];

    private static void AssertLines(MessageRecord record, string[] lines)
    {
        Assert.Empty(record.Failures);
        Assert.Equal(lines, record.Messages.Select(m => Encoding.ASCII.GetString(m.Payload)));
        Assert.Equal(lines.Select(l => (long)l.Length), record.Messages.Select(m => m.Message.Length));
        Assert.All(record.Messages, m => Assert.Equal(MessageKind.Line, m.Message.Kind));
    }

    [Fact]
    public void Lines_end_at_lf_and_a_crlf_ending_is_stripped_too()
    {
        var record = new Exchange(FramingSpec.Line).Orig(Text).Close();
        AssertLines(record, Lines);
        Assert.Equal([0L, 16, 23, 25, 26], record.Messages.Select(m => m.Message.Offset));
        Assert.All(record.Messages, m => Assert.False(m.Message.Incomplete));
    }

    [Fact]
    public void Every_two_segment_cut_and_one_byte_segments_give_the_same_lines()
    {
        byte[] bytes = Encoding.ASCII.GetBytes(Text);
        for (int cut = 1; cut < bytes.Length; cut++)
            AssertLines(new Exchange(FramingSpec.Line).Orig(bytes, cut, bytes.Length - cut).Close(), Lines);
        var bytewise = new Exchange(FramingSpec.Line).Orig(bytes, Enumerable.Repeat(1, bytes.Length).ToArray()).Close();
        AssertLines(bytewise, Lines);
        // "USER anonymous\r\n": 16 bytes, 16 segments.
        Assert.Equal(16, bytewise.Messages[0].Message.Segments);
    }

    [Fact]
    public void A_last_line_without_lf_is_handed_on_flagged_incomplete()
    {
        var record = new Exchange(FramingSpec.Line).Orig("one\ntwo").Close();
        AssertLines(record, ["one", "two"]);
        Assert.Equal([false, true], record.Messages.Select(m => m.Message.Incomplete));
    }

    [Fact]
    public void A_line_over_max_frame_stops_framing_before_its_end_arrives()
    {
        var spec = FramingSpec.Line with { MaxMessage = 10 };
        AssertLines(new Exchange(spec).Orig("0123456789\r\n").Close(), ["0123456789"]);
        var record = new Exchange(spec).Orig("short\n" + new string('a', 11)).End();
        Assert.Equal("short", Encoding.ASCII.GetString(Assert.Single(record.Messages).Payload));
        var f = Assert.Single(record.Failures);
        Assert.Equal(("line longer than --max-frame 10 bytes", 6L), (f.Reason, f.Offset));
    }

    [Fact]
    public void Lost_bytes_cut_two_lines_and_framing_finds_the_next_boundary()
    {
        var record = new Exchange(FramingSpec.Line).Orig("first\nsec").LoseOrig(5).Orig("ond-and-third\nfourth\n").Close();
        Assert.Empty(record.Failures);
        Assert.Equal(["first", "sec", "ond-and-third", "fourth"], record.Messages.Select(m => Encoding.ASCII.GetString(m.Payload)));
        Assert.Equal([false, true, true, false], record.Messages.Select(m => m.Message.Incomplete));
    }
}
