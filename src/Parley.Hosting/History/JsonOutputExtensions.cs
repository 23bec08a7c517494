using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Parley.Hosting;

/// <summary>
/// The conventions every <c>--json</c> output shares: a value the server or catalog did not report is <c>null</c>,
/// never 0, and usage is written with OpenAI's field names.
/// </summary>
internal static class JsonOutputExtensions
{
    public static void WriteNumberOrNull(this Utf8JsonWriter json, string name, long? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    public static void WriteNumberOrNull(this Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    public static void WriteNumberOrNull(this Utf8JsonWriter json, string name, decimal? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    /// <summary>Writes <c>name: {prompt_tokens, completion_tokens, total_tokens, cached_tokens, reasoning_tokens}</c>, or <c>name: null</c>.</summary>
    public static void WriteUsage(this Utf8JsonWriter json, string name, UsageDetails? usage)
    {
        json.WritePropertyName(name);
        if (usage is null)
        {
            json.WriteNullValue();
            return;
        }

        json.WriteStartObject();
        json.WriteNumberOrNull("prompt_tokens", usage.InputTokenCount);
        json.WriteNumberOrNull("completion_tokens", usage.OutputTokenCount);
        json.WriteNumberOrNull("total_tokens", usage.TotalTokenCount ?? (usage.InputTokenCount + usage.OutputTokenCount));
        json.WriteNumberOrNull("cached_tokens", usage.CachedInputTokenCount);
        json.WriteNumberOrNull("reasoning_tokens", usage.ReasoningTokenCount);
        json.WriteEndObject();
    }

    /// <summary>Drops trailing zeros (<c>0.00002550</c> → <c>0.0000255</c>).</summary>
    public static decimal TrimZeros(decimal value) => value / 1.000000000000000000000000000000000m;

    /// <inheritdoc cref="TrimZeros(decimal)"/>
    public static decimal? TrimZeros(decimal? value) => value is { } v ? TrimZeros(v) : null;
}
