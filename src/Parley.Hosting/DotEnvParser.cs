using System.Text.RegularExpressions;

namespace Parley.Hosting;

/// <summary>
/// Reads <c>.env</c> text as python-dotenv 1.x does (its parser, statement by statement): an optional <c>export</c>
/// prefix; unquoted or single-quoted keys; unquoted values (trimmed, cut at a <c> #</c> comment), single-quoted values
/// (literal but for <c>\\</c> and <c>\'</c>) and double-quoted values (<c>\\ \' \" \a \b \f \n \r \t \v</c>), both
/// quoted kinds may span lines; <c>${NAME}</c> and <c>${NAME:-default}</c> are interpolated in every value, the process
/// environment first, then the lines above; a key without <c>=</c> is ignored; comments and blank lines are skipped; a
/// statement it cannot parse is skipped and reported by line, and the rest is still read.
/// </summary>
internal static partial class DotEnvParser
{
    /// <summary>Parses <paramref name="text"/>; <paramref name="process"/> reads the process environment for interpolation.</summary>
    public static DotEnvContent Parse(string text, Func<string, string?> process)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(process);
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        var unparsed = new List<int>();
        var position = 0;
        while (position < text.Length)
        {
            position = End(Match(MultilineWhitespace(), text, position)!);
            if (position >= text.Length)
            {
                break;
            }

            var statementStart = position;
            if (!TryParseBinding(text, ref position, out var key, out var value))
            {
                unparsed.Add(LineOf(text, statementStart));
                position = End(Match(RestOfLine(), text, position)!);
                continue;
            }

            if (key is not null)
            {
                values[key] = value is null ? null : Interpolate(value, process, values);
            }
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in values)
        {
            if (value is not null)
            {
                result[key] = value;
            }
        }

        return new DotEnvContent(result, unparsed);
    }

    private static bool TryParseBinding(string text, ref int position, out string? key, out string? value)
    {
        key = null;
        value = null;
        position = End(Match(Export(), text, position)!);
        if (Peek(text, position) == '#')
        {
            key = null;
        }
        else
        {
            var keyMatch = Match(Peek(text, position) == '\'' ? SingleQuotedKey() : UnquotedKey(), text, position);
            if (keyMatch is null)
            {
                return false;
            }

            key = keyMatch.Groups[1].Value;
            position = End(keyMatch);
        }

        position = End(Match(Whitespace(), text, position)!);
        if (Peek(text, position) == '=')
        {
            position = End(Match(EqualSign(), text, position)!);
            var parsed = ParseValue(text, ref position);
            if (parsed is null)
            {
                return false;
            }

            value = parsed;
        }

        position = End(Match(Comment(), text, position)!);
        var endOfLine = Match(EndOfLine(), text, position);
        if (endOfLine is null)
        {
            return false;
        }

        position = End(endOfLine);
        return true;
    }

    private static string? ParseValue(string text, ref int position)
    {
        var first = Peek(text, position);
        if (first is '\'' or '"')
        {
            var quoted = Match(first == '\'' ? SingleQuotedValue() : DoubleQuotedValue(), text, position);
            if (quoted is null)
            {
                return null;
            }

            position = End(quoted);
            return first == '\''
                ? SingleQuoteEscape().Replace(quoted.Groups[1].Value, m => m.Value[1..])
                : DoubleQuoteEscape().Replace(quoted.Groups[1].Value, m => Unescape(m.Value[1]));
        }

        if (first is null or '\n' or '\r')
        {
            return string.Empty;
        }

        var unquoted = Match(UnquotedValue(), text, position)!;
        position = End(unquoted);
        return InlineComment().Replace(unquoted.Groups[1].Value, string.Empty).TrimEnd();
    }

    private static string Unescape(char escaped) => escaped switch
    {
        'a' => "\a",
        'b' => "\b",
        'f' => "\f",
        'n' => "\n",
        'r' => "\r",
        't' => "\t",
        'v' => "\v",
        _ => escaped.ToString(),
    };

    private static string Interpolate(string value, Func<string, string?> process, Dictionary<string, string?> above)
    {
        if (!value.Contains("${", StringComparison.Ordinal))
        {
            return value;
        }

        return Variable().Replace(value, m =>
        {
            var name = m.Groups["name"].Value;
            if (process(name) is { } fromProcess)
            {
                return fromProcess;
            }

            if (above.TryGetValue(name, out var fromFile))
            {
                return fromFile ?? string.Empty;
            }

            return m.Groups["default"].Success ? m.Groups["default"].Value : string.Empty;
        });
    }

    private static Match? Match(Regex regex, string text, int position)
    {
        var match = regex.Match(text, position);
        return match.Success && match.Index == position ? match : null;
    }

    private static int End(Match match) => match.Index + match.Length;

    private static char? Peek(string text, int position) => position < text.Length ? text[position] : null;

    private static int LineOf(string text, int position)
    {
        var line = 1;
        for (var i = 0; i < position; i++)
        {
            if (text[i] == '\n' || (text[i] == '\r' && (i + 1 >= text.Length || text[i + 1] != '\n')))
            {
                line++;
            }
        }

        return line;
    }

    // The patterns are python-dotenv's, anchored with \G at the reading position.
    [GeneratedRegex(@"\G\s*", RegexOptions.Multiline)]
    private static partial Regex MultilineWhitespace();

    [GeneratedRegex(@"\G[^\S\r\n]*")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"\G(?:export[^\S\r\n]+)?")]
    private static partial Regex Export();

    [GeneratedRegex(@"\G'([^']+)'")]
    private static partial Regex SingleQuotedKey();

    [GeneratedRegex(@"\G([^=\#\s]+)")]
    private static partial Regex UnquotedKey();

    [GeneratedRegex(@"\G(=[^\S\r\n]*)")]
    private static partial Regex EqualSign();

    [GeneratedRegex(@"\G'((?:\\'|[^'])*)'")]
    private static partial Regex SingleQuotedValue();

    [GeneratedRegex(@"\G""((?:\\""|[^""])*)""")]
    private static partial Regex DoubleQuotedValue();

    [GeneratedRegex(@"\G([^\r\n]*)")]
    private static partial Regex UnquotedValue();

    [GeneratedRegex(@"\G(?:[^\S\r\n]*#[^\r\n]*)?")]
    private static partial Regex Comment();

    [GeneratedRegex(@"\G[^\S\r\n]*(?:\r\n|\n|\r|$)")]
    private static partial Regex EndOfLine();

    [GeneratedRegex(@"\G[^\r\n]*(?:\r|\n|\r\n)?")]
    private static partial Regex RestOfLine();

    [GeneratedRegex(@"\\[\\']")]
    private static partial Regex SingleQuoteEscape();

    [GeneratedRegex(@"\\[\\'""abfnrtv]")]
    private static partial Regex DoubleQuoteEscape();

    [GeneratedRegex(@"\s+#.*")]
    private static partial Regex InlineComment();

    [GeneratedRegex(@"\$\{(?<name>[^\}:]*)(?::-(?<default>[^\}]*))?\}")]
    private static partial Regex Variable();
}
