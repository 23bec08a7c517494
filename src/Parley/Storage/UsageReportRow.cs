namespace Parley;

/// <summary>Token and cost totals of one group of turns (a day, a model or a conversation).</summary>
public sealed class UsageReportRow
{
    /// <summary>Gets the group key: a local date <c>yyyy-MM-dd</c>, a model name (<c>(unknown)</c> when none), a conversation id, or <c>total</c>.</summary>
    public required string Key { get; init; }

    /// <summary>Gets a label for the key: the conversation's title for conversation rows, otherwise <see langword="null"/>.</summary>
    public string? Label { get; init; }

    /// <summary>Gets the number of answered chat turns (failed and interrupted ones are in <see cref="UnfinishedTurns"/>).</summary>
    public int ChatTurns { get; init; }

    /// <summary>Gets the number of summary calls (calls that folded older messages into a running summary; not turns).</summary>
    public int SummaryCalls { get; init; }

    /// <summary>
    /// Gets the number of chat turns that got no complete answer: failed, interrupted, or left pending by a process
    /// that ended. Not in <see cref="ChatTurns"/>; the tokens and cost they used are in the totals.
    /// </summary>
    public int UnfinishedTurns { get; init; }

    /// <summary>Gets the input (prompt) tokens.</summary>
    public long InputTokenCount { get; init; }

    /// <summary>Gets the output (completion) tokens.</summary>
    public long OutputTokenCount { get; init; }

    /// <summary>Gets the input tokens served from the provider's prompt cache.</summary>
    public long CachedInputTokenCount { get; init; }

    /// <summary>Gets the reasoning tokens (part of the output tokens).</summary>
    public long ReasoningTokenCount { get; init; }

    /// <summary>Gets the total tokens.</summary>
    public long TotalTokenCount { get; init; }

    /// <summary>Gets the cost in US dollars of the turns whose cost is known.</summary>
    public decimal CostUsd { get; init; }

    /// <summary>Gets the number of turns that used tokens but whose cost is unknown (not in <see cref="CostUsd"/>).</summary>
    public int UnpricedTurns { get; init; }
}
