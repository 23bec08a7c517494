using System.Globalization;

namespace Parley;

/// <summary>
/// A dollar limit on a conversation. Before each request, the most the request could cost — its prompt tokens at the
/// (uncached) input price plus its maximum output at the output price — must fit in what is left of the limit after the
/// conversation's cost so far. A request whose cost cannot be known (unknown model or price, unknown maximum output,
/// an earlier call of unknown price) is refused too: the limit cannot be enforced for it.
/// </summary>
internal sealed class CostBudget
{
    private const decimal Million = 1_000_000m;

    /// <summary>Creates a budget.</summary>
    /// <param name="limitUsd">The most the conversation may cost, in US dollars; not negative.</param>
    public CostBudget(decimal limitUsd)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limitUsd);
        LimitUsd = limitUsd;
    }

    /// <summary>The most the conversation may cost, in US dollars.</summary>
    public decimal LimitUsd { get; }

    /// <summary>
    /// The most a request could cost: <paramref name="promptTokens"/> × input price + <paramref name="maxOutputTokens"/>
    /// × output price, per million tokens.
    /// </summary>
    /// <param name="model">The model's catalog entry, or null when the model is unknown.</param>
    /// <param name="promptTokens">The prompt's tokens, as counted before sending.</param>
    /// <param name="maxOutputTokens">The request's output limit, or null to use the model's maximum output.</param>
    /// <returns>The cost in US dollars, or null when the model, its prices or (for a paid output) its maximum output are unknown.</returns>
    public static decimal? WorstCase(ModelInfo? model, int promptTokens, int? maxOutputTokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(promptTokens);
        if (model?.InputPerMillion is not decimal input || model.OutputPerMillion is not decimal output)
        {
            return null;
        }

        decimal outputCost = 0;
        if (output != 0)
        {
            if ((maxOutputTokens ?? model.MaxOutputTokens) is not int maxOutput)
            {
                return null;
            }

            outputCost = Math.Max(maxOutput, 0) * output;
        }

        return ((promptTokens * input) + outputCost) / Million;
    }

    /// <summary>
    /// Checks a request against what is left of the budget and returns its worst-case cost.
    /// </summary>
    /// <param name="modelId">The model id as requested (for the message).</param>
    /// <param name="model">The model's catalog entry, or null when the model is unknown.</param>
    /// <param name="prompt">The prompt's token count.</param>
    /// <param name="maxOutputTokens">The request's output limit, or null to use the model's maximum output.</param>
    /// <param name="usage">The conversation's totals so far (its cost is subtracted from the limit).</param>
    /// <returns>The most the request could cost.</returns>
    /// <exception cref="CostBudgetExceededException">The request could cost more than is left, or its cost cannot be known.</exception>
    public decimal Check(string modelId, ModelInfo? model, TokenCount prompt, int? maxOutputTokens, ConversationUsage usage)
    {
        ArgumentNullException.ThrowIfNull(modelId);
        ArgumentNullException.ThrowIfNull(usage);
        var spent = usage.CostUsd;
        if (usage.HasUnknownCost)
        {
            throw new CostBudgetExceededException(
                $"cannot enforce the {Dollars(LimitUsd)} cost limit: an earlier call of this conversation has an unknown price, "
                + "so its cost so far is unknown (nothing was sent)",
                modelId, LimitUsd, spent, null);
        }

        if (WorstCase(model, prompt.Value, maxOutputTokens) is not decimal worst)
        {
            var reason = model?.InputPerMillion is null || model.OutputPerMillion is null
                ? $"the price of {modelId} is unknown; add input_per_million and output_per_million for it under \"models\" in the config file"
                : $"the maximum output of {modelId} is unknown; set --max-tokens, or max_output_tokens under \"models\" in the config file";
            throw new CostBudgetExceededException(
                $"cannot enforce the {Dollars(LimitUsd)} cost limit: {reason} (nothing was sent)", modelId, LimitUsd, spent, null);
        }

        var left = LimitUsd - spent;
        if (worst > left)
        {
            var output = maxOutputTokens ?? model!.MaxOutputTokens;
            var tokens = string.Create(
                CultureInfo.InvariantCulture,
                $"{(prompt.IsEstimate ? "about " : string.Empty)}{prompt.Value:N0} prompt tokens + up to {output:N0} output tokens of {modelId}");
            throw new CostBudgetExceededException(
                $"this request could cost up to {Dollars(worst)} ({tokens}) but only {Dollars(Math.Max(left, 0))} is left of the "
                + $"{Dollars(LimitUsd)} cost limit ({Dollars(spent)} spent): lower --max-tokens, shorten the conversation, or raise "
                + "--max-cost (nothing was sent)",
                modelId, LimitUsd, spent, worst);
        }

        return worst;
    }

    // $0.0123 below a cent, $1.50 above (invariant culture).
    private static string Dollars(decimal usd) =>
        "$" + (Math.Abs(usd) >= 0.01m || usd == 0 ? usd.ToString("0.00##", CultureInfo.InvariantCulture) : usd.ToString("0.0000##", CultureInfo.InvariantCulture));
}
