using System.Text.RegularExpressions;

namespace Parley;

/// <summary>
/// The id patterns a server really uses for a catalog model, and nothing looser: an OpenAI dated snapshot
/// (<c>gpt-4o-2024-08-06</c>, <c>gpt-4-0613</c>) → <c>gpt-4o</c>, <c>gpt-4</c>; a fine-tune
/// (<c>ft:gpt-4o-mini-2024-07-18:org::id</c>) → its base; an Ollama tag (<c>qwen2.5:7b-instruct-q4_K_M</c>) →
/// <c>qwen2.5</c>, for Ollama models only. Anything else (<c>gpt-4o-mni</c>, <c>gpt-4o-foo</c>) is unknown.
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

    /// <summary>
    /// The id without an OpenAI snapshot date (<c>-2024-08-06</c> or <c>-0613</c>, a real month and day), or null
    /// when it has none.
    /// </summary>
    public static string? Undated(string normalizedId)
    {
        Match match = DateSuffix().Match(normalizedId);
        return match.Success && match.Index > 0 ? normalizedId[..match.Index] : null;
    }

    /// <summary>
    /// The model name of an Ollama tag (<c>llama3.2:3b</c> → <c>llama3.2</c>, <c>hf.co/org/llama3.2:Q4_K_M</c> →
    /// <c>llama3.2</c>), or null when the id has no tag.
    /// </summary>
    public static string? OllamaFamily(string normalizedId)
    {
        int colon = normalizedId.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return null;
        }

        string name = normalizedId[..colon];
        int slash = name.LastIndexOf('/');
        return slash < 0 ? name : slash < name.Length - 1 ? name[(slash + 1)..] : null;
    }

    [GeneratedRegex(@"-(\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])|(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01]))$", RegexOptions.CultureInvariant)]
    private static partial Regex DateSuffix();
}
