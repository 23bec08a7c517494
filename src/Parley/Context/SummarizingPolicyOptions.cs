namespace Parley;

/// <summary>How a <see cref="SummarizingPolicy"/> summarizes. Null properties take the defaults.</summary>
public sealed class SummarizingPolicyOptions
{
    /// <summary>The default instructions given to the summarizer; <c>{0}</c> is the most words the summary may have.</summary>
    public const string DefaultInstructions =
        "You keep a running summary of a conversation between a user and an assistant. Fold the new messages into the "
        + "summary so far. Keep names, numbers, decisions, preferences, open questions and what the assistant promised; "
        + "drop small talk. Write plain prose in the conversation's language, at most {0} words. Reply with the summary only.";

    private int? _atTokens;
    private double? _atShareOfWindow;

    /// <summary>
    /// Summarize once the prompt passes this many tokens (more than 0); takes precedence over
    /// <see cref="AtShareOfWindow"/>. Both null: at 75% of the window.
    /// </summary>
    public int? AtTokens
    {
        get => _atTokens;
        set
        {
            if (value is { } tokens)
            {
                ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tokens, nameof(value));
            }

            _atTokens = value;
        }
    }

    /// <summary>
    /// Summarize once the prompt passes this share of the window (more than 0, at most 1: 0.75 is 75%), unless
    /// <see cref="AtTokens"/> is set. Both null: 0.75.
    /// </summary>
    public double? AtShareOfWindow
    {
        get => _atShareOfWindow;
        set
        {
            if (value is { } share && (!double.IsFinite(share) || share <= 0 || share > 1))
            {
                throw new ArgumentOutOfRangeException(nameof(value), share, "The share of the window must be more than 0 and at most 1.");
            }

            _atShareOfWindow = value;
        }
    }

    /// <summary>The threshold these options set.</summary>
    internal ContextThreshold At => AtTokens is { } tokens
        ? ContextThreshold.OfTokens(tokens)
        : AtShareOfWindow is { } share ? ContextThreshold.OfWindow(share) : ContextThreshold.Default;

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
