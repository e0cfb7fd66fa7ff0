using System.Globalization;
using ProtoScope.Core.Decoding;

namespace ProtoScope.Core.Filtering;

/// <summary>
/// Recursive descent over the tokens, with Wireshark's precedence (not binds tightest, then and, then or):
/// <code>
/// filter  := or END
/// or      := and (("or" | "||") and)*
/// and     := unary (("and" | "&amp;&amp;") unary)*
/// unary   := ("not" | "!") unary | primary
/// primary := "(" or ")" | KEYWORD | LABEL | FIELD [op VALUE]
/// </code>
/// Every error names what was expected and the column where it went wrong.
/// </summary>
internal sealed class FilterParser
{
    private readonly List<FilterToken> _tokens;
    private int _pos;

    private FilterParser(List<FilterToken> tokens) => _tokens = tokens;

    public static FilterExpr Parse(string text)
    {
        var parser = new FilterParser(FilterLexer.Tokenize(text));
        if (parser.Peek.Kind == TokenKind.End)
            throw new FilterSyntaxException("the filter is empty", 1);
        var expr = parser.ParseOr();
        var end = parser.Peek;
        if (end.Kind == TokenKind.RParen)
            throw new FilterSyntaxException("')' without a matching '('", end.Column);
        if (end.Kind != TokenKind.End)
            throw new FilterSyntaxException($"expected 'and', 'or' or the end of the filter, found {end.Describe()}", end.Column);
        return expr;
    }

    private FilterToken Peek => _tokens[_pos];

    private FilterToken Next() => _tokens[_pos++];

    private FilterExpr ParseOr()
    {
        var left = ParseAnd();
        while (Peek.Kind == TokenKind.Or)
        {
            var op = Next();
            left = new OrExpr(left, ParseOperand(op, ParseAnd));
        }
        return left;
    }

    private FilterExpr ParseAnd()
    {
        var left = ParseUnary();
        while (Peek.Kind == TokenKind.And)
        {
            var op = Next();
            left = new AndExpr(left, ParseOperand(op, ParseUnary));
        }
        return left;
    }

    private FilterExpr ParseOperand(FilterToken op, Func<FilterExpr> parse)
    {
        if (Peek.Kind is TokenKind.End or TokenKind.RParen or TokenKind.And or TokenKind.Or)
            throw new FilterSyntaxException($"expected a test after '{op.Text}', found {Peek.Describe()}", Peek.Column);
        return parse();
    }

    private FilterExpr ParseUnary()
    {
        if (Peek.Kind == TokenKind.Not)
        {
            var op = Next();
            return new NotExpr(ParseOperand(op, ParseUnary));
        }
        return ParsePrimary();
    }

    private FilterExpr ParsePrimary()
    {
        var t = Next();
        switch (t.Kind)
        {
            case TokenKind.LParen:
            {
                if (Peek.Kind == TokenKind.RParen)
                    throw new FilterSyntaxException("empty parentheses: expected a test inside '()'", Peek.Column);
                var inner = ParseOr();
                if (Peek.Kind != TokenKind.RParen)
                    throw new FilterSyntaxException($"expected ')' to close the '(' at column {t.Column}, found {Peek.Describe()}", Peek.Column);
                Next();
                return inner;
            }
            case TokenKind.Word:
                return ParseTest(t);
            case TokenKind.End:
                throw new FilterSyntaxException("expected a test, found the end of the filter", t.Column);
            default:
                throw new FilterSyntaxException($"expected a field or a protocol, found '{t.Text}'", t.Column);
        }
    }

    private FilterExpr ParseTest(FilterToken name)
    {
        if (FilterFields.TryKeyword(name.Text, out var keyword))
        {
            if (Peek.IsComparison)
                throw new FilterSyntaxException($"'{name.Text}' is a protocol or role, not a field: it takes no comparison", Peek.Column);
            return new KeywordExpr(keyword);
        }
        if (FilterFields.TryAnalysisFlag(name.Text, out var flags))
        {
            if (Peek.IsComparison)
                throw new FilterSyntaxException($"'{name.Text}' is a label with no value: test it alone, without a comparison", Peek.Column);
            return new AnalysisFlagExpr(flags);
        }
        if (!FilterFields.TryField(name.Text, out var field, out var kind, out long max))
            throw new FilterSyntaxException($"unknown field '{name.Text}'", name.Column);
        if (!Peek.IsComparison)
        {
            if (Peek.Kind == TokenKind.Word)
                throw new FilterSyntaxException($"expected an operator (==, !=, <, <=, >, >=) after '{name.Text}', found '{Peek.Text}'", Peek.Column);
            return new PresenceExpr(field);
        }
        var opToken = Next();
        var op = opToken.Kind switch
        {
            TokenKind.Eq => CompareOp.Eq,
            TokenKind.Ne => CompareOp.Ne,
            TokenKind.Lt => CompareOp.Lt,
            TokenKind.Le => CompareOp.Le,
            TokenKind.Gt => CompareOp.Gt,
            _ => CompareOp.Ge,
        };
        var value = Peek;
        if (value.Kind != TokenKind.Word)
            throw new FilterSyntaxException($"expected a value after '{opToken.Text}'", value.Column);
        Next();
        switch (kind)
        {
            case FieldKind.Address:
                if (op is not (CompareOp.Eq or CompareOp.Ne))
                    throw new FilterSyntaxException($"'{name.Text}' is an address: compare it with == or !=", opToken.Column);
                if (!NetAddress.TryParse(value.Text, out var address) || !LooksLikeAddress(value.Text))
                    throw new FilterSyntaxException($"'{value.Text}' is not an IPv4 or IPv6 address", value.Column);
                return new CompareExpr(field, op, 0, address);
            case FieldKind.Time:
                if (!TrySeconds(value.Text, out long nanoseconds))
                    throw new FilterSyntaxException($"'{value.Text}' is not a time in seconds (such as 0.2)", value.Column);
                return new CompareExpr(field, op, nanoseconds, default);
            default:
                long number;
                if (kind == FieldKind.Flag && bool.TryParse(value.Text, out bool flag)) number = flag ? 1 : 0;
                else if (!TryNumber(value.Text, out number))
                    throw new FilterSyntaxException($"'{value.Text}' is not a number", value.Column);
                if (number > max)
                    throw new FilterSyntaxException($"{number} is out of range for '{name.Text}' (0 to {max})", value.Column);
                return new CompareExpr(field, op, number, default);
        }
    }

    /// <summary>IPAddress.TryParse also takes "1" or "010.1" (inet_aton forms); a filter wants the usual dotted or colon forms.</summary>
    private static bool LooksLikeAddress(string text) => text.Contains(':') || text.Count(c => c == '.') == 3;

    /// <summary>Seconds with an optional decimal point, to the nanosecond (Wireshark's relative times).</summary>
    private static bool TrySeconds(string text, out long nanoseconds)
    {
        nanoseconds = 0;
        if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal seconds)
            || seconds > long.MaxValue / 1_000_000_000L)
            return false;
        nanoseconds = (long)Math.Round(seconds * 1_000_000_000m);
        return true;
    }

    private static bool TryNumber(string text, out long value)
    {
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            return long.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
