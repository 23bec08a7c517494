using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Parley;

/// <summary>
/// The context-window side of a <see cref="ChatSession"/>: the budget for each turn (catalog window, limits learned
/// from the server, reserve), the policy's decision, the running summary and its persistence, and recovery from a
/// server's context-length error.
/// </summary>
internal sealed class SessionContext
{
    private readonly ChatSessionOptions _options;
    private readonly ModelCatalog _catalog;
    private readonly TokenCounter _counter;
    private readonly Func<string?, UsageDetails?, decimal?> _price;
    private readonly Action<TurnOutcome> _recordCall;
    /// <summary>A learned limit under the catalog's window divided by this is suspect (reported, still used to trim).</summary>
    internal const int SuspectFraction = 4;

    private readonly Func<Uri?> _endpoint;
    private readonly ILogger _logger;
    private readonly Dictionary<(string Endpoint, string Model), int> _learned = [];
    private readonly HashSet<(string Endpoint, string Model)> _suspectReported = [];
    private readonly Dictionary<ChatMessage, long> _sequences = new(ReferenceEqualityComparer.Instance);
    private readonly List<TurnOutcome> _unsaved = [];
    private bool _summaryUnsaved;
    private bool _recovering;

    public SessionContext(
        ChatSessionOptions options, ModelCatalog catalog, TokenCounter counter, Func<string?, UsageDetails?, decimal?> price, Action<TurnOutcome> recordCall,
        Func<Uri?> endpoint, ILogger logger)
    {
        _options = options;
        _logger = logger;
        _endpoint = endpoint;
        _catalog = catalog;
        _counter = counter;
        _price = price;
        _recordCall = recordCall;
    }

    /// <summary>The running summary of the older messages (null: none).</summary>
    public RunningSummary? Summary { get; private set; }

    /// <summary>The report of the last request prepared.</summary>
    public ContextReport? LastReport { get; private set; }

    /// <summary>The budget of the next request, or null when the model's window is unknown.</summary>
    public ContextBudget? Budget()
    {
        var budget = ContextBudget.Resolve(_catalog, _counter, _options.Model, _options.ChatOptions, _options.ReserveOutputTokens, LearnedLimit);
        if (budget is { IsLearnedWindow: true, Model.ContextWindow: { } catalogWindow } && IsSuspect(budget.ContextWindow, catalogWindow))
        {
            ReportSuspect(budget.Model, budget.ContextWindow, catalogWindow);
        }

        return budget;
    }

    /// <summary>Applies the policy to <paramref name="candidates"/>; a preview makes no summary call and changes nothing.</summary>
    public async Task<(List<ChatMessage> Messages, ContextReport Report)> ApplyAsync(IReadOnlyList<ChatMessage> candidates, bool preview, CancellationToken cancellationToken)
    {
        var budget = Budget();
        var (name, result) = await ContextApplication.ApplyAsync(_options.Context, candidates, budget, Summary, preview, _price, cancellationToken).ConfigureAwait(false);
        var calls = result.SummaryCalls;
        if (!preview)
        {
            ParleyTelemetry.RecordContext(name, result);
            ParleyLog.Applied(_logger, name, result);
            foreach (var call in calls)
            {
                _unsaved.Add(call);
                if (call.Status == TurnStatus.Complete)
                {
                    _recordCall(call);
                }
            }

            if (!ReferenceEquals(result.Summary, Summary))
            {
                Summary = result.Summary;
                _summaryUnsaved = Summary is not null;
            }

            foreach (var warning in result.Warnings)
            {
                ParleyLog.ContextWarning(_logger, warning);
            }
        }

        var model = budget?.Model ?? Model();
        var report = new ContextReport
        {
            Policy = name,
            Model = model?.Id,
            CountPromptWhenRead = _counter.CountPromptLater([.. result.Messages], model, budget?.Tools),
            ContextWindow = budget?.ContextWindow,
            CatalogWindow = model?.ContextWindow,
            IsLearnedWindow = budget?.IsLearnedWindow == true,
            ReservedOutput = budget?.ReservedOutput,
            SummaryThreshold = budget is not null && _options.Context is SummarizingPolicy summarizing ? summarizing.ThresholdFor(budget) : null,
            SummaryKeepsLastTurns = (_options.Context as SummarizingPolicy)?.Options.KeepLastTurns,
            SummaryModel = (_options.Context as SummarizingPolicy)?.Options.SummaryModel,
            HistoryMessages = candidates.Count - HistoryShape.HeadCount(candidates),
            MessagesSent = result.Messages.Count,
            MessagesSummarized = result.Summarized,
            MessagesDropped = result.Dropped,
            SummaryTokens = result.SummaryMessage is { } summary ? _counter.CountMessage(summary, model).Value : null,
            SummaryCalls = calls,
            Warnings = result.Warnings,
            SummaryDue = result.SummaryDue,
            Recovered = _recovering && !preview,
        };
        if (!preview)
        {
            LastReport = report;
            _recovering = false;
        }

        return ([.. result.Messages], report);
    }

