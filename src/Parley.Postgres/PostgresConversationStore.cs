using Microsoft.Extensions.AI;
using Npgsql;

namespace Parley.Postgres;

/// <summary>
/// A conversation and virtual-key store on PostgreSQL, for several <c>parley serve</c> replicas (and the CLI) sharing
/// one database. It passes the same contract tests as <see cref="SqliteConversationStore"/>.
/// </summary>
/// <remarks>
/// <para>
/// Opening migrates an empty or older database in place (numbered migrations mirroring SQLite's, in one transaction
/// under <c>pg_advisory_xact_lock</c>, so replicas that start together migrate once) and refuses a database written by
/// a newer Parley with <see cref="ParleyStorageException"/>, leaving it untouched. Pending turns whose process has ended
/// (on this machine; elsewhere after a day without change) are marked <see cref="TurnStatus.Interrupted"/>.
/// </para>
/// <para>
/// Every call borrows a pooled connection and is one transaction: a turn's question is saved with its pending turn, its
/// answer with the final status, each all or nothing, so a failure (a restarted server, a lost connection) never
/// leaves half a turn. Writers of one conversation take turns on its row lock; a budget reservation locks its key's row
/// (<c>SELECT … FOR UPDATE</c>) so reservations through any number of replicas never pass a limit. Nothing is cached:
/// a revoked key is seen by the next lookup. Every provider failure surfaces as <see cref="ParleyStorageException"/>,
/// whose message names the server but never the password.
/// </para>
/// </remarks>
public sealed class PostgresConversationStore : IConversationStore, IApiKeyStore
{
    private readonly PostgresDatabase _database;
    private readonly PostgresConversationWriter _conversations;
    private readonly PostgresTurnWriter _turns;
    private readonly PostgresHistoryQueries _history;
    private readonly PostgresApiKeys _keys;
    private readonly PostgresRateLimits _rates;

    private PostgresConversationStore(PostgresDatabase database, ConversationStoreOptions? options)
    {
        var timeProvider = options?.TimeProvider ?? TimeProvider.System;
        Func<DateTimeOffset> now = () => StorageText.Truncate(timeProvider.GetUtcNow());
        _database = database;
        _conversations = new PostgresConversationWriter(database, now);
        _turns = new PostgresTurnWriter(database, now);
        _history = new PostgresHistoryQueries(database, options?.TimeZone ?? TimeZoneInfo.Local);
        _keys = new PostgresApiKeys(database, now);
        _rates = new PostgresRateLimits(database, now);
    }

    /// <summary>Gets how many pending turns of ended processes were marked interrupted when the store opened.</summary>
    public int RecoveredTurnCount { get; private set; }

    /// <summary>Gets where the database is, without the password (<c>user@host:port/database</c>).</summary>
    public string Location => _database.Description;

