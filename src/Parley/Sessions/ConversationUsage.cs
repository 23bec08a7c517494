using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>
/// Running totals over calls: a conversation's (answers and summaries) in <see cref="ChatSession.Usage"/>, a pipeline's in
/// <see cref="UsageLedger.Totals"/>. The one place calls' tokens and dollars are summed in memory. Not thread-safe
/// (the ledger locks around it).
/// </summary>
public sealed class ConversationUsage
{
    /// <summary>Number of calls counted.</summary>
    public int Calls { get; private set; }

    /// <summary>Prompt tokens, summed.</summary>
    public long InputTokens { get; private set; }

    /// <summary>Completion tokens (reasoning included), summed.</summary>
    public long OutputTokens { get; private set; }

    /// <summary>Cached prompt tokens, summed.</summary>
    public long CachedInputTokens { get; private set; }

    /// <summary>Reasoning tokens, summed.</summary>
    public long ReasoningTokens { get; private set; }

    /// <summary>Dollar cost of the calls whose price is known.</summary>
    public decimal CostUsd { get; private set; }

    /// <summary>True when at least one call's price was unknown (then <see cref="CostUsd"/> is a lower bound).</summary>
    public bool HasUnknownCost { get; private set; }

    /// <summary>Prompt + completion tokens.</summary>
    public long TotalTokens => InputTokens + OutputTokens;

    /// <summary>Adds one call.</summary>
    public void Add(UsageDetails? usage, decimal? costUsd)
    {
        Calls++;
        if (usage is not null)
        {
            InputTokens += usage.InputTokenCount ?? 0;
            OutputTokens += usage.OutputTokenCount ?? 0;
            CachedInputTokens += usage.CachedInputTokenCount ?? 0;
            ReasoningTokens += usage.ReasoningTokenCount ?? 0;
        }

        if (costUsd is { } cost)
        {
            CostUsd += cost;
        }
        else if (usage is not null)
        {
            HasUnknownCost = true;
        }
    }

    /// <summary>A copy of the totals as they are now.</summary>
    /// <returns>The copy (adding to it leaves this one unchanged).</returns>
    public ConversationUsage Snapshot() => new()
    {
        Calls = Calls,
        InputTokens = InputTokens,
        OutputTokens = OutputTokens,
        CachedInputTokens = CachedInputTokens,
        ReasoningTokens = ReasoningTokens,
        CostUsd = CostUsd,
        HasUnknownCost = HasUnknownCost,
    };

    /// <summary>Clears the totals.</summary>
    public void Reset()
    {
        Calls = 0;
        InputTokens = OutputTokens = CachedInputTokens = ReasoningTokens = 0;
        CostUsd = 0;
        HasUnknownCost = false;
    }
}
