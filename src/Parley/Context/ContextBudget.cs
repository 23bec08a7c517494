using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>
/// What a context policy must fit: a model's window, the tokens kept free for the answer, and the counter that
/// measures messages the way the model's tokenizer does. <see cref="ChatSession"/> builds one for every turn (a limit
/// learned from the server can make the window smaller than the catalog's); standalone users build one with
/// <see cref="For"/>.
/// </summary>
public sealed record ContextBudget
{
    /// <summary>The model the prompt is for (its tokenizer and framing are used to count).</summary>
    public required ModelInfo Model { get; init; }

    /// <summary>The window to respect, in tokens (prompt plus answer).</summary>
    public required int ContextWindow { get; init; }

    /// <summary>Tokens kept free for the answer.</summary>
    public required int ReservedOutput { get; init; }

    /// <summary>Counts messages (cached per message, so a turn costs the new message).</summary>
    public required TokenCounter Counter { get; init; }

    /// <summary>The tools offered with the request, if any (their definitions take room too, as does a JSON schema response format).</summary>
    public IReadOnlyList<AITool>? Tools { get; init; }

    /// <summary>True when <see cref="ContextWindow"/> is a limit learned from a server's context-length error, not the catalog's.</summary>
    public bool IsLearnedWindow { get; init; }

    /// <summary>The most tokens the prompt may take: the window minus the reserve.</summary>
    public int PromptBudget => Math.Max(ContextWindow - ReservedOutput, 0);

    /// <summary>
    /// The budget for <paramref name="model"/>, or null when its window is unknown. The reserve defaults to
    /// <see cref="PromptPreflight.DefaultReserve"/> and never exceeds the window minus one token.
    /// </summary>
    /// <param name="model">The model's catalog entry.</param>
    /// <param name="counter">The token counter.</param>
    /// <param name="reservedOutput">Tokens kept free for the answer (null: the default reserve).</param>
    /// <param name="contextWindow">The window (null: the model's); a learned limit may be smaller than the catalog's.</param>
    /// <returns>The budget, or null when no window is known.</returns>
    public static ContextBudget? For(ModelInfo model, TokenCounter counter, int? reservedOutput = null, int? contextWindow = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(counter);
        if ((contextWindow ?? model.ContextWindow) is not { } window || window <= 0)
        {
            return null;
        }

        var reserve = reservedOutput ?? PromptPreflight.DefaultReserve(model, window);
        return new ContextBudget
        {
            Model = model,
            ContextWindow = window,
            ReservedOutput = Math.Clamp(reserve, 0, window - 1),
            Counter = counter,
            IsLearnedWindow = contextWindow is not null && contextWindow != model.ContextWindow,
        };
    }

    /// <summary>
    /// The model a request for <paramref name="modelId"/> is fitted to: its catalog entry or, for a model the catalog
    /// does not know, a placeholder once a limit has been learned for it (null otherwise, or without a model id).
    /// </summary>
    /// <param name="catalog">The model catalog.</param>
    /// <param name="modelId">The requested model (null: none).</param>
    /// <param name="learnedLimit">Context limits learned from the server, by catalog model id (null: none).</param>
    /// <returns>The model, or null.</returns>
    public static ModelInfo? ResolveModel(ModelCatalog catalog, string? modelId, Func<string, int?>? learnedLimit = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        if (modelId is null)
        {
            return null;
        }

        if (catalog.Find(modelId) is { } known)
        {
            return known;
        }

        var placeholder = catalog.Resolve(modelId);
        return Learned(learnedLimit, placeholder.Id) is null ? null : placeholder;
    }

