using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>
/// Chooses which part of a conversation is sent: an <see cref="IChatReducer"/> that knows about tokens. Policies keep
/// the system message, never split a tool call from its result, never start the kept history with an answer to a
/// dropped question, and always keep the newest question (a prompt that cannot fit is then refused by the preflight,
/// not silently cut).
/// </summary>
/// <remarks>
/// <see cref="ChatSession"/> calls <see cref="ApplyAsync"/> with the model's window for every turn. Used as a plain
/// <see cref="IChatReducer"/> (for example with Microsoft.Extensions.AI's <c>UseChatReducer</c>), a policy fits
/// <see cref="Budget"/>; <see cref="ContextPolicyChatClient"/> finds the budget from each request's model instead.
/// </remarks>
public abstract class ContextPolicy : IChatReducer
{
    /// <summary>Creates a policy.</summary>
    protected ContextPolicy()
    {
    }

    /// <summary>The policy as the command line names it: <c>keep-all</c>, <c>last:N</c>, <c>budget</c>, <c>summarize</c>.</summary>
    public abstract string Name { get; }

    /// <summary>The window <see cref="ReduceAsync"/> fits (null: unknown, so token-aware policies keep everything).</summary>
    public ContextBudget? Budget { get; set; }

    /// <summary>Sends everything (the tutorial's unbounded memory; the preflight refuses a prompt that cannot fit).</summary>
    /// <returns>The policy.</returns>
    public static ContextPolicy KeepAll() => new KeepAllPolicy();

    /// <summary>Sends the system message and the last <paramref name="count"/> messages (the tutorial's section 11).</summary>
    /// <param name="count">How many messages after the system message to keep; positive.</param>
    /// <returns>The policy.</returns>
    public static ContextPolicy LastMessages(int count) => new LastMessagesPolicy(count);

    /// <summary>Sends the system message and as many of the newest messages as fit the window minus the reserve.</summary>
    /// <returns>The policy.</returns>
    public static ContextPolicy TokenBudget() => new TokenBudgetPolicy();

    /// <summary>
    /// Folds the oldest turns into a running summary written by <paramref name="summarizer"/> once the prompt passes a
    /// threshold (75% of the window by default).
    /// </summary>
    /// <param name="summarizer">The client that writes summaries (usually a cheaper model).</param>
    /// <param name="options">Threshold, turns kept verbatim, summary model and size (null: the defaults).</param>
    /// <returns>The policy.</returns>
    public static ContextPolicy Summarize(IChatClient summarizer, SummarizingPolicyOptions? options = null) => new SummarizingPolicy(summarizer, options);

    /// <summary>Decides what to send for <paramref name="request"/>.</summary>
    /// <param name="request">The conversation, the budget and the running summary.</param>
    /// <param name="cancellationToken">Cancels a summary call.</param>
    /// <returns>The messages to send and what was left out.</returns>
    public abstract Task<ContextResult> ApplyAsync(ContextRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Whether applying this policy to <paramref name="messages"/> within <paramref name="budget"/> — and checking what
    /// it sends — will count tokens, so the model's tokenizer must be loaded; false when the messages' size settles it
    /// (see <see cref="PromptPreflight.UpperBound(IEnumerable{ChatMessage})"/>). Callers use it to load a tokenizer in
    /// the background before it is needed. The default: the prompt is counted when its size may be over the window
    /// minus the reserve (<see cref="ContextBudget.PromptBudget"/>), the limit the preflight checks.
    /// </summary>
    /// <param name="messages">The request before the policy.</param>
    /// <param name="budget">The window it must fit.</param>
    /// <param name="share">The share of the policy's counting limit to test against (1: this request; less: "getting
    /// close", to start loading early).</param>
    /// <returns>True when the tokenizer will (or, with a share under 1, may soon) be needed.</returns>
    public virtual bool NeedsTokenCount(IReadOnlyList<ChatMessage> messages, ContextBudget budget, double share = 1.0)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(budget);
        return !budget.FitsByBound(messages, (long)(budget.PromptBudget * share));
    }

    /// <inheritdoc/>
    public virtual async Task<IEnumerable<ChatMessage>> ReduceAsync(IEnumerable<ChatMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var result = await ApplyAsync(new ContextRequest { Messages = [.. messages], Budget = Budget }, cancellationToken).ConfigureAwait(false);
        return result.Messages;
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
