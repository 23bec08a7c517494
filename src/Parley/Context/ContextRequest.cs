using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>What a <see cref="ContextPolicy"/> is asked to reduce, and within which budget.</summary>
public sealed class ContextRequest
{
    /// <summary>The conversation, oldest first: the system message (if any), the history, the newest question.</summary>
    public required IReadOnlyList<ChatMessage> Messages { get; init; }

    /// <summary>The window to fit (null: unknown, so token-aware policies keep everything).</summary>
    public ContextBudget? Budget { get; init; }

    /// <summary>The running summary so far (the summarizing policy folds it into the next one).</summary>
    public RunningSummary? Summary { get; init; }

    /// <summary>False to measure what would be sent without calling a summarizer (e.g. for <c>/context</c>).</summary>
    public bool AllowSummaryCalls { get; init; } = true;
}
