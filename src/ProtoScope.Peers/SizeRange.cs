using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace ProtoScope.Peers;

/// <summary>Payload sizes for test traffic: a fixed size (<c>512</c>) or a uniform range (<c>0-65536</c>, both ends included).</summary>
public readonly record struct SizeRange
{
    public SizeRange(int min, int max)
    {
        if (min < 0 || max < min)
            throw new ArgumentOutOfRangeException(nameof(max), $"bad size range {min}-{max}");
        Min = min;
        Max = max;
    }

    public int Min { get; }
    public int Max { get; }

    public static bool TryParse(string? text, out SizeRange range, [NotNullWhen(false)] out string? error)
    {
        string t = text?.Trim() ?? "";
        int dash = t.IndexOf('-');
        string low = dash < 0 ? t : t[..dash];
        string high = dash < 0 ? t : t[(dash + 1)..];
        // NumberStyles.None: no signs or spaces, so "-5" and "1--2" are errors rather than odd ranges.
        if (int.TryParse(low, NumberStyles.None, CultureInfo.InvariantCulture, out int min)
            && int.TryParse(high, NumberStyles.None, CultureInfo.InvariantCulture, out int max)
            && max >= min)
        {
            range = new SizeRange(min, max);
            error = null;
            return true;
        }
        range = default;
        error = $"bad size '{text}': expected N or MIN-MAX bytes, e.g. 512 or 0-65536";
        return false;
    }

    public int Next(Random random) => Min == Max ? Min : random.Next(Min, Max + 1);

    public override string ToString() => Min == Max ? $"{Min}" : $"{Min}-{Max}";
}
