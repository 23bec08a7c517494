using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>
/// Running totals over calls: a conversation's (answers and summaries) in <see cref="ChatSession.Usage"/>, a pipeline's
/// through <see cref="ParleyChatClientBuilderExtensions.UseUsageTracking"/>, a usage report's rows (<see cref="UsageReport"/>).
/// The one place calls' tokens and dollars are summed. Adding is thread-safe (one instance can total the calls of many
/// concurrent requests); <see cref="Snapshot"/> reads a consistent copy.
/// </summary>
public sealed class ConversationUsage
{
    private readonly Lock _gate = new();

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

    /// <summary>Total tokens, summed: each call's total as the server reported it, else its prompt + completion tokens.</summary>
    public long TotalTokens { get; private set; }

    /// <summary>Dollar cost of the calls whose price is known.</summary>
    public decimal CostUsd { get; private set; }

    /// <summary>Calls that used tokens but whose price is unknown (not in <see cref="CostUsd"/>).</summary>
    public int UnpricedCalls { get; private set; }

    /// <summary>True when at least one call that used tokens had an unknown price (then <see cref="CostUsd"/> is a lower bound).</summary>
    public bool HasUnknownCost => UnpricedCalls > 0;

    /// <summary>Adds one call.</summary>
    /// <param name="usage">The usage the server reported (null: none, e.g. a failed call; an empty one: a call whose usage
    /// went unreported, so its cost is unknown).</param>
    /// <param name="costUsd">The call's dollar cost (null: unknown; a call that reported using no tokens costs nothing either way).</param>
    public void Add(UsageDetails? usage, decimal? costUsd) =>
        Add(
            usage?.InputTokenCount, usage?.OutputTokenCount, usage?.CachedInputTokenCount, usage?.ReasoningTokenCount, usage?.TotalTokenCount, costUsd,
            unpriced: costUsd is null && usage is not null && (usage.TotalTokenCount ?? usage.InputTokenCount ?? usage.OutputTokenCount) is not 0);

    private void Add(long? input, long? output, long? cached, long? reasoning, long? total, decimal? costUsd, bool unpriced)
    {
        lock (_gate)
        {
            AddLocked(input, output, cached, reasoning, total, costUsd, unpriced);
        }
    }

    private void AddLocked(long? input, long? output, long? cached, long? reasoning, long? total, decimal? costUsd, bool unpriced)
    {
        Calls++;
        InputTokens += input ?? 0;
        OutputTokens += output ?? 0;
        CachedInputTokens += cached ?? 0;
        ReasoningTokens += reasoning ?? 0;
        TotalTokens += total ?? ((input ?? 0) + (output ?? 0));
        CostUsd += costUsd ?? 0;
        if (unpriced)
        {
            UnpricedCalls++;
        }
    }

    /// <summary>A copy of the totals as they are now.</summary>
    /// <returns>The copy (adding to it leaves this one unchanged).</returns>
    public ConversationUsage Snapshot()
    {
        lock (_gate)
        {
            return new()
            {
                Calls = Calls,
                InputTokens = InputTokens,
                OutputTokens = OutputTokens,
                CachedInputTokens = CachedInputTokens,
                ReasoningTokens = ReasoningTokens,
                TotalTokens = TotalTokens,
                CostUsd = CostUsd,
                UnpricedCalls = UnpricedCalls,
            };
        }
    }

    /// <summary>Clears the totals.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            Calls = 0;
            InputTokens = OutputTokens = CachedInputTokens = ReasoningTokens = TotalTokens = 0;
            CostUsd = 0;
            UnpricedCalls = 0;
        }
    }
}
