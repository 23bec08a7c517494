using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

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
    /// <see cref="CostBudgetExceededException"/> is thrown and nothing is sent. See <see cref="ModelInfo.WorstCaseCostOf"/>.
    /// </summary>
    public decimal? MaxCostUsd { get; set; }

    /// <summary>
    /// Where context limits learned from servers are kept (null: for this session only). A limit is learned from a
    /// server's context-length error naming a limit smaller than the window Parley used (the turn is then sent again
    /// within it), and kept per endpoint — the client's <see cref="ChatClientMetadata.ProviderUri"/> — and model: the
    /// same model name on another server has its own. A learned limit trims the history but never stops a request on its
    /// own (only the catalog's window does); one far below the catalog's window (under a quarter of it) is logged as
    /// suspect (<see cref="ParleyTelemetry.SuspectContextLimit"/>). Parley.Hosting's <c>LearnedModelFacts</c> keeps them in a file.
    /// </summary>
    public ILearnedModelFacts? LearnedFacts { get; set; }

    /// <summary>
    /// Where the session logs what the user should know (a context limit learned from the server, a failed summary call,
    /// a turn saved to a recovery file: see <see cref="ParleyTelemetry"/>) and what its context policy did (Debug). Null:
    /// nothing is logged. Message content is never logged above Trace.
    /// </summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Where turns are saved (null: memory only).</summary>
    public IConversationLog? Store { get; set; }

    /// <summary>The saved conversation to continue (<see cref="ChatSession.ResumeAsync"/> sets it in its own copy); null starts a new one on the first turn.</summary>
    public string? ConversationId { get; set; }

    /// <summary>The provider's name, recorded with a saved conversation.</summary>
    public string? ProviderName { get; set; }

    /// <summary>The context policy's name, recorded with a saved conversation.</summary>
    public string? ContextPolicyName { get; set; }

    /// <summary>
    /// The most rounds of tool calls in one turn (at least 1; default 5). When <see cref="ChatOptions"/> offers
    /// <see cref="AIFunction"/>s, each turn runs Microsoft.Extensions.AI's <see cref="FunctionInvokingChatClient"/>: the
    /// model's calls are invoked and their results sent back, every round through the context policy, the window
    /// preflight and <see cref="MaxCostUsd"/>. After this many rounds the model is asked once more without tools;
    /// calls it still makes are not run (<see cref="ChatTurn.UnansweredToolCalls"/>). Wrap a function in a
    /// <see cref="DelegatingAIFunction"/> to ask before it runs.
    /// </summary>
    public int MaxToolRounds
    {
        get => _maxToolRounds;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _maxToolRounds = value;
        }
    }

    private int _maxToolRounds = 5;

    /// <summary>The clock used for latency and time to first token.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// A copy of these options: a new <see cref="InitialMessages"/> list and a clone of <see cref="ChatOptions"/>; the
    /// other objects (policy, catalog, counter, store, limits, logger factory) are shared. A <see cref="ChatSession"/> reads its
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
        LearnedFacts = LearnedFacts,
        LoggerFactory = LoggerFactory,
        Store = Store,
        ConversationId = ConversationId,
        ProviderName = ProviderName,
        ContextPolicyName = ContextPolicyName,
        TimeProvider = TimeProvider,
        MaxToolRounds = MaxToolRounds,
    };
}