    /// <summary>
    /// The budget of a request for <paramref name="modelId"/> — the one rule used by <see cref="ChatSession"/>,
    /// <see cref="ContextPolicyChatClient"/> and the command line: the model from <see cref="ResolveModel"/>; the window
    /// is the catalog's, or a learned limit when that is smaller (<see cref="IsLearnedWindow"/>); the reserve is
    /// <paramref name="reservedOutput"/>, else the request's <see cref="ChatOptions.MaxOutputTokens"/>, else the default;
    /// the request's tools take room. Null when no window is known.
    /// </summary>
    /// <param name="catalog">The model catalog.</param>
    /// <param name="counter">The token counter.</param>
    /// <param name="modelId">The requested model (null: none, so no budget).</param>
    /// <param name="request">The request's options (output limit, tools); null: none.</param>
    /// <param name="reservedOutput">Tokens kept free for the answer (null: the request's output limit, else the default).</param>
    /// <param name="learnedLimit">Context limits learned from the server, by catalog model id (null: none).</param>
    /// <returns>The budget, or null.</returns>
    public static ContextBudget? Resolve(
        ModelCatalog catalog, TokenCounter counter, string? modelId, ChatOptions? request = null, int? reservedOutput = null, Func<string, int?>? learnedLimit = null)
    {
        ArgumentNullException.ThrowIfNull(counter);
        if (ResolveModel(catalog, modelId, learnedLimit) is not { } model)
        {
            return null;
        }

        var learned = Learned(learnedLimit, model.Id);
        var window = learned is { } limit && (model.ContextWindow is null || limit < model.ContextWindow) ? limit : model.ContextWindow;
        if (window is null)
        {
            return null;
        }

        var budget = For(model, counter, reservedOutput ?? request?.MaxOutputTokens, window);
        return budget is null ? null : budget.WithRequest(request) with { IsLearnedWindow = window != model.ContextWindow };
    }

    /// <summary>
    /// This budget for a request sent with <paramref name="request"/>: its tools and its JSON schema response format
    /// take room in the prompt (<see cref="Tools"/>); null options take none.
    /// </summary>
    /// <param name="request">The request's options.</param>
    /// <returns>The budget with <see cref="Tools"/> set.</returns>
    public ContextBudget WithRequest(ChatOptions? request) => this with { Tools = ResponseFormatTool.Of(request) };

    /// <summary>The tokens one message adds to a prompt.</summary>
    internal int Count(ChatMessage message) => Counter.CountMessage(message, Model).Value;

    /// <summary>
    /// True when a prompt's count is exactly <see cref="Overhead"/> plus each message's <see cref="Count(ChatMessage)"/>:
    /// an exact tokenizer (an estimate rounds each message up) and no tools (they pad the system message).
    /// </summary>
    internal bool SumsExactly => Model.HasExactTokenizer && Tools is not { Count: > 0 };

    /// <summary>What a prompt costs before any message: the reply priming and the tool definitions.</summary>
    internal int Overhead() => Counter.CountPrompt([], Model, Tools).Value;

    /// <summary>The whole prompt, counted the way the preflight counts it.</summary>
    internal int CountPrompt(IEnumerable<ChatMessage> messages) => Counter.CountPrompt(messages, Model, Tools).Value;

    /// <summary>
    /// True when the prompt certainly fits <paramref name="limit"/> by its size alone (see
    /// <see cref="PromptPreflight.UpperBound(IEnumerable{ChatMessage})"/>), so no tokenizer is needed to know it.
    /// Tool definitions have no such bound: with tools the prompt is always counted.
    /// </summary>
    internal bool FitsByBound(IReadOnlyList<ChatMessage> messages, long limit) =>
        Tools is not { Count: > 0 } && Counter.UpperBound(messages, Model) <= limit;

    private static int? Learned(Func<string, int?>? learnedLimit, string modelId) =>
        learnedLimit?.Invoke(modelId) is { } limit && limit > 0 ? limit : null;

    /// <summary>Whether the prompt is over <paramref name="limit"/> tokens: settled by its size when it can be, counted otherwise.</summary>
    internal bool Exceeds(IReadOnlyList<ChatMessage> messages, long limit) =>
        !FitsByBound(messages, limit) && CountPrompt(messages) > limit;
}
