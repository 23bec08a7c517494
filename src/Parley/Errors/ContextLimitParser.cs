using System.Globalization;
using System.Text.RegularExpressions;

namespace Parley;

/// <summary>Reads the real context limit out of the wording servers use for context-length errors.</summary>
internal static partial class ContextLimitParser
{
    /// <summary>True when the text reads like a context-length error from OpenAI, Ollama, vLLM or llama.cpp.</summary>
    public static bool LooksLikeContextError(string? text) =>
        text is not null && ContextWording().IsMatch(text);

    /// <summary>The limit named in the message (e.g. "maximum context length is 8192 tokens"), or null.</summary>
    public static int? TryReadLimit(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var match = LimitNumber().Match(text);
        return match.Success && int.TryParse(match.Groups["n"].Value.Replace(",", string.Empty, StringComparison.Ordinal), NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : null;
    }

    /// <summary>
    /// The prompt size the server counted, when the message names it ("your messages resulted in 9000 tokens",
    /// "(3120 in the messages, 1000 in the completion)", llama.cpp's "request (5000 tokens)"), or null.
    /// </summary>
    public static int? TryReadPromptTokens(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var match = PromptNumber().Match(text);
        return match.Success && int.TryParse(match.Groups["n"].Value.Replace(",", string.Empty, StringComparison.Ordinal), NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : null;
    }

    [GeneratedRegex(@"(?:(?<n>[0-9][0-9,]*) in the messages|messages resulted in (?<n>[0-9][0-9,]*)|request \((?<n>[0-9][0-9,]*) tokens\))", RegexOptions.IgnoreCase)]
    private static partial Regex PromptNumber();

    [GeneratedRegex(@"context[_ ]length|context window|maximum context|too many tokens|exceeds the (available )?context|n_ctx|prompt is too long", RegexOptions.IgnoreCase)]
    private static partial Regex ContextWording();

    [GeneratedRegex(@"(?:maximum context length is|context length of|context window of|context size \(?|n_ctx[^0-9]{0,12}|limit of|maximum of)\s*(?<n>[0-9][0-9,]*)", RegexOptions.IgnoreCase)]
    private static partial Regex LimitNumber();
}
