namespace Parley.Tests;

/// <summary>
/// The generated part of a Markdown file: the text between <c>&lt;!-- schema:begin --&gt;</c> and
/// <c>&lt;!-- schema:end --&gt;</c>. Line endings and blank lines next to the markers do not count.
/// </summary>
internal static class MarkedSection
{
    public const string Begin = "<!-- schema:begin -->";
    public const string End = "<!-- schema:end -->";

    /// <summary>The text between the markers, or null when a marker is missing, repeated or out of order.</summary>
    public static string? Read(string document)
    {
        var (start, end) = Find(document);
        return start < 0 ? null : Normalize(document[start..end]);
    }

    /// <summary>Whether the section between the markers is <paramref name="expected"/>.</summary>
    public static bool IsCurrent(string document, string expected) => Read(document) == Normalize(expected);

    /// <summary>The document with the text between the markers replaced by <paramref name="section"/>.</summary>
    public static string Replace(string document, string section)
    {
        var (start, end) = Find(document);
        if (start < 0)
        {
            throw new InvalidOperationException($"the document has no {Begin} … {End} markers");
        }

        var newline = document.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
        var body = Normalize(section).Replace("\n", newline, StringComparison.Ordinal);
        return document[..start] + newline + body + newline + document[end..];
    }

    /// <summary>Says where <paramref name="actual"/> first differs from <paramref name="expected"/>.</summary>
    public static string FirstDifference(string actual, string expected)
    {
        var a = Normalize(actual).Split('\n');
        var e = Normalize(expected).Split('\n');
        for (var i = 0; i < Math.Max(a.Length, e.Length); i++)
        {
            var left = i < a.Length ? a[i] : "(end)";
            var right = i < e.Length ? e[i] : "(end)";
            if (left != right)
            {
                return $"line {i + 1} of the section is \"{left}\" but should be \"{right}\"";
            }
        }

        return "no difference";
    }

    private static (int Start, int End) Find(string document)
    {
        var begin = document.IndexOf(Begin, StringComparison.Ordinal);
        var end = document.IndexOf(End, StringComparison.Ordinal);
        if (begin < 0 || end < begin
            || document.IndexOf(Begin, begin + Begin.Length, StringComparison.Ordinal) >= 0
            || document.IndexOf(End, end + End.Length, StringComparison.Ordinal) >= 0)
        {
            return (-1, -1);
        }

        return (begin + Begin.Length, end);
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).Trim('\n');
}
