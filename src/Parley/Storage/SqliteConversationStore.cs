using Microsoft.Data.Sqlite;
using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>
/// The default conversation store: one SQLite file in WAL mode, safe to share between processes.
/// </summary>
/// <remarks>
/// <para>
/// Durability: <c>journal_mode=WAL</c> with <c>synchronous=NORMAL</c>. A committed turn survives a
/// crash of the process; after a power loss or OS crash the last transactions may be lost, but the
/// database stays consistent. Writers wait up to 5 s for another process's lock (busy timeout); saving a
/// finished turn waits longer, then falls back to a recovery file (see <see cref="CompleteTurnAsync"/>).
/// </para>
/// <para>
/// Opening checks the file first, reading only: a file that is not a Parley database (not SQLite, or
/// SQLite without Parley's <c>application_id</c>), comes from a newer Parley, or is corrupt throws
/// <see cref="ParleyStorageException"/> and is never modified. An open runs <c>PRAGMA quick_check</c>
/// (every page read once) before anything is written, unless the file is exactly as the last Parley that
/// checked it closed it (same length and write time, no WAL: a stamp file beside it). Damage found later
/// fails the operation with <see cref="ParleyStorageException"/> and rolls it back.
/// Older schemas are migrated in place. Pending turns left by processes that have ended are marked
/// <see cref="TurnStatus.Interrupted"/>; pending turns of running processes are left alone.
/// </para>
/// <para>
/// One instance holds one connection and serializes its calls; it is safe to share between concurrent sessions and
/// threads. <see cref="OpenInMemoryAsync"/> opens the same store on a private in-memory database (same schema, same
/// behaviour, nothing survives the process). Every database failure surfaces as <see cref="ParleyStorageException"/>.
/// </para>
/// </remarks>
public sealed class SqliteConversationStore : IConversationStore, IApiKeyStore
{
    private readonly SqliteStoreConnection _database;
    private readonly StoreClock _clock;
    private readonly SqliteConversationWriter _conversations;
    private readonly SqliteTurnRecovery _recovery;
    private readonly SqliteTurnWriter _turns;
    private readonly SqliteHistoryQueries _history;
    private readonly SqliteIdResolver _ids;
    private readonly SqliteUsageQuery _usage;
    private readonly SqliteApiKeyStore _keys;

    private SqliteConversationStore(SqliteStoreConnection database, ConversationStoreOptions? options)
    {
        _database = database;
        _clock = new StoreClock(options);
        _conversations = new SqliteConversationWriter(database, _clock);
        _recovery = new SqliteTurnRecovery(_clock);
        _turns = new SqliteTurnWriter(database, _clock, _recovery, options?.SaveWait ?? ConversationStoreOptions.DefaultSaveWait);
        _history = new SqliteHistoryQueries(database);
        _ids = new SqliteIdResolver(database);
        _usage = new SqliteUsageQuery(database, _clock);
        _keys = new SqliteApiKeyStore(database, _clock);
    }

    /// <summary>Gets the full path of the database file, or <see langword="null"/> for an in-memory store.</summary>
    public string? DatabasePath => _database.FilePath;

    /// <summary>Gets the open connection (tests read pragmas through it).</summary>
    internal SqliteConnection Connection => _database.Connection;

    /// <summary>Gets how many pending turns of ended processes were marked interrupted when the store opened.</summary>
    public int RecoveredTurnCount { get; private set; }

    /// <summary>
    /// Gets how many turns were imported, when the store opened, from recovery files: turns a process saved beside the
    /// database because it stayed locked past <see cref="ConversationStoreOptions.SaveWait"/>.
    /// </summary>
    public int ImportedRecoveryCount { get; private set; }

    /// <summary>Opens (or creates) the database at <paramref name="path"/>, creating its folder when needed.</summary>
    /// <param name="path">The database file.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The open store.</returns>
    /// <exception cref="ParleyStorageException">The file is not a Parley database, is corrupt, or is newer than this Parley.</exception>
    public static Task<SqliteConversationStore> OpenAsync(string path, CancellationToken cancellationToken = default) =>
        OpenAsync(path, null, cancellationToken);

    /// <summary>Opens (or creates) the database at <paramref name="path"/>, creating its folder when needed.</summary>
    /// <param name="path">The database file.</param>
    /// <param name="options">The clock and time zone to use; <see langword="null"/> for the system's.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The open store.</returns>
    /// <exception cref="ParleyStorageException">The file is not a Parley database, is corrupt, or is newer than this Parley.</exception>
    public static Task<SqliteConversationStore> OpenAsync(string path, ConversationStoreOptions? options, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return OpenCoreAsync(path, options, StorageMigrations.LatestVersion, cancellationToken);
    }

