using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>
/// A conversation store that keeps everything in memory, for memory-only sessions and tests. It
/// behaves like <see cref="SqliteConversationStore"/> (same ids, titles, ordering, search and
/// report rules) but nothing survives the process. Thread-safe.
/// </summary>
public sealed class InMemoryConversationStore : IConversationStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _conversations = new(StringComparer.Ordinal);
    private readonly TimeProvider _timeProvider;
    private readonly TimeZoneInfo _timeZone;
    private long _nextRowId;
    private long _nextTurnRowId;

    /// <summary>Initializes a new, empty store.</summary>
    /// <param name="options">The clock and time zone to use; <see langword="null"/> for the system's.</param>
    public InMemoryConversationStore(ConversationStoreOptions? options = null)
    {
        _timeProvider = options?.TimeProvider ?? TimeProvider.System;
        _timeZone = options?.TimeZone ?? TimeZoneInfo.Local;
    }

    /// <inheritdoc />
    public Task<ConversationRecord> CreateConversationAsync(NewConversation conversation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            return Task.FromResult(Create(conversation).Conversation);
        }
    }

    /// <inheritdoc />
    public Task<ConversationRecord> UpdateConversationAsync(string conversationId, ConversationUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        ArgumentNullException.ThrowIfNull(update);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            var entry = Require(conversationId);
            var c = entry.Conversation;
            entry.Conversation = c with
            {
                Title = update.Title ?? c.Title,
                Provider = update.Provider ?? c.Provider,
                Model = update.Model ?? c.Model,
                SystemPrompt = update.SystemPrompt ?? c.SystemPrompt,
                ContextPolicy = update.ContextPolicy ?? c.ContextPolicy,
                Summary = update.Summary ?? c.Summary,
                SummaryThroughSequence = update.SummaryThroughSequence ?? c.SummaryThroughSequence,
                UpdatedAt = Now(),
            };
            return Task.FromResult(entry.Conversation);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredMessage>> AppendMessagesAsync(string conversationId, IEnumerable<ChatMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        ArgumentNullException.ThrowIfNull(messages);
        var list = messages.ToList();
        foreach (var message in list)
        {
            ArgumentNullException.ThrowIfNull(message, nameof(messages));
        }

        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            var entry = Require(conversationId);
            var now = Now();
            var stored = list.Select(m => ToStored(entry, Append(entry, m, null, now))).ToArray();
            Touch(entry, now);
            return Task.FromResult<IReadOnlyList<StoredMessage>>(stored);
        }
    }

    /// <inheritdoc />
    public Task<PendingTurn> BeginTurnAsync(string conversationId, ChatMessage userMessage, IReadOnlyDictionary<string, int>? tokenCounts = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        ArgumentNullException.ThrowIfNull(userMessage);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            var entry = Require(conversationId);
            var now = Now();
            var row = Append(entry, userMessage, tokenCounts, now);
            var turn = new TurnRecord
            {
                Id = StorageText.NewId(),
                ConversationId = conversationId,
                Kind = TurnKind.Chat,
                Status = TurnStatus.Pending,
                UserSequence = row.Sequence,
                Model = entry.Conversation.Model,
                Usage = new UsageDetails(),
                CreatedAt = now,
                UpdatedAt = now,
            };
            entry.Turns.Add((++_nextTurnRowId, turn));
            Touch(entry, now);
            return Task.FromResult(new PendingTurn { Id = turn.Id, ConversationId = conversationId, UserSequence = row.Sequence, CreatedAt = now });
        }
    }

    /// <inheritdoc />
    public Task<TurnRecord> CompleteTurnAsync(PendingTurn turn, ChatMessage? assistantMessage, TurnOutcome outcome, IReadOnlyDictionary<string, int>? assistantTokenCounts = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(turn);
        ArgumentNullException.ThrowIfNull(outcome);
        RequireFinal(outcome);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            var entry = Require(turn.ConversationId);
            int index = entry.Turns.FindIndex(t => t.Turn.Id == turn.Id);
            if (index < 0)
            {
                throw new InvalidOperationException($"Turn {turn.Id} is not stored in conversation {turn.ConversationId}.");
            }

            var (rowId, existing) = entry.Turns[index];
            if (existing.Status != TurnStatus.Pending)
            {
                throw new InvalidOperationException($"Turn {turn.Id} is already {SqliteConversationStore.FormatStatus(existing.Status)}; a turn is completed once.");
            }

            var now = Now();
            long? assistantSeq = assistantMessage is null ? null : Append(entry, assistantMessage, assistantTokenCounts, now).Sequence;
            var completed = Apply(existing, outcome, now) with { AssistantSequence = assistantSeq, Model = outcome.Model ?? existing.Model };
            entry.Turns[index] = (rowId, completed);
            Touch(entry, now);
            return Task.FromResult(completed);
        }
    }

    /// <inheritdoc />
    public Task<TurnRecord> RecordSummaryCallAsync(string conversationId, TurnOutcome outcome, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        ArgumentNullException.ThrowIfNull(outcome);
        RequireFinal(outcome);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            var entry = Require(conversationId);
            var now = Now();
            var turn = Apply(
                new TurnRecord
                {
                    Id = StorageText.NewId(),
                    ConversationId = conversationId,
                    Kind = TurnKind.Summary,
                    Status = outcome.Status,
                    Usage = new UsageDetails(),
                    CreatedAt = now,
                    UpdatedAt = now,
                },
                outcome,
                now);
            entry.Turns.Add((++_nextTurnRowId, turn));
            Touch(entry, now);
            return Task.FromResult(turn);
        }
    }

    /// <inheritdoc />
    public Task<ConversationRecord> ImportAsync(NewConversation conversation, IEnumerable<ChatMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentNullException.ThrowIfNull(messages);
        var list = messages.ToList();
        foreach (var message in list)
        {
            ArgumentNullException.ThrowIfNull(message, nameof(messages));
        }

        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            var entry = Create(conversation);
            foreach (var message in list)
            {
                Append(entry, message, null, entry.Conversation.CreatedAt);
            }

            return Task.FromResult(entry.Conversation);
        }
    }

    /// <inheritdoc />
    public Task<StoredConversation> LoadAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            var entry = Require(conversationId);
            return Task.FromResult(new StoredConversation
            {
                Conversation = entry.Conversation,
                Messages = entry.Messages.Select(m => ToStored(entry, m)).ToArray(),
                Turns = entry.Turns.Select(t => t.Turn).ToArray(),
            });
        }
    }

    /// <inheritdoc />
    public Task<ConversationRecord?> FindLatestAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            return Task.FromResult(Newest().FirstOrDefault()?.Conversation);
        }
    }

    /// <inheritdoc />
    public Task<string> ResolveIdAsync(string idOrPrefix, CancellationToken cancellationToken = default)
    {
        string prefix = StorageText.NormalizePrefix(idOrPrefix);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            var candidates = _conversations.Values
                .Where(e => e.Conversation.Id.StartsWith(prefix, StringComparison.Ordinal))
                .OrderBy(e => e.Conversation.Id, StringComparer.Ordinal)
                .Take(10)
                .Select(e => new ConversationIdCandidate(e.Conversation.Id, e.Conversation.Title))
                .ToArray();
            return candidates.Length switch
            {
                0 => throw new ConversationNotFoundException(idOrPrefix),
                1 => Task.FromResult(candidates[0].Id),
                _ => throw new AmbiguousConversationIdException(idOrPrefix, candidates),
            };
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ConversationListItem>> ListAsync(int? limit = null, CancellationToken cancellationToken = default)
    {
        if (limit is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, "The limit cannot be negative.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            var items = Newest()
                .Take(limit ?? int.MaxValue)
                .Select(e =>
                {
                    var priced = e.Turns.Where(t => t.Turn.CostUsd is not null).ToArray();
                    return new ConversationListItem
                    {
                        Id = e.Conversation.Id,
                        Title = e.Conversation.Title,
                        Model = e.Conversation.Model,
                        TurnCount = e.Turns.Count(t => t.Turn.Kind == TurnKind.Chat),
                        MessageCount = e.Messages.Count,
                        TotalTokens = e.Turns.Sum(t => SqliteConversationStore.TotalTokens(t.Turn.Usage) ?? 0),
                        TotalCostUsd = priced.Length == 0 ? null : priced.Sum(t => t.Turn.CostUsd!.Value),
                        CreatedAt = e.Conversation.CreatedAt,
                        UpdatedAt = e.Conversation.UpdatedAt,
                    };
                })
                .ToArray();
            return Task.FromResult<IReadOnlyList<ConversationListItem>>(items);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<SearchHit>> SearchAsync(string text, int limit = 20, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        cancellationToken.ThrowIfCancellationRequested();
        var terms = StorageText.SearchTerms(text);
        if (terms.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<SearchHit>>([]);
        }

        lock (_lock)
        {
            var hits = _conversations.Values
                .SelectMany(e => e.Messages.Select(m => (Entry: e, Message: m)))
                .Where(x => StorageText.ContainsAll(x.Message.Content, terms))
                .OrderByDescending(x => x.Message.RowId)
                .DistinctBy(x => x.Entry.Conversation.Id)
                .Take(limit)
                .Select(x => new SearchHit
                {
                    ConversationId = x.Entry.Conversation.Id,
                    Title = x.Entry.Conversation.Title,
                    Sequence = x.Message.Sequence,
                    Role = x.Message.Role,
                    Snippet = StorageText.Snippet(x.Message.Content, terms),
                    CreatedAt = x.Message.CreatedAt,
                })
                .ToArray();
            return Task.FromResult<IReadOnlyList<SearchHit>>(hits);
        }
    }

    /// <inheritdoc />
    public Task DeleteAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            if (!_conversations.Remove(conversationId))
            {
                throw new ConversationNotFoundException(conversationId);
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<UsageReport> GetUsageReportAsync(DateOnly? since = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            var samples = _conversations.Values
                .SelectMany(e => e.Turns.Select(t => (Entry: e, t.RowId, t.Turn)))
                .OrderBy(x => x.Turn.CreatedAt)
                .ThenBy(x => x.RowId)
                .Select(x => new UsageSample(
                    x.Turn.CreatedAt,
                    x.Turn.Model,
                    x.Entry.Conversation.Id,
                    x.Entry.Conversation.Title,
                    x.Turn.Kind,
                    x.Turn.Status,
                    x.Turn.Usage.InputTokenCount,
                    x.Turn.Usage.OutputTokenCount,
                    x.Turn.Usage.CachedInputTokenCount,
                    x.Turn.Usage.ReasoningTokenCount,
                    x.Turn.Usage.TotalTokenCount,
                    x.Turn.CostUsd))
                .ToArray();
            return Task.FromResult(UsageReportBuilder.Build(samples, since, _timeZone));
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static void RequireFinal(TurnOutcome outcome)
    {
        if (outcome.Status == TurnStatus.Pending)
        {
            throw new ArgumentException("A turn's outcome must be complete, interrupted or failed, not pending.", nameof(outcome));
        }
    }

    private static TurnRecord Apply(TurnRecord turn, TurnOutcome outcome, DateTimeOffset now) => turn with
    {
        Status = outcome.Status,
        Model = outcome.Model ?? turn.Model,
        Usage = new UsageDetails
        {
            InputTokenCount = outcome.Usage?.InputTokenCount,
            OutputTokenCount = outcome.Usage?.OutputTokenCount,
            CachedInputTokenCount = outcome.Usage?.CachedInputTokenCount,
            ReasoningTokenCount = outcome.Usage?.ReasoningTokenCount,
            TotalTokenCount = SqliteConversationStore.TotalTokens(outcome.Usage),
        },
        CostUsd = outcome.CostUsd,
        Latency = outcome.Latency is { } latency ? TimeSpan.FromMilliseconds(Math.Round(latency.TotalMilliseconds)) : null,
        TimeToFirstToken = outcome.TimeToFirstToken is { } ttft ? TimeSpan.FromMilliseconds(Math.Round(ttft.TotalMilliseconds)) : null,
        FinishReason = outcome.FinishReason,
        Error = outcome.Error,
        MessagesDropped = outcome.MessagesDropped,
        MessagesSummarized = outcome.MessagesSummarized,
        UpdatedAt = now,
    };

    private static StoredMessage ToStored(Entry entry, MessageRow row) => new()
    {
        ConversationId = entry.Conversation.Id,
        Sequence = row.Sequence,
        Message = new ChatMessage(new ChatRole(row.Role), row.Content) { CreatedAt = row.CreatedAt },
        TokenCounts = StorageText.CopyTokenCounts(row.TokenCounts),
        CreatedAt = row.CreatedAt,
    };

    private static void Touch(Entry entry, DateTimeOffset now) =>
        entry.Conversation = entry.Conversation with { UpdatedAt = now };

    private Entry Create(NewConversation conversation)
    {
        var now = Now();
        var entry = new Entry(new ConversationRecord
        {
            Id = StorageText.NewId(),
            Title = conversation.Title,
            Provider = conversation.Provider,
            Model = conversation.Model,
            SystemPrompt = conversation.SystemPrompt,
            ContextPolicy = conversation.ContextPolicy,
            CreatedAt = now,
            UpdatedAt = now,
        });
        _conversations.Add(entry.Conversation.Id, entry);
        return entry;
    }

    private MessageRow Append(Entry entry, ChatMessage message, IReadOnlyDictionary<string, int>? tokenCounts, DateTimeOffset now)
    {
        var row = new MessageRow(++_nextRowId, entry.Messages.Count + 1, message.Role.Value, message.Text, StorageText.CopyTokenCounts(tokenCounts), now);
        entry.Messages.Add(row);
        if (message.Role == ChatRole.User && entry.Conversation.Title is null)
        {
            entry.Conversation = entry.Conversation with { Title = StorageText.MakeTitle(message.Text) };
        }

        return row;
    }

    private IEnumerable<Entry> Newest() =>
        _conversations.Values
            .OrderByDescending(e => e.Conversation.UpdatedAt)
            .ThenByDescending(e => e.Conversation.Id, StringComparer.Ordinal);

    private Entry Require(string conversationId) =>
        _conversations.TryGetValue(conversationId, out var entry) ? entry : throw new ConversationNotFoundException(conversationId);

    private DateTimeOffset Now() => StorageText.Truncate(_timeProvider.GetUtcNow());

    private sealed record MessageRow(long RowId, long Sequence, string Role, string Content, IReadOnlyDictionary<string, int> TokenCounts, DateTimeOffset CreatedAt);

    private sealed class Entry(ConversationRecord conversation)
    {
        public ConversationRecord Conversation { get; set; } = conversation;

        public List<MessageRow> Messages { get; } = [];

        public List<(long RowId, TurnRecord Turn)> Turns { get; } = [];
    }
}
