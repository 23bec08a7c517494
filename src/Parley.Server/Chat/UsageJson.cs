using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Parley.Server;

/// <summary>Reads OpenAI's <c>usage</c> object and adds <c>cost_usd</c> to it in place (the other bytes unchanged).</summary>
internal static class UsageJson
{
    /// <summary>The usage of a completion or a usage chunk, or null when <paramref name="root"/> has no usage object.</summary>
    public static UsageDetails? Read(JsonElement root)
    {
        if (!root.TryGetProperty("usage", out var usage) || usage.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        return new UsageDetails
        {
            InputTokenCount = Count(usage, "prompt_tokens"),
            OutputTokenCount = Count(usage, "completion_tokens"),
            TotalTokenCount = Count(usage, "total_tokens"),
            CachedInputTokenCount = usage.TryGetProperty("prompt_tokens_details", out var prompt) && prompt.ValueKind == JsonValueKind.Object ? Count(prompt, "cached_tokens") : null,
            ReasoningTokenCount = usage.TryGetProperty("completion_tokens_details", out var completion) && completion.ValueKind == JsonValueKind.Object ? Count(completion, "reasoning_tokens") : null,
        };
    }

    /// <summary><paramref name="json"/> with <c>"cost_usd":…</c> added to its top-level <c>usage</c> object (null when the price is unknown).</summary>
    public static byte[] WithCost(ReadOnlySpan<byte> json, decimal? cost)
    {
        if (JsonSplice.FindValue(json, "usage"u8) is not var (start, end) || json[start] != (byte)'{')
        {
            return json.ToArray();
        }

        Span<byte> number = stackalloc byte[64];
        scoped ReadOnlySpan<byte> value = "null"u8;
        if (cost is { } usd && usd.TryFormat(number, out var written, default, CultureInfo.InvariantCulture))
        {
            value = number[..written];
        }

        return JsonSplice.InsertBefore(json, end - 1, "cost_usd", value);
    }

    private static long? Count(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) ? n : null;
}
