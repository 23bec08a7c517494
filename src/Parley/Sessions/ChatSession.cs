using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Parley;

/// <summary>
/// One conversation with a model: send or stream a turn, remember it, show it, reset it. Each turn appends the user
/// message, asks the context policy what to send, checks that the prompt fits the model's window, calls the client,
/// and records the answer with its usage, cost, latency and time to first token. With a store, the question is saved
/// before any network call — a summary call of the context policy included — so a crash never loses it, and the
/// answer after the request.
/// </summary>
/// <remarks>A session is not thread-safe: one turn at a time.</remarks>
public sealed class ChatSession
{
    // The session's own copy of the options it was given (never the caller's object: it may start other sessions).
    private readonly ChatSessionOptions _options;
    private readonly List<ChatMessage> _history = [];
    private readonly List<ChatTurn> _turns = [];
    private readonly ModelCatalog _catalog;
    private readonly TokenCounter _counter;
    private readonly SessionContext _context;
    private readonly PromptPreflight _preflight;
    private readonly ILogger _logger;
    private IChatClient _client;

    /// <summary>Creates a session over <paramref name="client"/>.</summary>
    public ChatSession(IChatClient client, ChatSessionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _options = options?.Clone() ?? new ChatSessionOptions();

        // The default policy, as in the CLI: fit the model's window (the whole history while the window is unknown).
        _options.Context ??= ContextPolicy.TokenBudget();
        _catalog = _options.Catalog ?? ModelCatalog.BuiltIn;
        _counter = _options.TokenCounter ?? new TokenCounter();
        _logger = ParleyLog.For<ChatSession>(_options.LoggerFactory, null);
        _context = new SessionContext(_options, _catalog, _counter, PriceOf, call => RecordSideCall(call.Usage, call.CostUsd), () => Endpoint, _logger);
        _preflight = new PromptPreflight(_counter);
        ConversationId = _options.ConversationId;
        StartHistory();
    }

    /// <summary>The conversation so far: the system message (if any), initial messages, then every turn.</summary>
    public IReadOnlyList<ChatMessage> History => _history;

    /// <summary>The turns of this session, in order.</summary>
    public IReadOnlyList<ChatTurn> Turns => _turns;

    /// <summary>The last turn (null before the first).</summary>
    public ChatTurn? LastTurn => _turns.Count == 0 ? null : _turns[^1];

    /// <summary>Running token and cost totals.</summary>
    public ConversationUsage Usage { get; } = new();

    /// <summary>The saved conversation's id (null until the first turn is saved, or without a store).</summary>
    public string? ConversationId { get; private set; }

    /// <summary>The client turns are sent through (its middleware can be found with <c>GetService</c>).</summary>
    public IChatClient Client => _client;

    /// <summary>
    /// The server turns go to — the client's <see cref="ChatClientMetadata.ProviderUri"/> — or null when the client does
    /// not name one. Context limits learned from a server are kept per endpoint and model.
    /// </summary>
    public Uri? Endpoint => _client.GetService<ChatClientMetadata>()?.ProviderUri is { IsAbsoluteUri: true } uri ? uri : null;

    /// <summary>The model catalog used for windows and prices.</summary>
    public ModelCatalog Catalog => _catalog;

    /// <summary>The model requested for the next turn.</summary>
    public string? Model => _options.Model;

    /// <summary>The catalog entry of the current model (null when the catalog does not know it).</summary>
    public ModelInfo? ModelInfo => _options.Model is { } model ? _catalog.Find(model) : null;

    /// <summary>The most tool rounds in one turn (<see cref="ChatSessionOptions.MaxToolRounds"/>).</summary>
    public int MaxToolRounds => _options.MaxToolRounds;

    /// <summary>The system message.</summary>
    public string? SystemPrompt => _options.SystemPrompt;

    /// <summary>The conversation's dollar limit (<see cref="ChatSessionOptions.MaxCostUsd"/>), or null when there is none.</summary>
    public decimal? MaxCostUsd => _options.MaxCostUsd;

    /// <summary>
    /// The context policy: <see cref="ChatSessionOptions.Context"/>, or — when none was set — a
    /// <see cref="TokenBudgetPolicy"/> (<see cref="ContextPolicy.TokenBudget"/>), which sends the newest messages that fit
    /// the model's window and the whole history while the window is unknown. Never null.
    /// </summary>
    public IChatReducer Context => _options.Context!;

    /// <summary>The running summary of the older messages, made by a <see cref="SummarizingPolicy"/> (null: none).</summary>
    public RunningSummary? Summary => _context.Summary;

