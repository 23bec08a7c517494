using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>
/// Applies a context policy to a request — the one code path of <see cref="ChatSession"/> and
/// <see cref="ContextPolicyChatClient"/>: a <see cref="ContextPolicy"/> gets the budget and the running summary, any
/// other <see cref="IChatReducer"/> the messages only, and summary calls are priced from the catalog when the policy
/// names no cost. Holds no state: the caller keeps the running summary of its conversation and passes it in.
/// </summary>
internal static class ContextApplication
{
    /// <param name="reducer">The policy (null: everything is sent).</param>
    /// <param name="candidates">The request before the policy.</param>
    /// <param name="budget">The window to fit (null: unknown).</param>
    /// <param name="summary">The conversation's running summary.</param>
    /// <param name="preview">True: make no summary call and no plain reducer call (a report only).</param>
    /// <param name="price">Prices a call (model id, usage) from the catalog; null when unknown.</param>
    /// <param name="cancellationToken">Cancels a summary call.</param>
    /// <returns>The policy's name and its decision.</returns>
    public static async Task<(string Policy, ContextResult Result)> ApplyAsync(
        IChatReducer? reducer, IReadOnlyList<ChatMessage> candidates, ContextBudget? budget, RunningSummary? summary, bool preview,
        Func<string?, UsageDetails?, decimal?> price, CancellationToken cancellationToken)
    {
        switch (reducer)
        {
            case ContextPolicy policy:
                var result = await policy.ApplyAsync(new ContextRequest
                {
                    Messages = candidates,
                    Budget = budget,
                    Summary = summary,
                    AllowSummaryCalls = !preview,
                }, cancellationToken).ConfigureAwait(false);
                return (policy.Name, Priced(result, price));
            case { } other when !preview:
                var reduced = (await other.ReduceAsync(candidates, cancellationToken).ConfigureAwait(false)).ToList();
                return (other.GetType().Name, new ContextResult { Messages = reduced, Dropped = Math.Max(0, candidates.Count - reduced.Count) });
            default:
                return (reducer?.GetType().Name ?? "keep-all", new ContextResult { Messages = candidates });
        }
    }

    private static ContextResult Priced(ContextResult result, Func<string?, UsageDetails?, decimal?> price)
    {
        if (result.SummaryCalls.All(c => c.CostUsd is not null))
        {
            return result;
        }

        return new ContextResult
        {
            Messages = result.Messages,
            Summarized = result.Summarized,
            Dropped = result.Dropped,
            Summary = result.Summary,
            SummaryMessage = result.SummaryMessage,
            SummaryCalls = [.. result.SummaryCalls.Select(c => c with { CostUsd = c.CostUsd ?? price(c.Model, c.Usage) })],
            Warnings = result.Warnings,
            SummaryDue = result.SummaryDue,
        };
    }
}
