using ProtoScope.Core.Graphs;

namespace ProtoScope.Core.Tests.Graphs;

/// <summary>Tick values are round (1, 2 or 5 times a power of ten apart) and labels carry the decimals the step needs.</summary>
public class PlotScaleTests
{
    [Theory]
    [InlineData(0, 1, 5, 0.2, new[] { 0, 0.2, 0.4, 0.6, 0.8, 1.0 })]
    [InlineData(0, 7, 3, 5, new[] { 0d, 5 })]
    [InlineData(-3, 3, 4, 2, new[] { -2d, 0, 2 })]
    [InlineData(0.0003, 0.0021, 4, 0.0005, new[] { 0.0005, 0.001, 0.0015, 0.002 })]
    [InlineData(1000, 650_000, 6, 200_000, new[] { 200_000d, 400_000, 600_000 })]
    public void Ticks_are_round_values_within_the_range(double from, double to, int most, double step, double[] values)
    {
        var (ticks, actualStep) = PlotScale.Ticks(from, to, most);
        Assert.Equal(step, actualStep, 1e-12);
        Assert.Equal(values, ticks, (a, b) => Math.Abs(a - b) < 1e-9 * Math.Max(1, Math.Abs(a)));
        Assert.True(ticks.Count <= most + 1);
    }

    [Theory]
    [InlineData(0.5, 0.1, "0.5")]
    [InlineData(0.0015, 0.0005, "0.0015")]
    [InlineData(2, 1, "2")]
    [InlineData(5000, 1000, "5000")]
    [InlineData(12_000, 1000, "12k")]
    [InlineData(250_000, 50_000, "250k")]
    [InlineData(1_500_000, 500_000, "1.5M")]
    [InlineData(2e9, 1e9, "2G")]
    [InlineData(0, 100_000, "0")]
    public void Labels_take_the_decimals_of_the_step_and_a_unit_letter(double value, double step, string label) =>
        Assert.Equal(label, PlotScale.Label(value, step));

    [Fact]
    public void An_empty_range_is_widened_around_its_value()
    {
        var plot = new Plot("t", "x", "y");
        plot.AddSeries("s", MarkShape.Dot).Add(3, 10, 1);
        var scale = PlotScale.Of(plot);
        Assert.True(scale.XFrom <= 3 && scale.XTo > 3);
        Assert.True(scale.YFrom < 10 && scale.YTo > 10);
        Assert.Equal(0.5, scale.YFraction((scale.YFrom + scale.YTo) / 2), 1e-12);
    }
}
