using System.CommandLine;
using ProtoScope.Core.Framing;

namespace ProtoScope.Cli;

/// <summary>
/// The framing options shared by every verb that frames: --framing, --length-includes-header, --max-frame. The
/// inspecting verbs (<paramref name="textFramings"/>) also take <c>line</c> and <c>http</c>, which the peers do not speak.
/// </summary>
internal sealed class FramingOptions(bool allowNone = false, bool textFramings = false)
{
    private const string None = "none";

    public Option<string> Spec { get; } = new("--framing")
    {
        Description = $"Length prefix: {string.Join(", ", FramingSpec.Names)} (u32le is Python's struct.pack('I', n) on x86)"
            + (textFramings ? "; or line (text lines, LF or CRLF), http (HTTP/1.x requests and responses, bodies de-chunked)" : "")
            + (allowNone ? "; or none (UDP datagrams only)." : "."),
        DefaultValueFactory = _ => FramingSpec.Default.Name,
    };

    public Option<bool> LengthIncludesHeader { get; } = new("--length-includes-header") { Description = "The length counts the header bytes too." };

    public Option<long> MaxMessage { get; } = new("--max-frame")
    {
        Description = textFramings
            ? "Largest frame, line or HTTP body accepted, in bytes; a longer one is a framing error."
            : "Largest frame accepted, in bytes; a longer length is a framing error.",
        DefaultValueFactory = _ => FramingSpec.DefaultMaxFrame,
    };

    public void AddTo(Command command)
    {
        // The names, for System.CommandLine's suggestions and the shell completions made from this tree.
        Spec.CompletionSources.Add([.. FramingSpec.Names, .. textFramings ? FramingSpec.TextNames : [], .. allowNone ? [None] : Array.Empty<string>()]);
        command.Options.Add(Spec);
        command.Options.Add(LengthIncludesHeader);
        command.Options.Add(MaxMessage);
    }

    /// <summary>
    /// The spec the user asked for (null for --framing none, where allowed); false with <paramref name="error"/>
    /// set when the options are wrong.
    /// </summary>
    public bool TryRead(ParseResult r, out FramingSpec? spec, out string? error)
    {
        spec = null;
        error = null;
        string? name = r.GetValue(Spec);
        if (allowNone && string.Equals(name, None, StringComparison.OrdinalIgnoreCase)) return true;
        if (!FramingSpec.TryParse(name, out var parsed, out var message, textFramings))
        {
            // The default is the verb's: follow has none (turn by turn), the others frame with u32le.
            string fallback = Spec.DefaultValueFactory is null ? "" : $" (default {FramingSpec.Default.Name})";
            error = (allowNone ? message + ", or none" : message) + fallback;
            return false;
        }
        long max = r.GetValue(MaxMessage);
        if (max < 0)
        {
            error = $"--max-frame {max} is negative; give the largest frame length in bytes";
            return false;
        }
        spec = parsed with { LengthIncludesHeader = r.GetValue(LengthIncludesHeader), MaxMessage = max };
        return true;
    }
}