    /// <summary>
    /// Learns from a server's context-length error: reads the limit it names and, when that is smaller than the window
    /// used, remembers it for the model (and reports it so it can be saved). False when the error is not one to recover from.
    /// </summary>
    public bool TryLearnLimit(Exception error, IReadOnlyList<ChatMessage> sent)
    {
        if (error is not ParleyApiException { IsContextLengthExceeded: true } api || _options.Model is not { } id
            || ContextLimitParser.TryReadLimit(api.Message) is not { } limit || limit <= 0)
        {
            return false;
        }

        var model = _catalog.Find(id) ?? _catalog.Resolve(id);
        var used = Budget();

        // A server that counts more tokens than Parley (an estimated tokenizer) needs the limit in Parley's units.
        // Only a plausible ratio is trusted (up to 3×, what tokenizers differ by): a count far from Parley's describes
        // some other request (a proxy's message, a replayed body) and would shrink the window to nonsense.
        var ours = _counter.CountPrompt(sent, model, used?.Tools).Value;
        var effective = ContextLimitParser.TryReadPromptTokens(api.Message) is { } theirs && theirs > ours && ours > 0 && theirs <= 3L * ours
            ? (int)((long)limit * ours / theirs)
            : limit;
        if (used is not null && effective >= used.ContextWindow)
        {
            return false;
        }

        var endpoint = _endpoint();
        _learned[(Key(endpoint), model.Id.ToLowerInvariant())] = effective;
        _recovering = true;
        var saved = false;
        if (_options.LearnedFacts is { } memory && endpoint is not null)
        {
            memory.SetContextLimit(endpoint, model.Id, limit);
            saved = true;
        }

        ParleyTelemetry.LearnedContextLimits.Add(1);

        if (model.ContextWindow is { } catalogWindow && IsSuspect(effective, catalogWindow))
        {
            _suspectReported.Add((Key(endpoint), model.Id.ToLowerInvariant())); // the warning below says it already
        }

        ParleyLog.ContextLimitLearned(_logger, model.Id, limit, model.ContextWindow, endpoint is null ? null : Key(endpoint), saved);
        return true;
    }

    /// <summary>Remembers where a message is stored, so the running summary can name the last message it covers.</summary>
    public void Remember(ChatMessage? message, long? sequence)
    {
        if (message is not null && sequence is { } value)
        {
            _sequences[message] = value;
        }
    }

    /// <summary>Restores what a saved conversation knows: where its messages are stored and its running summary.</summary>
    public void Restore(StoredConversation saved)
    {
        foreach (var message in saved.Messages)
        {
            _sequences[message.Message] = message.Sequence;
        }

        if (saved.Conversation is { Summary: { Length: > 0 } text, SummaryThroughSequence: { } through }
            && saved.Messages.FirstOrDefault(m => m.Sequence == through) is { } last)
        {
            Summary = new RunningSummary(text, last.Message);
        }
    }

    /// <summary>Saves the summary calls made since the last save and the running summary, if it changed.</summary>
    public async Task SaveAsync(IConversationLog store, string conversationId, CancellationToken cancellationToken)
    {
        foreach (var call in _unsaved)
        {
            // The folded count is reported with the turn (ContextReport), not stored with the summary call.
            await store.RecordSummaryCallAsync(conversationId, call with { MessagesSummarized = null }, cancellationToken).ConfigureAwait(false);
        }

        _unsaved.Clear();
        if (_summaryUnsaved && Summary is { } summary && _sequences.TryGetValue(summary.Through, out var sequence))
        {
            await store.UpdateConversationAsync(conversationId, new ConversationUpdate { Summary = summary.Text, SummaryThroughSequence = sequence }, cancellationToken).ConfigureAwait(false);
            _summaryUnsaved = false;
        }
    }

    /// <summary>Forgets the running summary and unsaved calls (a new conversation).</summary>
    public void Reset()
    {
        Summary = null;
        _summaryUnsaved = false;
        _unsaved.Clear();
        _sequences.Clear();
        LastReport = null;
    }

    // The model's catalog entry; an unknown model gets a placeholder once a limit has been learned for it.
    private ModelInfo? Model() => ContextBudget.ResolveModel(_catalog, _options.Model, LearnedLimit);

    // Limits are learned per endpoint and model: one server's limit never applies to another with the same model name.
    private int? LearnedLimit(string modelId)
    {
        var endpoint = _endpoint();
        if (_learned.TryGetValue((Key(endpoint), modelId.ToLowerInvariant()), out var limit))
        {
            return limit;
        }

        return endpoint is not null && _options.LearnedFacts?.GetContextLimit(endpoint, modelId) is { } saved && saved > 0 ? saved : null;
    }

    private static string Key(Uri? endpoint) => endpoint is null ? string.Empty : EndpointKeys.Of(endpoint);

    /// <summary>True when a learned limit is so far below the catalog's window (under a quarter) that it may be wrong.</summary>
    internal static bool IsSuspect(int learned, int catalogWindow) => (long)learned * SuspectFraction < catalogWindow;

    private void ReportSuspect(ModelInfo model, int learned, int catalogWindow)
    {
        var endpoint = _endpoint();
        if (!_suspectReported.Add((Key(endpoint), model.Id.ToLowerInvariant())))
        {
            return;
        }

        ParleyLog.SuspectContextLimit(_logger, model.Id, endpoint is null ? null : Key(endpoint), learned, catalogWindow);
    }
}
