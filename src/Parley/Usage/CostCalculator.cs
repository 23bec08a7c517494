using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>
/// Dollar cost of a call: (prompt − cached) × input price + cached × cached-input price + completion × output price,
/// prices per million tokens. The completion count includes reasoning tokens (OpenAI's <c>completion_tokens</c>,
/// which Microsoft.Extensions.AI maps to <see cref="UsageDetails.OutputTokenCount"/>).
/// </summary>
internal static class CostCalculator
{
    private const decimal Million = 1_000_000m;

    /// <summary>Computes the cost of one call.</summary>
    /// <param name="usage">The usage the provider reported.</param>
    /// <param name="model">The model that was called.</param>
    /// <returns>
    /// The cost in US dollars, or null when it cannot be known: no model, an unknown input or output price, or a
    /// usage without token counts. Never a silent 0 (local models cost 0 because their prices are 0).
    /// When the model has no separate cached-input price, cached tokens cost the input price.
    /// </returns>
    public static decimal? Compute(UsageDetails usage, ModelInfo? model)
    {
        ArgumentNullException.ThrowIfNull(usage);
        if (model?.InputPerMillion is not decimal input || model.OutputPerMillion is not decimal output)
        {
            return null;
        }

        if (usage.InputTokenCount is null && usage.OutputTokenCount is null)
        {
            return null;
        }

        long prompt = Math.Max(usage.InputTokenCount ?? 0, 0);
        long cached = Math.Clamp(usage.CachedInputTokenCount ?? 0, 0, prompt);
        long completion = Math.Max(usage.OutputTokenCount ?? 0, 0);
        decimal cachedPrice = model.CachedInputPerMillion ?? input;

        return (((prompt - cached) * input) + (cached * cachedPrice) + (completion * output)) / Million;
    }
}