    /// <summary>The window the next turn must fit (catalog or learned limit, reserve), or null when the model's window is unknown.</summary>
    public ContextBudget? ContextBudget => _context.Budget();

    /// <summary>
    /// Continues a saved conversation: its messages become the history, and its system prompt and model are used
    /// unless <paramref name="options"/> sets them.
    /// </summary>
    public static async Task<ChatSession> ResumeAsync(
        IChatClient client, IConversationLog store, string conversationId, ChatSessionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(conversationId);
        var saved = await store.LoadAsync(conversationId, cancellationToken).ConfigureAwait(false);
        options = options?.Clone() ?? new ChatSessionOptions();
        options.Store = store;
        options.ConversationId = saved.Conversation.Id;
        options.SystemPrompt ??= saved.Conversation.SystemPrompt;
        options.Model ??= saved.Conversation.Model;
        options.ProviderName ??= saved.Conversation.Provider;
        options.InitialMessages = [.. saved.Messages.Where(m => m.Message.Role != ChatRole.System).Select(m => m.Message)];
        var session = new ChatSession(client, options);
        session._context.Restore(saved);
        foreach (var turn in saved.Turns)
        {
            session.Usage.Add(turn.Usage, turn.CostUsd);
        }

        return session;
    }

    /// <summary>
    /// Sends <paramref name="userText"/> and waits for the whole answer. When the model refuses, the turn's
    /// <see cref="ChatTurn.Refusal"/> holds its words and the answer kept in the conversation is that text.
    /// </summary>
    /// <exception cref="ParleyApiException">The provider call failed; the question is not kept in memory (but stays saved as a failed turn).</exception>
    /// <exception cref="ContextWindowExceededException">The prompt cannot fit the model's window; nothing was sent.</exception>
    /// <exception cref="CostBudgetExceededException">The turn could cost more than is left of <see cref="ChatSessionOptions.MaxCostUsd"/>, or its price is unknown; nothing was sent.</exception>
    public Task<ChatTurn> SendAsync(string userText, CancellationToken cancellationToken = default) => SendAsync(CreateUserMessage(userText), cancellationToken);

