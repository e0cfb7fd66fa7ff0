namespace ProtoScope.Core.Filtering;

internal enum TokenKind { Word, LParen, RParen, And, Or, Not, Eq, Ne, Lt, Le, Gt, Ge, End }

/// <summary>One token of a display filter; <see cref="Column"/> is 1-based, as the error messages count.</summary>
internal readonly record struct FilterToken(TokenKind Kind, string Text, int Column)
{
    public bool IsComparison => Kind is TokenKind.Eq or TokenKind.Ne or TokenKind.Lt or TokenKind.Le or TokenKind.Gt or TokenKind.Ge;

    public string Describe() => Kind == TokenKind.End ? "the end of the filter" : $"'{Text}'";
}

/// <summary>
/// Splits a display filter into tokens. A word is a run of letters, digits and <c>_ . :</c>, which covers
/// field names (<c>tcp.flags.syn</c>), numbers (<c>53</c>, <c>0x35</c>, seconds <c>0.2</c>) and addresses (<c>10.0.0.1</c>,
/// <c>fe80::1</c>); the parser decides which one it needs. Operators are Wireshark's: <c>== != &lt; &lt;= &gt; &gt;=</c>,
/// <c>&amp;&amp; || !</c> and the words <c>and or not eq ne lt le gt ge</c>.
/// </summary>
internal static class FilterLexer
{
    public static List<FilterToken> Tokenize(string text)
    {
        var tokens = new List<FilterToken>();
        int i = 0;
        while (i < text.Length)
        {
            char ch = text[i];
            int column = i + 1;
            if (char.IsWhiteSpace(ch)) { i++; continue; }
            if (IsWordChar(ch))
            {
                int start = i;
                while (i < text.Length && IsWordChar(text[i])) i++;
                string word = text[start..i];
                tokens.Add(new FilterToken(KeywordKind(word), word, column));
                continue;
            }
            string two = i + 1 < text.Length ? text.Substring(i, 2) : "";
            TokenKind? kind = two switch
            {
                "==" => TokenKind.Eq,
                "!=" => TokenKind.Ne,
                "<=" => TokenKind.Le,
                ">=" => TokenKind.Ge,
                "&&" => TokenKind.And,
                "||" => TokenKind.Or,
                _ => null,
            };
            if (kind is { } k2)
            {
                tokens.Add(new FilterToken(k2, two, column));
                i += 2;
                continue;
            }
            TokenKind k1 = ch switch
            {
                '(' => TokenKind.LParen,
                ')' => TokenKind.RParen,
                '<' => TokenKind.Lt,
                '>' => TokenKind.Gt,
                '!' => TokenKind.Not,
                '=' => throw new FilterSyntaxException("'=' is not an operator; use '==' to compare", column),
                '&' => throw new FilterSyntaxException("'&' is not an operator; use '&&' or 'and'", column),
                '|' => throw new FilterSyntaxException("'|' is not an operator; use '||' or 'or'", column),
                _ => throw new FilterSyntaxException($"unexpected character '{ch}'", column),
            };
            tokens.Add(new FilterToken(k1, ch.ToString(), column));
            i++;
        }
        tokens.Add(new FilterToken(TokenKind.End, "", text.Length + 1));
        return tokens;
    }

    private static bool IsWordChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or ':';

    private static TokenKind KeywordKind(string word) => word.ToLowerInvariant() switch
    {
        "and" => TokenKind.And,
        "or" => TokenKind.Or,
        "not" => TokenKind.Not,
        "eq" => TokenKind.Eq,
        "ne" => TokenKind.Ne,
        "lt" => TokenKind.Lt,
        "le" => TokenKind.Le,
        "gt" => TokenKind.Gt,
        "ge" => TokenKind.Ge,
        _ => TokenKind.Word,
    };
}

/// <summary>A mistake in a display filter, with the 1-based column where it is. Caught by <see cref="DisplayFilter.TryParse"/>.</summary>
internal sealed class FilterSyntaxException(string message, int column) : Exception(message)
{
    public int Column { get; } = column;
}
