using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>What a <see cref="ContextPolicy"/> decided to send, and what it left out.</summary>
public sealed class ContextResult
{
    /// <summary>
    /// The key of the <see cref="ContextResult"/> in a response's (or a stream's first update's)
    /// <c>AdditionalProperties</c> when the policy runs as middleware
    /// (<see cref="ParleyChatClientBuilderExtensions.UseContextPolicy"/>).
    /// </summary>
    public const string ResultKey = "parley.context";

    /// <summary>The messages to send, oldest first.</summary>
    public required IReadOnlyList<ChatMessage> Messages { get; init; }

    /// <summary>History messages represented by the running summary instead of being sent.</summary>
    public int Summarized { get; init; }

    /// <summary>History messages neither sent nor summarized.</summary>
    public int Dropped { get; init; }

    /// <summary>The running summary after this reduction (null: none).</summary>
    public RunningSummary? Summary { get; init; }

    /// <summary>The system message that carries the summary in <see cref="Messages"/>, if one was sent.</summary>
    public ChatMessage? SummaryMessage { get; init; }

    /// <summary>The summary calls made for this reduction (failed ones included).</summary>
    public IReadOnlyList<TurnOutcome> SummaryCalls { get; init; } = [];

    /// <summary>Things the user should know (a summary call that failed, a message that cannot fit).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>True when the prompt passed the summary threshold but summary calls were not allowed (a preview).</summary>
    public bool SummaryDue { get; init; }
}
