namespace Parley;

/// <summary>
/// How a request used the context window: the prompt's tokens against the window, the policy, and how many history
/// messages were sent, summarized and dropped. Every <see cref="ChatTurn"/> carries one;
/// <see cref="ChatSession.GetContextReportAsync"/> measures the next request without sending it.
/// </summary>
public sealed record ContextReport
{
    /// <summary>The policy's name (<c>budget</c>, <c>last:10</c>, <c>summarize</c>, <c>keep-all</c>, or a reducer's type name).</summary>
    public required string Policy { get; init; }

    /// <summary>The model whose window was used (null when unknown).</summary>
    public string? Model { get; init; }

    private int? _promptTokens;
    private bool? _promptTokensEstimated;
    private Lazy<TokenCount>? _promptCount;

    /// <summary>The prompt's size in tokens, as Parley counts it.</summary>
    public int PromptTokens
    {
        get => _promptTokens ?? _promptCount?.Value.Value ?? 0;
        init => _promptTokens = value;
    }

    /// <summary>True when <see cref="PromptTokens"/> is an estimate (no exact tokenizer for the model, or tool/image content).</summary>
    public bool PromptTokensEstimated
    {
        get => _promptTokensEstimated ?? _promptCount?.Value.IsEstimate ?? false;
        init => _promptTokensEstimated = value;
    }

    /// <summary>
    /// Counts the prompt when <see cref="PromptTokens"/> is first read, not before: every turn carries a report, few
    /// are read, and counting a prompt that the preflight settled by its size would load a tokenizer for nothing.
    /// </summary>
    internal Func<TokenCount>? CountPromptWhenRead
    {
        init => _promptCount = value is null ? null : new Lazy<TokenCount>(value, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The window respected (null when unknown: nothing is trimmed).</summary>
    public int? ContextWindow { get; init; }

    /// <summary>The catalog's window for the model (differs from <see cref="ContextWindow"/> when a smaller limit was learned).</summary>
    public int? CatalogWindow { get; init; }

    /// <summary>True when <see cref="ContextWindow"/> was learned from a server's context-length error.</summary>
    public bool IsLearnedWindow { get; init; }

    /// <summary>Tokens kept free for the answer.</summary>
    public int? ReservedOutput { get; init; }

    /// <summary>The prompt size at which the summarizing policy folds the oldest turns (null for other policies).</summary>
    public int? SummaryThreshold { get; init; }

    /// <summary>The turns the summarizing policy keeps verbatim (null for other policies).</summary>
    public int? SummaryKeepsLastTurns { get; init; }

    /// <summary>The model the summarizing policy names for its summaries (null for other policies, or when unnamed).</summary>
    public string? SummaryModel { get; init; }

    /// <summary>Messages in the conversation after the system message (the question included).</summary>
    public int HistoryMessages { get; init; }

    /// <summary>Messages in the request (the system message and a summary included).</summary>
    public int MessagesSent { get; init; }

    /// <summary>History messages represented by the running summary instead of being sent.</summary>
    public int MessagesSummarized { get; init; }

    /// <summary>History messages neither sent nor summarized.</summary>
    public int MessagesDropped { get; init; }

    /// <summary>The summary's size in tokens, when one was sent.</summary>
    public int? SummaryTokens { get; init; }

    /// <summary>The summary calls made for this request (with their usage and cost).</summary>
    public IReadOnlyList<TurnOutcome> SummaryCalls { get; init; } = [];

    /// <summary>Warnings raised while preparing the request.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>True when the prompt is past the summary threshold and the next turn will summarize (previews only).</summary>
    public bool SummaryDue { get; init; }

    /// <summary>True when the server refused the first attempt with a context-length error and the turn was sent again within the limit it named.</summary>
    public bool Recovered { get; init; }
}
