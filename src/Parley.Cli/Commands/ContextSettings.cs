namespace Parley.Cli;

/// <summary>What the command line says about the context window: the policy and its settings (null: the defaults).</summary>
internal sealed record ContextSettings
{
    public static ContextSettings Default { get; } = new();

    /// <summary><c>--context</c>: <c>keep-all</c>, <c>last:N</c>, <c>budget</c> or <c>summarize</c> (null: the saved conversation's, else budget).</summary>
    public string? Policy { get; init; }

    /// <summary><c>--reserve-output N</c>: tokens kept free for the answer.</summary>
    public int? ReserveOutput { get; init; }

    /// <summary><c>--summarize-at</c>: tokens, or a share of the window.</summary>
    public ContextThreshold? SummarizeAt { get; init; }

    /// <summary><c>--summary-model</c>: the model that writes summaries (<c>provider:model</c> switches provider).</summary>
    public string? SummaryModel { get; init; }

    /// <summary><c>--keep-last N</c>: turns never summarized besides the question.</summary>
    public int? KeepLast { get; init; }
}
