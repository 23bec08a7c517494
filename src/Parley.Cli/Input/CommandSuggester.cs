namespace Parley.Cli;

/// <summary>Spots a one-word prompt that is really a mistyped command (<c>parley histroy</c>).</summary>
internal static class CommandSuggester
{
    /// <summary>The closest command within two edits, or null.</summary>
    public static string? Suggest(string word, IEnumerable<string> commands)
    {
        if (word.Length < 3 || !word.All(c => char.IsAsciiLetterLower(c) || c == '-'))
        {
            return null;
        }

        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var command in commands)
        {
            var distance = Distance(word, command);
            var allowed = command.Length <= 4 ? 1 : 2;
            if (distance > 0 && distance <= allowed && distance < bestDistance)
            {
                best = command;
                bestDistance = distance;
            }
        }

        return best;
    }

    /// <summary>Optimal string alignment distance (Levenshtein plus adjacent transpositions).</summary>
    internal static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
