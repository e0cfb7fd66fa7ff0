using ProtoScope.Core.Tcp;

namespace ProtoScope.Core.Tests.Tcp;

/// <summary>The history keeps every letter in order however long it grows (it packs the first few inline).</summary>
public class ConnectionHistoryTests
{
    [Theory]
    [InlineData("")]
    [InlineData("ShADadFf")]
    [InlineData("ShADadFfRrTt")]
    [InlineData("ShADadFfRrTtW")]
    [InlineData("^hADdtTtTtTtTtTwWwWwWfFrR")]
    [InlineData("ShAxDd")]
    public void Letters_come_back_as_added(string letters)
    {
        var history = new ConnectionHistory();
        foreach (char c in letters) history.Add(c);
        Assert.Equal(letters, history.ToString());
        Assert.Equal(letters.Length, history.Length);
    }

    [Theory]
    [InlineData("H")]
    [InlineData("ShADadFfRrTtWwSs")]
    public void Replace_starts_the_letters_again(string before)
    {
        var history = new ConnectionHistory();
        foreach (char c in before) history.Add(c);
        history.Replace("^h");
        history.Add('A');
        Assert.Equal("^hA", history.ToString());
    }

    /// <summary>Zeek's ScaledHistoryEntry: the letter at the 1st, 10th, 100th and 1000th event, no others.</summary>
    [Fact]
    public void A_scaled_letter_is_recorded_at_each_power_of_ten()
    {
        var history = new ConnectionHistory();
        uint count = 0;
        byte scale = 0;
        var recordedAt = new List<int>();
        for (int i = 1; i <= 5_000; i++)
            if (history.Scaled('T', ref count, ref scale)) recordedAt.Add(i);
        Assert.Equal([1, 10, 100, 1000], recordedAt);
        Assert.Equal("TTTT", history.ToString());
    }
}
