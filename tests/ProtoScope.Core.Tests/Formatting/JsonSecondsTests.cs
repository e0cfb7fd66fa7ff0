using System.Text;
using System.Text.Json;
using ProtoScope.Core.Formatting;

namespace ProtoScope.Core.Tests.Formatting;

/// <summary>
/// Times and durations in the JSON schemas are seconds written from nanoseconds. They were written by dividing by
/// 1e9 in decimal and letting Utf8JsonWriter format that; the fast formatter must write the very same text.
/// </summary>
public class JsonSecondsTests
{
    private static string ViaDecimal(long ns)
    {
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer)) w.WriteNumberValue(ns / 1_000_000_000m);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Fast(long ns)
    {
        Span<byte> text = stackalloc byte[JsonSeconds.MaxLength];
        return Encoding.UTF8.GetString(text[..JsonSeconds.Format(ns, text)]);
    }

    [Theory]
    [InlineData(0L, "0")]
    [InlineData(1L, "0.000000001")]
    [InlineData(1_000L, "0.000001")]
    [InlineData(1_500_000_000L, "1.5")]
    [InlineData(120_000_000_000L, "120")]
    [InlineData(1_700_000_000_123_456_000L, "1700000000.123456")]
    [InlineData(1_700_000_000_123_456_789L, "1700000000.123456789")]
    [InlineData(-5L, "-0.000000005")]
    [InlineData(-1_500_000_000L, "-1.5")]
    [InlineData(long.MaxValue, "9223372036.854775807")]
    [InlineData(long.MinValue, "-9223372036.854775808")]
    public void Writes_exact_seconds_without_trailing_zeros(long ns, string expected)
    {
        Assert.Equal(expected, Fast(ns));
        Assert.Equal(ViaDecimal(ns), Fast(ns));
    }

    [Fact]
    public void Agrees_with_decimal_division_on_random_times()
    {
        var random = new Random(20261206);
        for (int i = 0; i < 100_000; i++)
        {
            long ns = random.NextInt64(long.MinValue, long.MaxValue);
            // Whole microseconds and milliseconds too, the precision of most captures.
            if (i % 3 == 1) ns -= ns % 1_000;
            if (i % 3 == 2) ns -= ns % 1_000_000;
            Assert.Equal(ViaDecimal(ns), Fast(ns));
        }
    }

    [Fact]
    public void Writes_a_property_the_writer_accepts()
    {
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            JsonSeconds.Write(w, "time", 1_700_000_000_000_001_000);
            JsonSeconds.Write(w, JsonEncodedText.Encode("duration"), 250_000_000);
            w.WriteEndObject();
        }
        using var doc = JsonDocument.Parse(buffer.ToArray());
        Assert.Equal(1_700_000_000.000001m, doc.RootElement.GetProperty("time").GetDecimal());
        Assert.Equal(0.25m, doc.RootElement.GetProperty("duration").GetDecimal());
    }
}
