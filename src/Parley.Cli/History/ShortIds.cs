namespace Parley.Cli;

/// <summary>
/// Short conversation ids for display: the shortest prefix of at least <see cref="MinimumLength"/> characters that no
/// other stored id shares (like git's abbreviated hashes). Any unique prefix of 4+ characters is accepted as input.
/// </summary>
internal static class ShortIds
{
    public const int MinimumLength = 8;

    /// <summary>Maps every id to its shortest unique prefix among <paramref name="allIds"/>.</summary>
    public static IReadOnlyDictionary<string, string> Compute(IEnumerable<string> allIds)
    {
        var sorted = allIds.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var result = new Dictionary<string, string>(sorted.Length, StringComparer.Ordinal);
        for (var i = 0; i < sorted.Length; i++)
        {
            var length = MinimumLength;
            if (i > 0)
            {
                length = Math.Max(length, CommonPrefixLength(sorted[i - 1], sorted[i]) + 1);
            }

            if (i < sorted.Length - 1)
            {
                length = Math.Max(length, CommonPrefixLength(sorted[i], sorted[i + 1]) + 1);
            }

            result[sorted[i]] = sorted[i][..Math.Min(length, sorted[i].Length)];
        }

        return result;
    }

    /// <summary>The short form of <paramref name="id"/>, or the id itself when it is not in <paramref name="shortIds"/>.</summary>
    public static string Of(IReadOnlyDictionary<string, string> shortIds, string id) =>
        shortIds.TryGetValue(id, out var value) ? value : id;

    private static int CommonPrefixLength(string a, string b) => a.AsSpan().CommonPrefixLength(b);
}