    /// <summary>
    /// Opens a new, empty store in memory: the same schema and behaviour as a file, for memory-only sessions and tests.
    /// Nothing survives disposing the store; each call opens a store of its own.
    /// </summary>
    /// <param name="options">The clock and time zone to use; <see langword="null"/> for the system's.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The open store.</returns>
    public static async Task<SqliteConversationStore> OpenInMemoryAsync(ConversationStoreOptions? options = null, CancellationToken cancellationToken = default) =>
        await InitializeAsync(await SqliteStoreConnection.OpenInMemoryAsync(cancellationToken).ConfigureAwait(false), options, StorageMigrations.LatestVersion, cancellationToken).ConfigureAwait(false);

    /// <summary>Opens the database and migrates it up to <paramref name="targetVersion"/> (tests create old schemas with it).</summary>
    internal static async Task<SqliteConversationStore> OpenCoreAsync(string path, ConversationStoreOptions? options, int targetVersion, CancellationToken cancellationToken) =>
        await InitializeAsync(await SqliteStoreConnection.OpenFileAsync(path, cancellationToken).ConfigureAwait(false), options, targetVersion, cancellationToken).ConfigureAwait(false);

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
    /// <remarks>
    /// A finished turn is never dropped for a lock: while another process holds the database, the save is tried again
    /// with back-off for up to <see cref="ConversationStoreOptions.SaveWait"/> (default 30 s); if the database stays
    /// locked, the turn goes to a recovery file beside it (<see cref="TurnRecord.RecoveryFile"/> says where), which the
    /// next process that opens the store imports (<see cref="ImportedRecoveryCount"/>).
    /// </remarks>
    public Task<TurnRecord> CompleteTurnAsync(TurnRecord turn, ChatMessage? assistantMessage, TurnOutcome outcome, IReadOnlyDictionary<string, int>? assistantTokenCounts = null, CancellationToken cancellationToken = default)
    {
        RequirePending(turn);
        RequireFinal(outcome);
        return _turns.CompleteAsync(turn, assistantMessage is null ? [] : [assistantMessage], outcome, assistantTokenCounts, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>Saved as <see cref="CompleteTurnAsync"/> saves one answer: in one transaction, or to a recovery file while the database stays locked.</remarks>
    public Task<TurnRecord> CompleteTurnWithMessagesAsync(TurnRecord turn, IReadOnlyList<ChatMessage> responseMessages, TurnOutcome outcome, CancellationToken cancellationToken = default)
    {
        RequirePending(turn);
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
    public Task<ConversationRecord?> FindLatestAsync(CancellationToken cancellationToken = default) =>
        _history.FindLatestAsync(cancellationToken);

    /// <inheritdoc />
    public Task<string> ResolveIdAsync(string idOrPrefix, CancellationToken cancellationToken = default) =>
        _ids.ResolveAsync(idOrPrefix, cancellationToken);

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
        _usage.GetReportAsync(since, cancellationToken);

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
    public Task<IReadOnlyList<ApiKeyRecord>> ListKeysAsync(CancellationToken cancellationToken = default) =>
        _keys.ListAsync(cancellationToken);

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
        return _keys.ReleaseAsync(reservation, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _database.DisposeAsync();

    /// <summary>Migrates the opened database, imports recovery files and marks turns of ended processes interrupted.</summary>
    private static async Task<SqliteConversationStore> InitializeAsync(SqliteStoreConnection database, ConversationStoreOptions? options, int targetVersion, CancellationToken cancellationToken)
    {
        var store = new SqliteConversationStore(database, options);
        try
        {
            await database.RunAsync(
                async c =>
                {
                    await StorageMigrations.MigrateAsync(c, targetVersion, store._clock.TimeProvider, cancellationToken).ConfigureAwait(false);
                    if (database.FilePath is { } path)
                    {
                        store.ImportedRecoveryCount = await store._recovery.ImportFilesAsync(c, path, store._turns, cancellationToken).ConfigureAwait(false);
                    }

                    store.RecoveredTurnCount = await store._recovery.MarkStaleTurnsInterruptedAsync(c, cancellationToken).ConfigureAwait(false);
                    return true;
                },
                cancellationToken).ConfigureAwait(false);
            database.MarkOpened();
            return store;
        }
        catch
        {
            await database.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

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

    private static void RequirePending(TurnRecord turn)
    {
        ArgumentNullException.ThrowIfNull(turn);
        if (turn.UserSequence is null)
        {
            throw new ArgumentException("The turn has no question: pass the pending turn BeginTurnAsync returned.", nameof(turn));
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