    /// <summary>
    /// Sends a user message with contents — text, images (<see cref="DataContent"/> or <see cref="UriContent"/>),
    /// files — and waits for the whole answer, as <see cref="SendAsync(string, CancellationToken)"/> does. Images are
    /// counted before sending by the model's image rule (a <see cref="UriContent"/>, whose size is unknown, is counted
    /// as 1024×1024 and the count marked as an estimate), within the window and the cost limit.
    /// </summary>
    /// <param name="message">The question: a <see cref="ChatRole.User"/> message. The session keeps its own copy.</param>
    /// <param name="cancellationToken">Cancels the turn.</param>
    /// <returns>The recorded turn.</returns>
    /// <exception cref="NotSupportedException">The request carries an image and the catalog says the model does not read images (<see cref="ModelInfo.SupportsImageInput"/>); nothing was sent.</exception>
    /// <exception cref="ParleyApiException">The provider call failed; the question is not kept in memory (but stays saved as a failed turn).</exception>
    /// <exception cref="ContextWindowExceededException">The prompt cannot fit the model's window; nothing was sent.</exception>
    /// <exception cref="CostBudgetExceededException">The turn could cost more than is left of <see cref="ChatSessionOptions.MaxCostUsd"/>, or its price is unknown; nothing was sent.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their first parameter (text or a message), as IChatClient's do.")]
    public async Task<ChatTurn> SendAsync(ChatMessage message, CancellationToken cancellationToken = default)
    {
        var user = CopyUserMessage(message);
        var (request, pending) = await PrepareAndSaveAsync(user, cancellationToken).ConfigureAwait(false);
        var started = _options.TimeProvider.GetTimestamp();
        ChatResponse response;
        var recovered = false;
        while (true)
        {
            try
            {
                response = await TurnClient().GetResponseAsync(request, CreateChatOptions(), cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (Exception e)
            {
                if (!recovered && _context.TryLearnLimit(e, request))
                {
                    recovered = true;
                    request = await RecoverAsync(user, pending, started, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                await RecordFailureAsync(user, pending, request.Count, e, started, partial: string.Empty, timeToFirstToken: null).ConfigureAwait(false);
                throw;
            }
        }

        return await RecordAsync(user, pending, request.Count, response, started, null, TurnStatus.Complete, null).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends <paramref name="userText"/> and yields the answer as it is generated. When the stream ends the turn is
    /// recorded: <c>await stream.Turn</c> (<see cref="ChatTurnStream.Turn"/>) returns it, as does <see cref="LastTurn"/>.
    /// Cancelling keeps the partial answer in the conversation, marked interrupted.
    /// </summary>
    /// <remarks>
    /// A refusal arrives as it is generated too, but not as text: <see cref="ChatResponseUpdate.Text"/> stays empty for
    /// it (it is not the answer's content), and <see cref="ChatTurn.RefusalIn"/> returns each piece
    /// (Microsoft.Extensions.AI.OpenAI drops streamed refusals; Parley reads them from the OpenAI SDK's update). Callers
    /// that show the answer live should show those pieces as well; at the end the turn's <see cref="ChatTurn.Refusal"/>
    /// holds the whole refusal, exactly as for <see cref="SendAsync(string, CancellationToken)"/>.
    /// </remarks>
    /// <param name="userText">The question.</param>
    /// <param name="cancellationToken">Cancels the turn (as does the token given to the enumeration).</param>
    /// <returns>The answer's updates, and the recorded turn once they end.</returns>
    public ChatTurnStream StreamAsync(string userText, CancellationToken cancellationToken = default) =>
        StreamTurn(() => CreateUserMessage(userText), cancellationToken);

    /// <summary>
    /// Sends a user message with contents (text, images, files) and yields the answer as it is generated, as
    /// <see cref="StreamAsync(string, CancellationToken)"/> does; images are counted and checked as in
    /// <see cref="SendAsync(ChatMessage, CancellationToken)"/> (a refused image throws <see cref="NotSupportedException"/>
    /// when the stream is read, before anything is sent).
    /// </summary>
    /// <param name="message">The question: a <see cref="ChatRole.User"/> message. The session keeps its own copy.</param>
    /// <param name="cancellationToken">Cancels the turn (as does the token given to the enumeration).</param>
    /// <returns>The answer's updates, and the recorded turn once they end.</returns>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their first parameter (text or a message), as IChatClient's do.")]
    public ChatTurnStream StreamAsync(ChatMessage message, CancellationToken cancellationToken = default)
    {
        var user = CopyUserMessage(message);
        return StreamTurn(() => user, cancellationToken);
    }

    private ChatTurnStream StreamTurn(Func<ChatMessage> user, CancellationToken cancellationToken)
    {
        var before = 0;
        return new ChatTurnStream(
            token =>
            {
                before = _turns.Count;
                return StreamTurnAsync(user, cancellationToken).GetAsyncEnumerator(token);
            },
            () => _turns.Count > before ? _turns[^1] : null);
    }

    private async IAsyncEnumerable<ChatResponseUpdate> StreamTurnAsync(Func<ChatMessage> createUser, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var user = createUser();
        var (request, pending) = await PrepareAndSaveAsync(user, cancellationToken).ConfigureAwait(false);
        var started = _options.TimeProvider.GetTimestamp();
        TimeSpan? firstToken = null;
        var response = new StreamedResponseBuilder();
        var recovered = false;
        var client = TurnClient();

        // A turn with tools keeps its updates: the calls and results of each round become messages of their own.
        List<ChatResponseUpdate>? updates = ReferenceEquals(client, _client) ? null : [];
        IAsyncEnumerator<ChatResponseUpdate>? enumerator = client.GetStreamingResponseAsync(request, CreateChatOptions(), cancellationToken)
            .GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                try
                {
                    if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                    {
                        break;
                    }
                }
                catch (Exception e)
                {
                    if (!recovered && response.Count == 0 && _context.TryLearnLimit(e, request))
                    {
                        // The server refused the prompt before answering: send it again within the limit it named.
                        recovered = true;
                        var refused = enumerator;
                        enumerator = null;
                        await refused.DisposeAsync().ConfigureAwait(false);
                        request = await RecoverAsync(user, pending, started, cancellationToken).ConfigureAwait(false);
                        client = TurnClient();
                        updates?.Clear();
                        enumerator = client.GetStreamingResponseAsync(request, CreateChatOptions(), cancellationToken).GetAsyncEnumerator(cancellationToken);
                        continue;
                    }

                    if (response.FinishReason is not null && e is ParleyApiException { Kind: ApiFailureKind.InvalidResponse })
                    {
                        // The answer is complete (its finish reason arrived); only what followed it — the usage report —
                        // could not be read. The answer is kept as complete, with its usage unknown.
                        ParleyLog.UsageUnreadable(_logger, e.Message);
                        break;
                    }

                    await RecordFailureAsync(user, pending, request.Count, e, started, response.Text, firstToken, response.Refusal, response.MessageCount > 1 ? response.Build() : null).ConfigureAwait(false);
                    throw;
                }

                var update = enumerator.Current;
                updates?.Add(update);
                if (response.Add(update).Length > 0)
                {
                    firstToken ??= _options.TimeProvider.GetElapsedTime(started);
                }

                yield return update;
            }
        }
        finally
        {
            if (enumerator is not null)
            {
                await enumerator.DisposeAsync().ConfigureAwait(false);
            }
        }

        var built = response.Build();
        if (updates is not null)
        {
            built.Messages = updates.ToChatResponse().Messages;
        }

        await RecordAsync(user, pending, request.Count, built, started, firstToken, TurnStatus.Complete, null).ConfigureAwait(false);
    }

    /// <summary>Starts a new conversation with the same system message and initial messages (a saved one stays saved).</summary>
    public Task ResetAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _turns.Clear();
        _context.Reset();
        Usage.Reset();
        ConversationId = null;
        StartHistory();
        return Task.CompletedTask;
    }

    /// <summary>Replaces the system message (the first message of the history) for the next turns.</summary>
    public async Task SetSystemPromptAsync(string? systemPrompt, CancellationToken cancellationToken = default)
    {
        _options.SystemPrompt = systemPrompt;
        if (_history.Count > 0 && _history[0].Role == ChatRole.System)
        {
            _history.RemoveAt(0);
        }

        if (!string.IsNullOrEmpty(systemPrompt))
        {
            _history.Insert(0, new ChatMessage(ChatRole.System, systemPrompt));
        }

        if (_options.Store is { } store && ConversationId is { } id)
        {
            await store.UpdateConversationAsync(id, new ConversationUpdate { SystemPrompt = systemPrompt ?? string.Empty }, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Switches the model (and, across providers, the client) for the next turns; the history is kept.</summary>
    public async Task ChangeModelAsync(string model, IChatClient? client = null, string? providerName = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        _options.Model = model;
        if (client is not null)
        {
            _client = client;
        }

        if (providerName is not null)
        {
            _options.ProviderName = providerName;
        }

        if (_options.Store is { } store && ConversationId is { } id)
        {
            await store.UpdateConversationAsync(id, new ConversationUpdate { Model = model, Provider = providerName }, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Takes the last turn back out of the conversation in memory (its cost stays counted: it was paid; a saved turn
    /// stays saved) and returns its question, so it can be asked again (<c>/retry</c>). Null when there is no turn.
    /// </summary>
    public string? UndoLastTurn()
    {
        if (_turns.Count == 0)
        {
            return null;
        }

        var turn = _turns[^1];
        _turns.RemoveAt(_turns.Count - 1);
        for (var i = turn.ResponseMessages.Count - 1; i >= 0 && _history.Count > 0 && ReferenceEquals(_history[^1], turn.ResponseMessages[i]); i--)
        {
            _history.RemoveAt(_history.Count - 1);
        }

        if (_history.Count > 0 && ReferenceEquals(_history[^1], turn.UserMessage))
        {
            _history.RemoveAt(_history.Count - 1);
        }

        return turn.UserMessage.Text;
    }

    /// <summary>
    /// Measures what the next request would carry before its question: the prompt's tokens against the window, the
    /// policy, and how many messages would be sent, summarized and dropped. Makes no call (a summary that is due is
    /// reported in <see cref="ContextReport.SummaryDue"/>, not written).
    /// </summary>
    public async Task<ContextReport> GetContextReportAsync(CancellationToken cancellationToken = default)
    {
        var candidates = _options.Memory ? [.. _history] : StatelessMessages();
        var (_, report) = await _context.ApplyAsync(candidates, preview: true, cancellationToken).ConfigureAwait(false);
        return report;
    }

    /// <summary>Adds a call made on the conversation's behalf (e.g. a summary) to the totals.</summary>
    public void RecordSideCall(UsageDetails? usage, decimal? costUsd) => Usage.Add(usage, costUsd);

    /// <summary>The price of a call, from the catalog; null when the model or its price is unknown.</summary>
    public decimal? PriceOf(string? modelId, UsageDetails? usage)
    {
        if (usage is null)
        {
            return null;
        }

        var model = (modelId is null ? null : _catalog.Find(modelId)) ?? ModelInfo;
        return CostCalculator.Compute(usage, model);
    }

    private void StartHistory()
    {
        _history.Clear();
        if (!string.IsNullOrEmpty(_options.SystemPrompt))
        {
            _history.Add(new ChatMessage(ChatRole.System, _options.SystemPrompt));
        }

        _history.AddRange(_options.InitialMessages);
    }

    private static ChatMessage CreateUserMessage(string userText)
    {
        ArgumentNullException.ThrowIfNull(userText);
        return new ChatMessage(ChatRole.User, userText);
    }

    // The session keeps its own message (a later change to the caller's does not rewrite the history).
    private static ChatMessage CopyUserMessage(ChatMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Role != ChatRole.User)
        {
            throw new ArgumentException($"a turn starts with a user message, not a {message.Role} message", nameof(message));
        }

        return new ChatMessage(ChatRole.User, [.. message.Contents])
        {
            AuthorName = message.AuthorName,
            MessageId = message.MessageId,
            CreatedAt = message.CreatedAt,
            AdditionalProperties = message.AdditionalProperties?.Clone(),
        };
    }

    private List<ChatMessage> StatelessMessages()
    {
        var stateless = new List<ChatMessage>();
        if (!string.IsNullOrEmpty(_options.SystemPrompt))
        {
            stateless.Add(new ChatMessage(ChatRole.System, _options.SystemPrompt));
        }

        stateless.AddRange(_options.InitialMessages);
        return stateless;
    }

    private async Task<List<ChatMessage>> PrepareRequestAsync(ChatMessage user, CancellationToken cancellationToken)
    {
        List<ChatMessage> candidates = _options.Memory ? [.. _history, user] : [.. StatelessMessages(), user];
        var (request, _) = await _context.ApplyAsync(candidates, preview: false, cancellationToken).ConfigureAwait(false);
        ImageInputCheck.Check(request, ModelInfo, _options.Model);
        Preflight(request);
        CheckCostBudget(request);
        if (_options.Memory)
        {
            _history.Add(user);
        }

        return request;
    }

    // The question is saved before any network call. The built-in policies other than summarize never call out: the
    // request is prepared first, so one refused before sending (window, budget) leaves nothing behind. Any other
    // policy — summarize, a custom reducer — may call a model: the question is saved first, so that call can never
    // lose it, and the call's record follows; a request then refused, or a failed summary, ends the saved turn as
    // failed (the conversation in memory stays as it was).
    private async Task<(List<ChatMessage> Request, TurnRecord? Pending)> PrepareAndSaveAsync(ChatMessage user, CancellationToken cancellationToken)
    {
        if (_options.Context is KeepAllPolicy or LastMessagesPolicy or TokenBudgetPolicy)
        {
            var prepared = await PrepareRequestAsync(user, cancellationToken).ConfigureAwait(false);
            return (prepared, await BeginSaveAsync(user, cancellationToken).ConfigureAwait(false));
        }

        var pending = await BeginSaveAsync(user, cancellationToken).ConfigureAwait(false);
        try
        {
            var request = await PrepareRequestAsync(user, cancellationToken).ConfigureAwait(false);
            await SaveContextAsync(cancellationToken).ConfigureAwait(false);
            return (request, pending);
        }
        catch (Exception e)
        {
            await AbandonSaveAsync(pending, e).ConfigureAwait(false);
            throw;
        }
    }

    private async Task AbandonSaveAsync(TurnRecord? pending, Exception error)
    {
        if (pending is null || _options.Store is not { } store)
        {
            return;
        }

        var cancelled = error is OperationCanceledException;
        await store.CompleteTurnAsync(pending, null, new TurnOutcome
        {
            Status = cancelled ? TurnStatus.Interrupted : TurnStatus.Failed,
            Model = _options.Model,
            Error = cancelled ? "interrupted" : error.Message,
        }, cancellationToken: CancellationToken.None).ConfigureAwait(false);
        await SaveContextAsync(CancellationToken.None).ConfigureAwait(false);
    }

    private void Preflight(IReadOnlyList<ChatMessage> request)
    {
        if (_context.Budget() is not { } budget)
        {
            return;
        }

        // A limit learned from a server trims the history but never refuses a request on its own word: only the
        // catalog's window does (a learned limit may be stale or wrong; the server's own error stays the authority).
        var tools = budget.Tools;
        if (budget.IsLearnedWindow)
        {
            if (ContextBudget.For(budget.Model, _counter, _options.ReserveOutputTokens ?? _options.ChatOptions?.MaxOutputTokens) is not { } catalog)
            {
                return;
            }

            budget = catalog;
        }

        _preflight.Check(request, budget.Model, budget.ContextWindow, budget.ReservedOutput, tools);
    }

    // After a context-length error: take the question back out, apply the policy within the learned limit, and save
    // any summary call that made; a prompt that still cannot fit ends the turn as failed.
    private async Task<List<ChatMessage>> RecoverAsync(ChatMessage user, TurnRecord? pending, long started, CancellationToken cancellationToken)
    {
        if (_options.Memory && _history.Count > 0 && ReferenceEquals(_history[^1], user))
        {
            _history.RemoveAt(_history.Count - 1);
        }

        try
        {
            var request = await PrepareRequestAsync(user, cancellationToken).ConfigureAwait(false);
            await SaveContextAsync(cancellationToken).ConfigureAwait(false);
            return request;
        }
        catch (Exception e)
        {
            await RecordFailureAsync(user, pending, 0, e, started, partial: string.Empty, timeToFirstToken: null).ConfigureAwait(false);
            throw;
        }
    }

    private async Task SaveContextAsync(CancellationToken cancellationToken)
    {
        if (_options.Store is { } store && ConversationId is { } id)
        {
            await _context.SaveAsync(store, id, cancellationToken).ConfigureAwait(false);
        }
    }

    private void CheckCostBudget(IReadOnlyList<ChatMessage> request, UsageDetails? spentThisTurn = null)
    {
        if (_options.MaxCostUsd is not { } limit)
        {
            return;
        }

        var model = ModelInfo;
        var maxOutput = _options.ChatOptions?.MaxOutputTokens;

        // An unknown price is refused without counting (counting may load a tokenizer).
        var prompt = CostBudget.WorstCase(model, 0, maxOutput) is null
            ? new TokenCount(0, IsEstimate: true)
            : _counter.CountRequest(request, model, _options.ChatOptions);
        var usage = Usage;
        if (spentThisTurn is not null)
        {
            // A later round of a tool loop: the rounds before it are spent too, though the turn is not recorded yet.
            usage = Usage.Snapshot();
            usage.Add(spentThisTurn, PriceOf(_options.Model, spentThisTurn));
        }

        new CostBudget(limit).Check(_options.Model ?? "the model", model, prompt, maxOutput, usage);
    }

    // The client of one turn: with invocable tools, Microsoft.Extensions.AI's tool loop over the session's client, each
    // round passing through the context policy, the window preflight and the cost budget (ToolRoundChatClient).
    private IChatClient TurnClient()
    {
        if (_options.ChatOptions?.Tools is not { Count: > 0 } tools || !tools.Any(t => t is AIFunction))
        {
            return _client;
        }

        var rounds = new ToolRounds(PrepareToolRoundAsync);
        return new FunctionInvokingChatClient(new ToolRoundChatClient(_client, rounds), _options.LoggerFactory)
        {
            MaximumIterationsPerRequest = _options.MaxToolRounds,
            IncludeDetailedErrors = true,
        };
    }

    private async Task<List<ChatMessage>> PrepareToolRoundAsync(List<ChatMessage> messages, UsageDetails? spent, CancellationToken cancellationToken)
    {
        var (request, _) = await _context.ApplyAsync(messages, preview: false, cancellationToken).ConfigureAwait(false);
        Preflight(request);
        CheckCostBudget(request, spent);
        return request;
    }

    private ChatOptions CreateChatOptions()
    {
        var options = _options.ChatOptions?.Clone() ?? new ChatOptions();
        if (_options.Model is not null)
        {
            options.ModelId = _options.Model;
        }

        return options;
    }

    private async Task<TurnRecord?> BeginSaveAsync(ChatMessage user, CancellationToken cancellationToken)
    {
        if (_options.Store is not { } store)
        {
            return null;
        }

        if (ConversationId is null)
        {
            var created = await store.CreateConversationAsync(new NewConversation
            {
                Provider = _options.ProviderName,
                Model = _options.Model,
                SystemPrompt = _options.SystemPrompt,
                ContextPolicy = _options.ContextPolicyName ?? (_options.Context as ContextPolicy)?.Name,
            }, cancellationToken).ConfigureAwait(false);
            ConversationId = created.Id;
            if (_options.InitialMessages.Count > 0)
            {
                var stored = await store.AppendMessagesAsync(created.Id, _options.InitialMessages, cancellationToken).ConfigureAwait(false);
                for (var i = 0; i < stored.Count && i < _options.InitialMessages.Count; i++)
                {
                    _context.Remember(_options.InitialMessages[i], stored[i].Sequence);
                }
            }
        }

        var pending = await store.BeginTurnAsync(ConversationId, user, cancellationToken: cancellationToken).ConfigureAwait(false);
        _context.Remember(user, pending.UserSequence ?? 0);
        await _context.SaveAsync(store, ConversationId, cancellationToken).ConfigureAwait(false);
        return pending;
    }

    private static string? ReasoningOf(ChatResponse response)
    {
        string? reasoning = null;
        foreach (var message in response.Messages)
        {
            foreach (var content in message.Contents)
            {
                if (content is TextReasoningContent { Text: { Length: > 0 } piece })
                {
                    reasoning += piece;
                }
            }
        }

        return reasoning;
    }

    private async Task<ChatTurn> RecordAsync(
        ChatMessage user, TurnRecord? pending, int sent, ChatResponse response, long started, TimeSpan? timeToFirstToken, TurnStatus status, string? error)
    {
        var latency = _options.TimeProvider.GetElapsedTime(started);

        // A refusal comes instead of content: then it is what the model said, so the conversation keeps it as the answer
        // (shown by the history, saved, and sent with the next request).
        var refusal = ModelRefusal.Read(response);
        var trace = ToolTrace.Of(response.Messages);
        var messages = trace.IsEmpty ? ResponseMessagesOf(response, refusal) : ToolTurnMessagesOf(trace, response, refusal);
        var assistant = messages[^1];
        var modelId = response.ModelId ?? _options.Model;
        var cost = PriceOf(modelId, response.Usage);
        var turn = new ChatTurn
        {
            UserMessage = user,
            AssistantMessage = assistant,
            ResponseMessages = messages,
            Refusal = refusal,
            Reasoning = ReasoningOf(response),
            ModelId = modelId,
            ResponseId = response.ResponseId,
            FinishReason = response.FinishReason,
            Usage = response.Usage,
            CostUsd = cost,
            Latency = latency,
            TimeToFirstToken = timeToFirstToken,
            Status = status,
            Error = error,
            MessagesSent = sent,
            Context = _context.LastReport,
            UnansweredToolCalls = trace.Unanswered,
        };
        if (_options.Memory && !_history.Contains(user))
        {
            _history.Add(user);
        }

        if (_options.Memory)
        {
            _history.AddRange(messages);
        }

        _turns.Add(turn);
        Usage.Add(response.Usage, cost);
        await CompleteSaveAsync(pending, turn).ConfigureAwait(false);
        return turn;
    }

    private async Task RecordFailureAsync(
        ChatMessage user, TurnRecord? pending, int sent, Exception error, long started, string partial, TimeSpan? timeToFirstToken, string? partialRefusal = null,
        ChatResponse? partialRound = null)
    {
        var cancelled = error is OperationCanceledException;
        var message = cancelled ? "interrupted" : error.Message;
        if (partialRound is not null)
        {
            // A stream cut after a tool round: the calls and results that arrived stay with the partial answer.
            partialRound.ModelId ??= _options.Model;
            await RecordAsync(user, pending, sent, partialRound, started, timeToFirstToken, TurnStatus.Interrupted, message).ConfigureAwait(false);
            return;
        }

        var partialText = partial.Length > 0 ? partial : (error as ParleyApiException)?.PartialText ?? string.Empty;
        if (partialText.Length > 0 || partialRefusal is { Length: > 0 })
        {
            List<AIContent> contents = [];
            if (partialText.Length > 0)
            {
                contents.Add(new TextContent(partialText));
            }

            if (partialRefusal is { Length: > 0 })
            {
                contents.Add(ModelRefusal.ToContent(partialRefusal));
            }

            var response = new ChatResponse(new ChatMessage(ChatRole.Assistant, contents)) { ModelId = _options.Model };
            await RecordAsync(user, pending, sent, response, started, timeToFirstToken, TurnStatus.Interrupted, message).ConfigureAwait(false);
            return;
        }

        if (_options.Memory && _history.Count > 0 && ReferenceEquals(_history[^1], user))
        {
            _history.RemoveAt(_history.Count - 1);
        }

        var turn = new ChatTurn
        {
            UserMessage = user,
            ModelId = _options.Model,
            Latency = _options.TimeProvider.GetElapsedTime(started),
            Status = cancelled ? TurnStatus.Interrupted : TurnStatus.Failed,
            Error = message,
            MessagesSent = sent,
            Context = _context.LastReport,
        };
        _turns.Add(turn);
        await CompleteSaveAsync(pending, turn).ConfigureAwait(false);
    }

    private async Task CompleteSaveAsync(TurnRecord? pending, ChatTurn turn)
    {
        if (pending is null || _options.Store is not { } store)
        {
            return;
        }

        // Saved even when the turn was cancelled: the partial answer and the status belong to the record.
        var outcome = new TurnOutcome
        {
            Status = turn.Status,
            Model = turn.ModelId,
            FinishReason = turn.FinishReason,
            Usage = turn.Usage,
            CostUsd = turn.CostUsd,
            Latency = turn.Latency,
            TimeToFirstToken = turn.TimeToFirstToken,
            Error = turn.Error,
            MessagesDropped = turn.Context?.MessagesDropped,
            MessagesSummarized = turn.Context?.MessagesSummarized,
        };
        var messages = turn.ResponseMessages;
        var record = messages.Count > 1
            ? await store.CompleteTurnWithMessagesAsync(pending, messages, outcome, CancellationToken.None).ConfigureAwait(false)
            : await store.CompleteTurnAsync(pending, turn.AssistantMessage, outcome, cancellationToken: CancellationToken.None).ConfigureAwait(false);
        RememberSaved(messages, record.AssistantSequence);
        if (record.RecoveryFile is { } file)
        {
            ParleyLog.SavedToRecoveryFile(_logger, file);
        }
    }

    // The messages of a turn's answer are saved in one transaction, in order, so they end at the answer's sequence.
    private void RememberSaved(IReadOnlyList<ChatMessage> messages, long? lastSequence)
    {
        for (var i = 0; lastSequence is { } last && i < messages.Count; i++)
        {
            _context.Remember(messages[i], last - (messages.Count - 1 - i));
        }
    }

    /// <summary>
    /// The messages of an answer as the conversation keeps them: every message of the response in order (a tool loop's
    /// calls and results, then the final answer), without reasoning; the final answer is the refusal's text when the
    /// model refused and wrote no content.
    /// </summary>
    private static List<ChatMessage> ResponseMessagesOf(ChatResponse response, string? refusal)
    {
        var messages = new List<ChatMessage>(Math.Max(1, response.Messages.Count));
        for (var i = 0; i < response.Messages.Count; i++)
        {
            var message = response.Messages[i];
            var last = i == response.Messages.Count - 1;
            var contents = KeptContents(message);
            if (contents.Count == 0 && !last)
            {
                continue; // only reasoning or usage: nothing the conversation keeps
            }

            messages.Add(new ChatMessage(message.Role, contents) { MessageId = message.MessageId ?? (last ? response.ResponseId : null), AuthorName = message.AuthorName });
        }

        if (messages.Count == 0)
        {
            messages.Add(new ChatMessage(ChatRole.Assistant, string.Empty) { MessageId = response.ResponseId });
        }

        var answer = messages[^1];
        if (answer.Text.Length == 0 && refusal is not null)
        {
            answer.Contents.Insert(0, new TextContent(refusal));
        }

        return messages;
    }

    /// <summary>
    /// The messages of a tool loop's answer as the conversation keeps them: each round's calls and results, then the
    /// answer's text (the refusal's when it wrote none). Calls made after the last result were never run (the round
    /// limit stopped the loop): they stay on <see cref="ChatTurn.UnansweredToolCalls"/>, out of the history, because a
    /// call without its result is refused by the API when sent again.
    /// </summary>
    private static List<ChatMessage> ToolTurnMessagesOf(ToolTrace trace, ChatResponse response, string? refusal)
    {
        var messages = new List<ChatMessage>(trace.Steps.Count + 1);
        foreach (var step in trace.Steps)
        {
            if (KeptContents(step) is { Count: > 0 } contents)
            {
                messages.Add(new ChatMessage(step.Role, contents) { MessageId = step.MessageId, AuthorName = step.AuthorName });
            }
        }

        var text = trace.AnswerText.Length == 0 && refusal is not null ? refusal : trace.AnswerText;
        messages.Add(new ChatMessage(ChatRole.Assistant, text) { MessageId = response.ResponseId });
        return messages;
    }

    // What the conversation keeps of a response message: not its reasoning, usage or errors.
    private static List<AIContent> KeptContents(ChatMessage message) =>
        [.. message.Contents.Where(c => c is not (TextReasoningContent or UsageContent or ErrorContent))];
}