    /// <summary>Opens the database and migrates it to the current schema.</summary>
    /// <param name="databaseUrl">A <c>postgres://user:password@host:port/database</c> URL or an Npgsql connection string.</param>
    /// <param name="options">The clock and time zone to use; <see langword="null"/> for the system's.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The open store.</returns>
    /// <exception cref="FormatException">The URL or connection string is malformed.</exception>
    /// <exception cref="ParleyStorageException">The server cannot be reached or refused, or the database is newer than this Parley.</exception>
    public static Task<PostgresConversationStore> OpenAsync(string databaseUrl, ConversationStoreOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databaseUrl);
        return OpenCoreAsync(PostgresConnectionString.Parse(databaseUrl), options, PostgresMigrations.LatestVersion, cancellationToken);
    }

    /// <summary>Opens the database and migrates it up to <paramref name="targetVersion"/> (tests build old schemas with it).</summary>
    internal static async Task<PostgresConversationStore> OpenCoreAsync(string connectionString, ConversationStoreOptions? options, int targetVersion, CancellationToken cancellationToken)
    {
        var dataSource = new NpgsqlSlimDataSourceBuilder(PostgresConnectionString.WithFailFastDefaults(connectionString)).Build();
        var database = new PostgresDatabase(dataSource, PostgresConnectionString.Describe(connectionString));
        try
        {
            var now = (options?.TimeProvider ?? TimeProvider.System).GetUtcNow();
            await database.RunAsync(c => PostgresMigrations.MigrateAsync(c, targetVersion, StorageText.Truncate(now), cancellationToken), cancellationToken).ConfigureAwait(false);
            var store = new PostgresConversationStore(database, options);
            store.RecoveredTurnCount = await store._turns.MarkStaleTurnsInterruptedAsync(cancellationToken).ConfigureAwait(false);
            return store;
        }
        catch
        {
            await database.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public Task<ConversationRecord> CreateConversationAsync(NewConversation conversation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        return _conversations.CreateAsync(conversation, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ConversationRecord> UpdateConversationAsync(string conversationId, ConversationUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        ArgumentNullException.ThrowIfNull(update);
        return _conversations.UpdateAsync(conversationId, update, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredMessage>> AppendMessagesAsync(string conversationId, IEnumerable<ChatMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        return _conversations.AppendAsync(conversationId, RequireMessages(messages), cancellationToken);
    }

    /// <inheritdoc />
    public Task<TurnRecord> BeginTurnAsync(string conversationId, ChatMessage userMessage, IReadOnlyDictionary<string, int>? tokenCounts = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        ArgumentNullException.ThrowIfNull(userMessage);
        return _turns.BeginAsync(conversationId, userMessage, tokenCounts, cancellationToken);
    }

    /// <inheritdoc />
    public Task<TurnRecord> CompleteTurnAsync(TurnRecord turn, ChatMessage? assistantMessage, TurnOutcome outcome, IReadOnlyDictionary<string, int>? assistantTokenCounts = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(turn);
        RequireFinal(outcome);
        return _turns.CompleteAsync(turn, assistantMessage is null ? [] : [assistantMessage], outcome, assistantTokenCounts, cancellationToken);
    }

    /// <inheritdoc />
    public Task<TurnRecord> CompleteTurnWithMessagesAsync(TurnRecord turn, IReadOnlyList<ChatMessage> responseMessages, TurnOutcome outcome, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(turn);
        var messages = RequireMessages(responseMessages);
        RequireFinal(outcome);
        return _turns.CompleteAsync(turn, messages, outcome, null, cancellationToken);
    }

    /// <inheritdoc />
    public Task<TurnRecord> RecordSummaryCallAsync(string conversationId, TurnOutcome outcome, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        RequireFinal(outcome);
        return _turns.RecordSummaryCallAsync(conversationId, outcome, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ConversationRecord> ImportAsync(NewConversation conversation, IEnumerable<ChatMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        return _conversations.ImportAsync(conversation, RequireMessages(messages), cancellationToken);
    }

    /// <inheritdoc />
    public Task<StoredConversation> LoadAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        return _history.LoadAsync(conversationId, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredMessage>> LoadMessagesAsync(string conversationId, long fromSequence, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        return _history.LoadMessagesAsync(conversationId, fromSequence, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ConversationRecord?> FindLatestAsync(CancellationToken cancellationToken = default) => _history.FindLatestAsync(cancellationToken);

    /// <inheritdoc />
    public Task<string> ResolveIdAsync(string idOrPrefix, CancellationToken cancellationToken = default) => _history.ResolveIdAsync(idOrPrefix, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ConversationListItem>> ListAsync(int? limit = null, CancellationToken cancellationToken = default)
    {
        if (limit is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, "The limit cannot be negative.");
        }

        return _history.ListAsync(limit, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<SearchHit>> SearchAsync(string text, int limit = 20, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var terms = StorageText.SearchTerms(text);
        return terms.Count == 0 ? Task.FromResult<IReadOnlyList<SearchHit>>([]) : _history.SearchAsync(terms, limit, cancellationToken);
    }

    /// <inheritdoc />
    public Task DeleteAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        return _history.DeleteAsync(conversationId, cancellationToken);
    }

    /// <inheritdoc />
    public Task<string?> FindClientConversationAsync(string? keyName, string clientId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        return _conversations.FindByClientIdAsync(keyName, clientId, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ConversationListItem>> ListClientConversationsAsync(string? keyName, string? search, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return _history.ListAsync(limit, new ClientFilter(keyName, search is null ? [] : StorageText.SearchTerms(search)), cancellationToken);
    }

    /// <inheritdoc />
    public Task<int> TruncateAsync(string conversationId, int keepMessages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        ArgumentOutOfRangeException.ThrowIfNegative(keepMessages);
        return _conversations.TruncateAsync(conversationId, keepMessages, cancellationToken);
    }

    /// <inheritdoc />
    public Task<UsageReport> GetUsageReportAsync(DateOnly? since = null, CancellationToken cancellationToken = default) =>
        _history.GetUsageReportAsync(since, cancellationToken);

    /// <inheritdoc />
    public Task<ApiKeyRecord?> CreateKeyAsync(string name, string apiKey, ApiKeyLimits limits, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrEmpty(apiKey);
        ArgumentNullException.ThrowIfNull(limits);
        return _keys.CreateAsync(name, apiKey, limits, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ApiKeyRecord?> FindKeyAsync(string apiKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(apiKey);
        return _keys.FindAsync(apiKey, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ApiKeyRecord>> ListKeysAsync(CancellationToken cancellationToken = default) => _keys.ListAsync(cancellationToken);

    /// <inheritdoc />
    public Task<bool> RevokeKeyAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _keys.RevokeAsync(name, cancellationToken);
    }

    /// <inheritdoc />
    public Task<BudgetReservation> ReserveAsync(long keyId, decimal amountUsd, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(amountUsd);
        return _keys.ReserveAsync(keyId, amountUsd, cancellationToken);
    }

    /// <inheritdoc />
    public Task SettleAsync(BudgetReservation reservation, decimal costUsd, CancellationToken cancellationToken = default)
    {
        RequireGranted(reservation);
        ArgumentOutOfRangeException.ThrowIfNegative(costUsd);
        return _keys.SettleAsync(reservation, costUsd, cancellationToken);
    }

    /// <inheritdoc />
    public Task ReleaseAsync(BudgetReservation reservation, CancellationToken cancellationToken = default)
    {
        RequireGranted(reservation);
        return _keys.SettleAsync(reservation, 0m, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>True: the window is kept in the database, shared by every replica on it.</remarks>
    public bool SharesRateLimits => true;

    /// <inheritdoc />
    public Task<RateLimitAcquisition> TryAcquireRateAsync(long keyId, int? requestsPerMinute, int? tokensPerMinute, long tokens, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tokens);
        return _rates.TryAcquireAsync(keyId, requestsPerMinute, tokensPerMinute, tokens, cancellationToken);
    }

    /// <inheritdoc />
    public bool SharesConversations => true;

    /// <inheritdoc />
    public Task<IAsyncDisposable> LockConversationAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        return PostgresConversationLock.AcquireAsync(_database, conversationId, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _database.DisposeAsync();

    private static List<ChatMessage> RequireMessages(IEnumerable<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = messages.ToList();
        foreach (var message in list)
        {
            ArgumentNullException.ThrowIfNull(message, nameof(messages));
        }

        return list;
    }

    private static void RequireGranted(BudgetReservation reservation)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        if (!reservation.Granted)
        {
            throw new ArgumentException("Only a granted reservation can be settled or released.", nameof(reservation));
        }
    }

    private static void RequireFinal(TurnOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (outcome.Status == TurnStatus.Pending)
        {
            throw new ArgumentException("A turn's outcome must be complete, interrupted or failed, not pending.", nameof(outcome));
        }
    }
}
