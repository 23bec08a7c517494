namespace Parley;

/// <summary>How a <see cref="SummarizingPolicy"/> summarizes. Null properties take the defaults.</summary>
public sealed class SummarizingPolicyOptions
{
    /// <summary>The default instructions given to the summarizer; <c>{0}</c> is the most words the summary may have.</summary>
    public const string DefaultInstructions =
        "You keep a running summary of a conversation between a user and an assistant. Fold the new messages into the "
        + "summary so far. Keep names, numbers, decisions, preferences, open questions and what the assistant promised; "
        + "drop small talk. Write plain prose in the conversation's language, at most {0} words. Reply with the summary only.";

    /// <summary>When to summarize: once the prompt passes this (null: 75% of the window, <see cref="ContextThreshold.Default"/>).</summary>
    public ContextThreshold? At { get; set; }

    /// <summary>The newest turns (question and answer) kept verbatim besides the question being asked; 4 by default.</summary>
    public int KeepLastTurns { get; set; } = 4;

    /// <summary>The model that writes summaries (sent as <c>ChatOptions.ModelId</c>; null: the summarizer client's default).</summary>
    public string? SummaryModel { get; set; }

    /// <summary>The longest summary in tokens (null: an eighth of the prompt budget, from 64 to 1,000).</summary>
    public int? MaxSummaryTokens { get; set; }

    /// <summary>
    /// The largest prompt a summary call may send, in tokens (null: the chat model's prompt budget). Older turns that do
    /// not fit one call are folded over several calls.
    /// </summary>
    public int? SummaryInputLimit { get; set; }

    /// <summary>The summarizer's instructions (<c>{0}</c>: the most words). Default <see cref="DefaultInstructions"/>.</summary>
    public string Instructions { get; set; } = DefaultInstructions;

    /// <summary>A copy of these options.</summary>
    /// <returns>The copy.</returns>
    public SummarizingPolicyOptions Clone() => (SummarizingPolicyOptions)MemberwiseClone();
}
