using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace ProtoScope.Cli.Tests;

/// <summary>
/// A reader of Zeek's ASCII log format as Zeek's own readers apply it (the Input framework's Ascii reader,
/// zeek-cut): the header's separators and markers, #fields and #types of equal length, rows of exactly that many
/// columns, the unset marker for a missing value and the empty marker for an empty string or set, and every value
/// of its declared type. Anything else throws, so a test that reads a log also checks it.
/// </summary>
public sealed partial class ZeekLog
{
    public required string Path { get; init; }
    public required IReadOnlyList<string> Fields { get; init; }
    public required IReadOnlyList<string> Types { get; init; }

    /// <summary>Each row by field name; null where the field is unset.</summary>
    public required IReadOnlyList<IReadOnlyDictionary<string, string?>> Rows { get; init; }

    public static ZeekLog Parse(string text)
    {
        var lines = text.Split('\n');
        if (lines[^1].Length != 0) throw new FormatException("the log does not end with a newline");
        // The first line names the separator itself, after a space, with \x escapes (Zeek writes "\x09").
        if (!lines[0].StartsWith("#separator ", StringComparison.Ordinal)) throw new FormatException("no #separator line first");
        string separator = Unescape(lines[0]["#separator ".Length..]);
        var header = new Dictionary<string, string>();
        var rows = new List<IReadOnlyDictionary<string, string?>>();
        bool closed = false;
        foreach (var line in lines[1..^1])
        {
            if (closed) throw new FormatException($"a line after #close: {line}");
            if (line.StartsWith('#'))
            {
                var parts = line[1..].Split(separator, 2);
                if (parts.Length != 2) throw new FormatException($"header line without a value: {line}");
                header[parts[0]] = parts[1];
                closed = parts[0] == "close";
                continue;
            }
            foreach (var required in new[] { "set_separator", "empty_field", "unset_field", "path", "open", "fields", "types" })
                if (!header.ContainsKey(required)) throw new FormatException($"a row before #{required}");
            var fields = header["fields"].Split(separator);
            var types = header["types"].Split(separator);
            var values = line.Split(separator);
            if (values.Length != fields.Length) throw new FormatException($"{values.Length} values for {fields.Length} fields: {line}");
            var row = new Dictionary<string, string?>();
            for (int i = 0; i < values.Length; i++)
            {
                string? value = values[i] == header["unset_field"] ? null : values[i];
                if (value is not null) Check(fields[i], types[i], value, header["empty_field"], header["set_separator"]);
                row[fields[i]] = value == header["empty_field"] ? "" : value;
            }
            rows.Add(row);
        }
        if (!closed) throw new FormatException("no #close line");
        var f = header["fields"].Split(separator);
        var t = header["types"].Split(separator);
        if (f.Length != t.Length) throw new FormatException("#fields and #types differ in length");
        if (f.Distinct().Count() != f.Length) throw new FormatException("a field named twice");
        if (!HeaderTime().IsMatch(header["open"])) throw new FormatException($"#open {header["open"]}");
        return new ZeekLog { Path = header["path"], Fields = f, Types = t, Rows = rows };
    }

    private static void Check(string field, string type, string value, string empty, string setSeparator)
    {
        // An empty string or set is written as the empty marker: a column with nothing in it is a broken row.
        if (value.Length == 0) throw new FormatException($"{field} is blank");
        bool ok = type switch
        {
            "time" or "interval" => Decimal6().IsMatch(value),
            "count" => ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out _),
            "port" => ushort.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out _),
            "addr" => IPAddress.TryParse(value, out _),
            "bool" => value is "T" or "F",
            "enum" => value.Length > 0 && value != empty,
            "string" => true,
            _ when type.StartsWith("set[", StringComparison.Ordinal) => value == empty || value.Split(setSeparator).All(v => v.Length > 0),
            _ => throw new FormatException($"unknown type {type} of {field}"),
        };
        if (!ok) throw new FormatException($"{field} '{value}' is not a {type}");
    }

    private static string Unescape(string text) => Regex.Replace(text, @"\\x([0-9a-fA-F]{2})", m => ((char)Convert.ToInt32(m.Groups[1].Value, 16)).ToString());

    [GeneratedRegex(@"^-?\d+\.\d{6}$")]
    private static partial Regex Decimal6();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}$")]
    private static partial Regex HeaderTime();
}
