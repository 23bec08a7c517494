using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>How a <see cref="ChatSession"/> behaves. Null properties mean "the provider's default".</summary>
public sealed class ChatSessionOptions
{
    /// <summary>The model id to request.</summary>
    public string? Model { get; set; }

    /// <summary>The system message that starts every conversation (kept by <see cref="ChatSession.ResetAsync"/>).</summary>
    public string? SystemPrompt { get; set; }

    /// <summary>
    /// True (default): each turn sends the conversation so far (the tutorial's <c>chat_with_memory</c>).
    /// False: each turn sends only the system message, the initial messages and the new question.
    /// </summary>
    public bool Memory { get; set; } = true;

    /// <summary>Messages that start the conversation after the system message (few-shot examples, an imported history).</summary>
    public IList<ChatMessage> InitialMessages { get; set; } = [];

    /// <summary>Request settings (temperature, max tokens, stop sequences, …). Cloned for every request.</summary>
    public ChatOptions? ChatOptions { get; set; }

    /// <summary>
    /// Chooses which part of the history is sent. Null (the default): <see cref="ContextPolicy.TokenBudget"/>, as in the
    /// CLI — the system message and as many of the newest messages as fit the model's window minus the reserve, so a long
    /// conversation never overflows it; while the model's window is unknown (not in <see cref="Catalog"/>, nothing
    /// learned) the whole history is sent. <see cref="ContextPolicy.KeepAll"/> always sends everything (a turn that
    /// cannot fit is then refused with <see cref="ContextWindowExceededException"/>). A <see cref="ContextPolicy"/> is
    /// given the model's window, the reserve and the running summary every turn; any other <see cref="IChatReducer"/>
    /// gets the messages only. The policy a session uses is <see cref="ChatSession.Context"/>.
    /// </summary>
    public IChatReducer? Context { get; set; }

    /// <summary>Model facts: context windows and prices (null: <see cref="ModelCatalog.BuiltIn"/>).</summary>
    public ModelCatalog? Catalog { get; set; }

    /// <summary>Counts prompt tokens for the preflight (null: a counter of the session's own).</summary>
    public TokenCounter? TokenCounter { get; set; }

    /// <summary>Tokens kept free for the answer when checking the window (null: <c>--max-tokens</c>, else <see cref="PromptPreflight.DefaultReserve"/>).</summary>
    public int? ReserveOutputTokens { get; set; }

    /// <summary>
    /// The most this conversation may cost, in US dollars (null: no limit). Before each request, its prompt at the input
    /// price plus its maximum output (<see cref="ChatOptions"/>' MaxOutputTokens, else the model's) at the output price
    /// must fit in what is left after the conversation's cost so far; otherwise, or when the price is unknown,
    /// <see cref="CostBudgetExceededException"/> is thrown and nothing is sent. See <see cref="CostBudget"/>.
    /// </summary>
    public decimal? MaxCostUsd { get; set; }

    /// <summary>
    /// Reads a context limit learned earlier from a server (null: none), given the server's base URL — the client's
    /// <see cref="ChatClientMetadata.ProviderUri"/> — and the model's catalog id. A limit is never shared between
    /// endpoints: the same model name on another server has its own. <see cref="ILearnedModelFacts.GetContextLimit"/> fits.
    /// A learned limit trims the history but never stops a request on its own (only the catalog's window does); one
    /// far below the catalog's window (under a quarter of it) is reported as suspect through <see cref="OnWarning"/>.
    /// </summary>
    public Func<Uri, string, int?>? LearnedContextLimit { get; set; }

    /// <summary>
    /// Called with the server's base URL, the model's catalog id and the limit a server named in a context-length
    /// error, when it is smaller than the window Parley used (the turn is then sent again within it). The CLI saves it
    /// with <see cref="ILearnedModelFacts.SetContextLimit"/>; <see cref="LearnedContextLimit"/> reads it back. Not called
    /// when the client does not name its endpoint (the limit is then kept for this session only).
    /// </summary>
    public Action<Uri, string, int>? OnContextLimitLearned { get; set; }

    /// <summary>Called with a warning the user should see (a failed summary call, a context limit learned from the server).</summary>
    public Action<string>? OnWarning { get; set; }

    /// <summary>Where turns are saved (null: memory only).</summary>
    public IConversationLog? Store { get; set; }

    /// <summary>The saved conversation to continue (<see cref="ChatSession.ResumeAsync"/> sets it in its own copy); null starts a new one on the first turn.</summary>
    public string? ConversationId { get; set; }

    /// <summary>The provider's name, recorded with a saved conversation.</summary>
    public string? ProviderName { get; set; }

    /// <summary>The context policy's name, recorded with a saved conversation.</summary>
    public string? ContextPolicyName { get; set; }

    /// <summary>The clock used for latency and time to first token.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// A copy of these options: a new <see cref="InitialMessages"/> list and a clone of <see cref="ChatOptions"/>; the
    /// other objects (policy, catalog, counter, store, callbacks) are shared. A <see cref="ChatSession"/> reads its
    /// options through such a copy, so one options object can start any number of sessions and is never changed.
    /// </summary>
    /// <returns>The copy.</returns>
    public ChatSessionOptions Clone() => new()
    {
        Model = Model,
        SystemPrompt = SystemPrompt,
        Memory = Memory,
        InitialMessages = [.. InitialMessages],
        ChatOptions = ChatOptions?.Clone(),
        Context = Context,
        Catalog = Catalog,
        TokenCounter = TokenCounter,
        ReserveOutputTokens = ReserveOutputTokens,
        MaxCostUsd = MaxCostUsd,
        LearnedContextLimit = LearnedContextLimit,
        OnContextLimitLearned = OnContextLimitLearned,
        OnWarning = OnWarning,
        Store = Store,
        ConversationId = ConversationId,
        ProviderName = ProviderName,
        ContextPolicyName = ContextPolicyName,
        TimeProvider = TimeProvider,
    };
}
