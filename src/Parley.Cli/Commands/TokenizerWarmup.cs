using Microsoft.Extensions.AI;

namespace Parley.Cli;

/// <summary>
/// Starts loading a model's tokenizer vocabulary (a few hundred milliseconds) in the background as soon as the CLI
/// knows that a request will be counted, so the load overlaps the rest of start-up (opening the database, building the
/// client) or the user's typing instead of following them. A request is counted only when its byte bound
/// (the preflight's upper bound) is over what the context policy and the
/// preflight accept without counting, or when <c>--max-cost</c> must price it: any other request never loads a
/// vocabulary, and neither does this class for it.
/// </summary>
internal sealed class TokenizerWarmup
{
    private readonly Func<string?, Task> _preload;

    /// <param name="preload">Starts the load of an encoding's vocabulary (default: <see cref="TokenCounter.Preload"/>).</param>
    public TokenizerWarmup(Func<string?, Task>? preload = null) => _preload = preload ?? TokenCounter.Preload;

    /// <summary>The load started last, if any (it completes when the vocabulary is ready).</summary>
    public Task? Started { get; private set; }

    /// <summary>
    /// Before a session is built: starts the load when its first request will be counted. <paramref name="messages"/>
    /// is that request before the policy: the system prompt, the saved or loaded history, and the question when it is
    /// known.
    /// </summary>
    /// <param name="catalog">The catalog the session will use.</param>
    /// <param name="counter">The session's token counter.</param>
    /// <param name="modelId">The model requested.</param>
    /// <param name="learnedLimit">Context limits learned from the session's server, by model id.</param>
    /// <param name="messages">The request before the policy.</param>
    /// <param name="policy">The session's context policy: it tells whether it will count (<see cref="ContextPolicy.NeedsTokenCount"/>).</param>
    /// <param name="reserveOutput"><c>--reserve-output</c>, when given.</param>
    /// <param name="generation">The request options (output limit, tools).</param>
    /// <param name="maxCostUsd"><c>--max-cost</c>, when given.</param>
    /// <returns>True when the load was started.</returns>
    public bool StartForFirstRequest(
        ModelCatalog catalog, TokenCounter counter, string modelId, Func<string, int?> learnedLimit, IReadOnlyList<ChatMessage> messages,
        ContextPolicy policy, int? reserveOutput, ChatOptions? generation, decimal? maxCostUsd)
    {
        if (ContextBudget.ResolveModel(catalog, modelId, learnedLimit) is not { } model)
        {
            return false;
        }

        var needed = maxCostUsd is not null && model.WorstCaseCostOf(0, generation?.MaxOutputTokens) is not null;
        if (!needed)
        {
            var budget = ContextBudget.Resolve(catalog, counter, modelId, generation, reserveOutput, learnedLimit);
            needed = budget is not null && policy.NeedsTokenCount(messages, budget);
        }

        return needed && Start(model.Encoding);
    }

    /// <summary>
    /// In a chat, while waiting for the next question: starts the load when the conversation has passed half of what
    /// its policy sends without counting (the next questions will probably cross the line; the idle time is free),
    /// or when every turn is counted for <c>--max-cost</c>.
    /// </summary>
    /// <param name="session">The chat's session.</param>
    /// <returns>True when the load was started.</returns>
    public bool StartWhileIdle(ChatSession session)
    {
        if (session.ModelInfo is not { } model)
        {
            return false;
        }

        var needed = (session.MaxCostUsd is not null && model is { InputPerMillion: not null, OutputPerMillion: not null })
            || (session.ContextBudget is { } budget && session.Context is ContextPolicy policy && policy.NeedsTokenCount(session.History, budget, share: 0.5));
        return needed && Start(model.Encoding);
    }

    private bool Start(string? encoding)
    {
        Started = _preload(encoding);
        return true;
    }
}
