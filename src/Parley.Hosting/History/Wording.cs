using System.Globalization;

namespace Parley.Hosting;

/// <summary>Counts and lists in plain English: <c>1 message</c>, <c>2 messages</c>, <c>low, medium or high</c>.</summary>
internal static class Wording
{
    /// <summary>The count (invariant, thousands separated) and the noun, plural unless the count is 1: <c>1,234 tokens</c>.</summary>
    public static string Count(long count, string singular) =>
        count.ToString("#,0", CultureInfo.InvariantCulture) + " " + (count == 1 ? singular : singular + "s");

    /// <summary>The choices joined as English: <c>a</c>, <c>a or b</c>, <c>a, b or c</c>.</summary>
    public static string Either(IReadOnlyList<string> choices) => choices.Count switch
    {
        0 => string.Empty,
        1 => choices[0],
        _ => string.Join(", ", choices.Take(choices.Count - 1)) + " or " + choices[^1],
    };
}
