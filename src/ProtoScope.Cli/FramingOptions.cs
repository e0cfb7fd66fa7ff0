using System.CommandLine;
using ProtoScope.Core.Framing;

namespace ProtoScope.Cli;

/// <summary>The length-prefix options shared by every verb that frames: --framing, --length-includes-header, --max-frame.</summary>
internal sealed class FramingOptions
{
    public Option<string> Spec { get; } = new("--framing")
    {
        Description = $"Length prefix: {string.Join(", ", FramingSpec.Names)} (u32le is Python's struct.pack('I', n) on x86).",
        DefaultValueFactory = _ => FramingSpec.Default.Name,
    };

    public Option<bool> LengthIncludesHeader { get; } = new("--length-includes-header") { Description = "The length counts the header bytes too." };

    public Option<long> MaxFrame { get; } = new("--max-frame")
    {
        Description = "Largest frame accepted, in bytes; a longer length is a framing error.",
        DefaultValueFactory = _ => FramingSpec.DefaultMaxFrame,
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Spec);
        command.Options.Add(LengthIncludesHeader);
        command.Options.Add(MaxFrame);
    }

    /// <summary>The spec the user asked for, or null with <paramref name="error"/> set.</summary>
    public FramingSpec? Read(ParseResult r, out string? error)
    {
        if (!FramingSpec.TryParse(r.GetValue(Spec), out var spec, out var message))
        {
            error = message;
            return null;
        }
        long max = r.GetValue(MaxFrame);
        if (max < 0)
        {
            error = $"--max-frame {max} is negative";
            return null;
        }
        error = null;
        return spec with { LengthIncludesHeader = r.GetValue(LengthIncludesHeader), MaxFrame = max };
    }
}
