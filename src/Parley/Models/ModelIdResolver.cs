using System.Text.RegularExpressions;

namespace Parley;

/// <summary>
/// Turns a model id as a server names it into the catalog ids it may belong to, most specific first:
/// <c>gpt-4o-2024-08-06</c> → <c>gpt-4o</c>; <c>qwen2.5:7b-instruct-q4_K_M</c> → <c>qwen2.5</c>;
/// <c>gpt-4o-mini-search-preview</c> → <c>gpt-4o-mini-search</c> → <c>gpt-4o-mini</c>.
/// </summary>
internal static partial class ModelIdResolver
{
    /// <summary>Normalises an id: trimmed, lower case, without a <c>openai/</c> or <c>ollama/</c> routing prefix.</summary>
    public static string Normalize(string modelId)
    {
        string id = modelId.Trim().ToLowerInvariant();
        foreach (string prefix in (ReadOnlySpan<string>)["openai/", "ollama/"])
        {
            if (id.StartsWith(prefix, StringComparison.Ordinal))
            {
                id = id[prefix.Length..];
            }
        }

        return id;
    }

    /// <summary>Splits a fine-tune id (<c>ft:BASE:org:name:id</c>) into its base model, or returns null.</summary>
    public static string? FineTuneBase(string normalizedId)
    {
        if (!normalizedId.StartsWith("ft:", StringComparison.Ordinal))
        {
            return null;
        }

        string[] parts = normalizedId.Split(':');
        return parts.Length > 1 && parts[1].Length > 0 ? parts[1] : null;
    }

    /// <summary>The candidate catalog ids for a normalised id, most specific first, without duplicates.</summary>
    public static IEnumerable<string> Candidates(string normalizedId)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string id = normalizedId;
        if (seen.Add(id))
        {
            yield return id;
        }

        // Ollama tags: "llama3.2:3b", "hf.co/org/Model-GGUF:Q4_K_M" → the name before the tag, without its namespace.
        int colon = id.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0)
        {
            id = id[..colon];
            int slash = id.LastIndexOf('/');
            if (slash >= 0 && slash < id.Length - 1)
            {
                id = id[(slash + 1)..];
            }

            if (seen.Add(id))
            {
                yield return id;
            }
        }

        // Dated snapshots: -2024-08-06, -0613, -20250101.
        string undated = DateSuffix().Replace(id, string.Empty);
        if (undated.Length > 0 && seen.Add(undated))
        {
            yield return undated;
        }

        // Then drop one "-segment" at a time: gpt-4o-mini-search-preview → gpt-4o-mini-search → gpt-4o-mini.
        string current = undated.Length > 0 ? undated : id;
        int dash;
        while ((dash = current.LastIndexOf('-')) > 0)
        {
            current = current[..dash];
            if (seen.Add(current))
            {
                yield return current;
            }
        }
    }

    /// <summary>
    /// Splits a versioned OpenAI id (<c>gpt-5.7-mini</c>, <c>o5-mini</c>) into line, major, minor and suffix, so
    /// that an unknown newer minor version can fall back to the newest known one of the same line.
    /// </summary>
    public static bool TryParseVersion(string id, out string line, out int major, out int minor, out string suffix)
    {
        Match match = VersionedId().Match(id);
        if (!match.Success)
        {
            (line, major, minor, suffix) = (string.Empty, 0, 0, string.Empty);
            return false;
        }

        line = match.Groups["line"].Value;
        major = int.Parse(match.Groups["major"].ValueSpan, System.Globalization.CultureInfo.InvariantCulture);
        minor = match.Groups["minor"].Success ? int.Parse(match.Groups["minor"].ValueSpan, System.Globalization.CultureInfo.InvariantCulture) : 0;
        suffix = match.Groups["suffix"].Value;
        return true;
    }

    [GeneratedRegex(@"-(\d{4}-\d{2}-\d{2}|\d{8}|\d{4})$", RegexOptions.CultureInvariant)]
    private static partial Regex DateSuffix();

    [GeneratedRegex(@"^(?<line>gpt-|o)(?<major>\d+)(\.(?<minor>\d+))?(?<suffix>(-[a-z]+)*)$", RegexOptions.CultureInvariant)]
    private static partial Regex VersionedId();
}
