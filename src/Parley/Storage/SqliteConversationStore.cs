using System.Globalization;
using System.Text;
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
/// <para>One instance holds one connection and serializes its calls; it is safe to use from several threads.</para>
/// </remarks>
public sealed class SqliteConversationStore : IConversationStore
{
    private const string ConversationColumns =
        "id, title, provider, model, system_prompt, context_policy, summary, summary_through_seq, created_at, updated_at";

    private const string TurnColumns =
        "id, conversation_id, kind, status, user_seq, assistant_seq, model, input_tokens, output_tokens, cached_input_tokens, "
        + "reasoning_tokens, total_tokens, cost_usd, latency_ms, ttft_ms, finish_reason, error, created_at, updated_at, "
        + "context_dropped, context_summarized";

    private const string InterruptedByExit = "The process that wrote this turn ended before the answer was saved.";

    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly TimeProvider _timeProvider;
    private readonly TimeZoneInfo _timeZone;
    private readonly TimeSpan _saveWait;
    private bool _opened;
    private bool _disposed;

    private SqliteConversationStore(string databasePath, SqliteConnection connection, ConversationStoreOptions? options)
    {
        DatabasePath = databasePath;
        _connection = connection;
        _timeProvider = options?.TimeProvider ?? TimeProvider.System;
        _timeZone = options?.TimeZone ?? TimeZoneInfo.Local;
        _saveWait = options?.SaveWait ?? ConversationStoreOptions.DefaultSaveWait;
    }

    /// <summary>Gets the full path of the database file.</summary>
    public string DatabasePath { get; }

    /// <summary>Gets the open connection (tests read pragmas through it).</summary>
    internal SqliteConnection Connection => _connection;

    /// <summary>Gets how many pending turns of ended processes were marked interrupted when the store opened.</summary>
    public int RecoveredTurnCount { get; private set; }

    /// <summary>
    /// Gets how many turns were imported, when the store opened, from recovery files: turns a process saved beside the
    /// database because it stayed locked past <see cref="ConversationStoreOptions.SaveWait"/>.
    /// </summary>
    public int ImportedRecoveryCount { get; private set; }

    /// <summary>Opens (or creates) the database at <see cref="ParleyDataPaths.DefaultDatabasePath()"/>.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The open store.</returns>
    /// <exception cref="ParleyStorageException">The file is not a Parley database, is corrupt, or is newer than this Parley.</exception>
    public static Task<SqliteConversationStore> OpenDefaultAsync(CancellationToken cancellationToken = default) =>
        OpenAsync(ParleyDataPaths.DefaultDatabasePath(), null, cancellationToken);

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

    /// <summary>Opens the database and migrates it up to <paramref name="targetVersion"/> (tests create old schemas with it).</summary>
    internal static async Task<SqliteConversationStore> OpenCoreAsync(string path, ConversationStoreOptions? options, int targetVersion, CancellationToken cancellationToken)
    {
        string fullPath = Path.GetFullPath(path);
        string? folder = Path.GetDirectoryName(fullPath);
        if (!string.IsNullOrEmpty(folder))
        {
            PrivateFiles.CreateFolder(folder);
        }

        await SqliteDatabaseFile.InspectAsync(fullPath, cancellationToken).ConfigureAwait(false);

        // Created empty and private first: SQLite gives the -wal and -shm files the database file's mode.
        PrivateFiles.CreateFile(fullPath);

        var connection = new SqliteConnection(SqliteDatabaseFile.ConnectionString(fullPath, SqliteOpenMode.ReadWriteCreate));
        var store = new SqliteConversationStore(fullPath, connection, options);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(
                connection,
                null,
                $"PRAGMA busy_timeout = {(int)SqliteDatabaseFile.BusyTimeout.TotalMilliseconds}; PRAGMA foreign_keys = ON;",
                cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, null, "PRAGMA journal_mode = WAL;", cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, null, "PRAGMA synchronous = NORMAL;", cancellationToken).ConfigureAwait(false);
            await StorageMigrations.MigrateAsync(connection, targetVersion, store._timeProvider, cancellationToken).ConfigureAwait(false);
            store.ImportedRecoveryCount = await store.ImportRecoveryFilesAsync(cancellationToken).ConfigureAwait(false);
            store.RecoveredTurnCount = await store.RecoverStaleTurnsAsync(cancellationToken).ConfigureAwait(false);
            store._opened = true;
            return store;
        }
        catch (SqliteException exception)
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw SqliteDatabaseFile.Translate(fullPath, exception);
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public Task<ConversationRecord> CreateConversationAsync(NewConversation conversation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        return RunAsync(async c =>
        {
            using var transaction = c.BeginTransaction(deferred: false);
            var record = await InsertConversationAsync(c, transaction, conversation, cancellationToken).ConfigureAwait(false);
            transaction.Commit();
            return record;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ConversationRecord> UpdateConversationAsync(string conversationId, ConversationUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        ArgumentNullException.ThrowIfNull(update);
        return RunAsync(async c =>
        {
            using var transaction = c.BeginTransaction(deferred: false);
            using (var command = Command(c, transaction, """
                UPDATE conversations SET
                    title = coalesce($title, title),
                    provider = coalesce($provider, provider),
                    model = coalesce($model, model),
                    system_prompt = coalesce($system_prompt, system_prompt),
                    context_policy = coalesce($context_policy, context_policy),
                    summary = coalesce($summary, summary),
                    summary_through_seq = coalesce($summary_through_seq, summary_through_seq),
                    updated_at = $now
                WHERE id = $id;
                """))
            {
                Add(command, "$id", conversationId);
                Add(command, "$title", update.Title);
                Add(command, "$provider", update.Provider);
                Add(command, "$model", update.Model);
                Add(command, "$system_prompt", update.SystemPrompt);
                Add(command, "$context_policy", update.ContextPolicy);
                Add(command, "$summary", update.Summary);
                Add(command, "$summary_through_seq", update.SummaryThroughSequence);
                Add(command, "$now", NowText());
                if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
                {
                    throw new ConversationNotFoundException(conversationId);
                }
            }

            var record = await ReadConversationAsync(c, transaction, conversationId, cancellationToken).ConfigureAwait(false);
            transaction.Commit();
            return record!;
        }, cancellationToken);
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

        return RunAsync<IReadOnlyList<StoredMessage>>(async c =>
        {
            using var transaction = c.BeginTransaction(deferred: false);
            await RequireConversationAsync(c, transaction, conversationId, cancellationToken).ConfigureAwait(false);
            var stored = await InsertMessagesAsync(c, transaction, conversationId, list, cancellationToken).ConfigureAwait(false);
            transaction.Commit();
            return stored;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<PendingTurn> BeginTurnAsync(string conversationId, ChatMessage userMessage, IReadOnlyDictionary<string, int>? tokenCounts = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        ArgumentNullException.ThrowIfNull(userMessage);
        return RunAsync(async c =>
        {
            using var transaction = c.BeginTransaction(deferred: false);
            await RequireConversationAsync(c, transaction, conversationId, cancellationToken).ConfigureAwait(false);
            var now = Now();
            string nowText = StorageText.FormatTime(now);
            long seq = await InsertMessageAsync(c, transaction, conversationId, userMessage, tokenCounts, nowText, cancellationToken).ConfigureAwait(false);
            string turnId = StorageText.NewId();
            var writer = WriterIdentity.Current;
            using (var command = Command(c, transaction, """
                INSERT INTO turns (id, conversation_id, kind, status, user_seq, model, writer_pid, writer_started_at, writer_host, created_at, updated_at)
                VALUES ($id, $conversation_id, 'chat', 'pending', $user_seq, (SELECT model FROM conversations WHERE id = $conversation_id),
                        $pid, $started, $host, $now, $now);
                """))
            {
                Add(command, "$id", turnId);
                Add(command, "$conversation_id", conversationId);
                Add(command, "$user_seq", seq);
                Add(command, "$pid", writer.ProcessId);
                Add(command, "$started", writer.StartedAtUnixMs);
                Add(command, "$host", writer.Host);
                Add(command, "$now", nowText);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await TouchConversationAsync(c, transaction, conversationId, nowText, cancellationToken).ConfigureAwait(false);
            transaction.Commit();
            return new PendingTurn { Id = turnId, ConversationId = conversationId, UserSequence = seq, CreatedAt = now };
        }, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// A finished turn is never dropped for a lock: while another process holds the database, the save is tried again
    /// with back-off for up to <see cref="ConversationStoreOptions.SaveWait"/> (default 30 s); if the database stays
    /// locked, the turn goes to a recovery file beside it (<see cref="TurnRecord.RecoveryFile"/> says where), which the
    /// next process that opens the store imports (<see cref="ImportedRecoveryCount"/>).
    /// </remarks>
    public Task<TurnRecord> CompleteTurnAsync(PendingTurn turn, ChatMessage? assistantMessage, TurnOutcome outcome, IReadOnlyDictionary<string, int>? assistantTokenCounts = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(turn);
        ArgumentNullException.ThrowIfNull(outcome);
        RequireFinal(outcome);
        return CompleteOrRecoverAsync(turn, assistantMessage, outcome, assistantTokenCounts, cancellationToken);
    }

    /// <inheritdoc />
    public Task<TurnRecord> RecordSummaryCallAsync(string conversationId, TurnOutcome outcome, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        ArgumentNullException.ThrowIfNull(outcome);
        RequireFinal(outcome);
        return RunAsync(async c =>
        {
            using var transaction = c.BeginTransaction(deferred: false);
            await RequireConversationAsync(c, transaction, conversationId, cancellationToken).ConfigureAwait(false);
            string now = NowText();
            string turnId = StorageText.NewId();
            using (var command = Command(c, transaction, """
                INSERT INTO turns (id, conversation_id, kind, status, model, input_tokens, output_tokens, cached_input_tokens,
                                   reasoning_tokens, total_tokens, cost_usd, latency_ms, ttft_ms, finish_reason, error, created_at, updated_at,
                                   context_dropped, context_summarized)
                VALUES ($id, $conversation_id, 'summary', $status, $model, $input, $output, $cached,
                        $reasoning, $total, $cost, $latency, $ttft, $finish_reason, $error, $now, $now,
                        $context_dropped, $context_summarized);
                """))
            {
                Add(command, "$id", turnId);
                Add(command, "$conversation_id", conversationId);
                Add(command, "$now", now);
                AddOutcome(command, outcome);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await TouchConversationAsync(c, transaction, conversationId, now, cancellationToken).ConfigureAwait(false);
            var record = await ReadTurnAsync(c, transaction, turnId, cancellationToken).ConfigureAwait(false);
            transaction.Commit();
            return record;
        }, cancellationToken);
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

        return RunAsync(async c =>
        {
            using var transaction = c.BeginTransaction(deferred: false);
            var created = await InsertConversationAsync(c, transaction, conversation, cancellationToken).ConfigureAwait(false);
            await InsertMessagesAsync(c, transaction, created.Id, list, cancellationToken).ConfigureAwait(false);
            var record = await ReadConversationAsync(c, transaction, created.Id, cancellationToken).ConfigureAwait(false);
            transaction.Commit();
            return record!;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<StoredConversation> LoadAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        return RunAsync(async c =>
        {
            using var transaction = c.BeginTransaction(deferred: true); // one consistent snapshot
            var conversation = await ReadConversationAsync(c, transaction, conversationId, cancellationToken).ConfigureAwait(false)
                ?? throw new ConversationNotFoundException(conversationId);

            var messages = new List<StoredMessage>();
            using (var command = Command(c, transaction, "SELECT seq, role, content, token_counts, created_at FROM messages WHERE conversation_id = $id ORDER BY seq;"))
            {
                Add(command, "$id", conversationId);
                using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var createdAt = StorageText.ParseTime(reader.GetString(4));
                    messages.Add(new StoredMessage
                    {
                        ConversationId = conversationId,
                        Sequence = reader.GetInt64(0),
                        Message = new ChatMessage(new ChatRole(reader.GetString(1)), reader.GetString(2)) { CreatedAt = createdAt },
                        TokenCounts = StorageText.TokenCountsFromJson(reader.IsDBNull(3) ? null : reader.GetString(3)),
                        CreatedAt = createdAt,
                    });
                }
            }

            var turns = new List<TurnRecord>();
            using (var command = Command(c, transaction, $"SELECT {TurnColumns} FROM turns WHERE conversation_id = $id ORDER BY rowid;"))
            {
                Add(command, "$id", conversationId);
                using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    turns.Add(ReadTurn(reader));
                }
            }

            transaction.Commit();
            return new StoredConversation { Conversation = conversation, Messages = messages, Turns = turns };
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ConversationRecord?> FindLatestAsync(CancellationToken cancellationToken = default) =>
        RunAsync(async c =>
        {
            using var command = Command(c, null, $"SELECT {ConversationColumns} FROM conversations ORDER BY updated_at DESC, id DESC LIMIT 1;");
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadConversation(reader) : null;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<string> ResolveIdAsync(string idOrPrefix, CancellationToken cancellationToken = default)
    {
        string prefix = StorageText.NormalizePrefix(idOrPrefix);
        return RunAsync(async c =>
        {
            var candidates = new List<ConversationIdCandidate>();
            using (var command = Command(c, null, "SELECT id, title FROM conversations WHERE id GLOB $pattern ORDER BY id LIMIT 11;"))
            {
                Add(command, "$pattern", prefix + "*"); // the prefix is lowercase hex only: no GLOB metacharacters
                using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    candidates.Add(new ConversationIdCandidate(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)));
                }
            }

            return candidates.Count switch
            {
                0 => throw new ConversationNotFoundException(idOrPrefix),
                1 => candidates[0].Id,
                _ => throw new AmbiguousConversationIdException(idOrPrefix, candidates.Take(10).ToArray()),
            };
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ConversationListItem>> ListAsync(int? limit = null, CancellationToken cancellationToken = default)
    {
        if (limit is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, "The limit cannot be negative.");
        }

        return RunAsync<IReadOnlyList<ConversationListItem>>(async c =>
        {
            using var command = Command(c, null, """
                SELECT c.id, c.title, c.model, c.created_at, c.updated_at,
                       coalesce(t.chat_turns, 0), coalesce(t.tokens, 0), t.cost,
                       (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id)
                FROM conversations c
                LEFT JOIN (
                    SELECT conversation_id,
                           sum(kind = 'chat') AS chat_turns,
                           sum(coalesce(total_tokens, coalesce(input_tokens, 0) + coalesce(output_tokens, 0))) AS tokens,
                           sum(cost_usd) AS cost
                    FROM turns GROUP BY conversation_id
                ) t ON t.conversation_id = c.id
                ORDER BY c.updated_at DESC, c.id DESC
                LIMIT $limit;
                """);
            Add(command, "$limit", limit ?? -1);
            var items = new List<ConversationListItem>();
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                items.Add(new ConversationListItem
                {
                    Id = reader.GetString(0),
                    Title = reader.IsDBNull(1) ? null : reader.GetString(1),
                    Model = reader.IsDBNull(2) ? null : reader.GetString(2),
                    CreatedAt = StorageText.ParseTime(reader.GetString(3)),
                    UpdatedAt = StorageText.ParseTime(reader.GetString(4)),
                    TurnCount = reader.GetInt32(5),
                    TotalTokens = reader.GetInt64(6),
                    TotalCostUsd = reader.IsDBNull(7) ? null : ToDecimal(reader.GetDouble(7)),
                    MessageCount = reader.GetInt32(8),
                });
            }

            return items;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<SearchHit>> SearchAsync(string text, int limit = 20, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var terms = StorageText.SearchTerms(text);
        if (terms.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<SearchHit>>([]);
        }

        return RunAsync<IReadOnlyList<SearchHit>>(async c =>
        {
            var sql = new StringBuilder("""
                SELECT m.conversation_id, c.title, m.seq, m.role, m.content, m.created_at
                FROM messages m JOIN conversations c ON c.id = m.conversation_id
                WHERE 1 = 1
                """);
            using var command = Command(c, null, string.Empty);

            // Terms of 3+ characters use the trigram index; shorter ones cannot, and are scanned with LIKE.
            var indexed = terms.Where(t => StorageText.CodePointCount(t) >= 3).ToArray();
            if (indexed.Length > 0)
            {
                sql.Append(" AND m.id IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH $match)");
                Add(command, "$match", string.Join(' ', indexed.Select(t => "\"" + t.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"")));
            }

            int n = 0;
            foreach (string term in terms.Where(t => StorageText.CodePointCount(t) < 3))
            {
                string name = "$like" + n++.ToString(CultureInfo.InvariantCulture);
                sql.Append(CultureInfo.InvariantCulture, $" AND m.content LIKE {name} ESCAPE '\\'");
                Add(command, name, "%" + EscapeLike(term) + "%");
            }

            sql.Append(" ORDER BY m.id DESC;");
            command.CommandText = sql.ToString();

            var hits = new List<SearchHit>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (hits.Count < limit && await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                string conversationId = reader.GetString(0);
                if (!seen.Add(conversationId))
                {
                    continue;
                }

                hits.Add(new SearchHit
                {
                    ConversationId = conversationId,
                    Title = reader.IsDBNull(1) ? null : reader.GetString(1),
                    Sequence = reader.GetInt64(2),
                    Role = reader.GetString(3),
                    Snippet = StorageText.Snippet(reader.GetString(4), terms),
                    CreatedAt = StorageText.ParseTime(reader.GetString(5)),
                });
            }

            return hits;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task DeleteAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        return RunAsync(async c =>
        {
            using var transaction = c.BeginTransaction(deferred: false);
            using var command = Command(c, transaction, "DELETE FROM conversations WHERE id = $id;");
            Add(command, "$id", conversationId);
            if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                throw new ConversationNotFoundException(conversationId);
            }

            transaction.Commit();
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<UsageReport> GetUsageReportAsync(DateOnly? since = null, CancellationToken cancellationToken = default) =>
        RunAsync(async c =>
        {
            using var command = Command(c, null, """
                SELECT t.created_at, t.model, t.conversation_id, c.title, t.kind,
                       t.input_tokens, t.output_tokens, t.cached_input_tokens, t.reasoning_tokens, t.total_tokens, t.cost_usd, t.status
                FROM turns t JOIN conversations c ON c.id = t.conversation_id
                WHERE t.created_at >= $from
                ORDER BY t.created_at;
                """);
            Add(command, "$from", since is { } day ? StorageText.FormatTime(UsageReportBuilder.StartOfDayUtc(day, _timeZone)) : string.Empty);
            var samples = new List<UsageSample>();
            using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    samples.Add(new UsageSample(
                        StorageText.ParseTime(reader.GetString(0)),
                        reader.IsDBNull(1) ? null : reader.GetString(1),
                        reader.GetString(2),
                        reader.IsDBNull(3) ? null : reader.GetString(3),
                        ParseKind(reader.GetString(4)),
                        ParseStatus(reader.GetString(11)),
                        NullableInt64(reader, 5),
                        NullableInt64(reader, 6),
                        NullableInt64(reader, 7),
                        NullableInt64(reader, 8),
                        NullableInt64(reader, 9),
                        reader.IsDBNull(10) ? null : ToDecimal(reader.GetDouble(10))));
                }
            }

            return UsageReportBuilder.Build(samples, since, _timeZone);
        }, cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            await _connection.DisposeAsync().ConfigureAwait(false);
            if (_opened)
            {
                IntegrityStamp.Record(DatabasePath);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private static void RequireFinal(TurnOutcome outcome)
    {
        if (outcome.Status == TurnStatus.Pending)
        {
            throw new ArgumentException("A turn's outcome must be complete, interrupted or failed, not pending.", nameof(outcome));
        }
    }

    private async Task<T> RunAsync<T>(Func<SqliteConnection, Task<T>> action, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            cancellationToken.ThrowIfCancellationRequested();
            return await action(_connection).ConfigureAwait(false);
        }
        catch (SqliteException exception)
        {
            throw SqliteDatabaseFile.Translate(DatabasePath, exception);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<TurnRecord> CompleteOrRecoverAsync(
        PendingTurn turn, ChatMessage? assistantMessage, TurnOutcome outcome, IReadOnlyDictionary<string, int>? assistantTokenCounts, CancellationToken cancellationToken)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        var pause = TimeSpan.FromMilliseconds(250);
        while (true)
        {
            try
            {
                return (await RunAsync(
                    c => CompleteInTransactionAsync(c, turn.Id, turn.ConversationId, assistantMessage, assistantTokenCounts, outcome, importing: false, cancellationToken),
                    cancellationToken).ConfigureAwait(false))!;
            }
            catch (ParleyStorageException e) when (SqliteDatabaseFile.IsLocked(e))
            {
                var left = _saveWait - waited.Elapsed;
                if (left <= TimeSpan.Zero)
                {
                    return await SaveToRecoveryFileAsync(turn, assistantMessage, outcome).ConfigureAwait(false);
                }

                await Task.Delay(pause < left ? pause : left, cancellationToken).ConfigureAwait(false);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromSeconds(4).Ticks));
            }
        }
    }

    private async Task<TurnRecord> SaveToRecoveryFileAsync(PendingTurn turn, ChatMessage? assistantMessage, TurnOutcome outcome)
    {
        var file = await RecoveryFile.WriteAsync(DatabasePath, new RecoveredTurn
        {
            TurnId = turn.Id,
            ConversationId = turn.ConversationId,
            UserSequence = turn.UserSequence,
            AssistantText = assistantMessage?.Text,
            AssistantMessageId = assistantMessage?.MessageId,
            Outcome = outcome,
        }, CancellationToken.None).ConfigureAwait(false);
        return new TurnRecord
        {
            Id = turn.Id,
            ConversationId = turn.ConversationId,
            Kind = TurnKind.Chat,
            Status = outcome.Status,
            UserSequence = turn.UserSequence,
            Model = outcome.Model,
            Usage = outcome.Usage ?? new UsageDetails(),
            CostUsd = outcome.CostUsd,
            Latency = outcome.Latency,
            TimeToFirstToken = outcome.TimeToFirstToken,
            FinishReason = outcome.FinishReason,
            Error = outcome.Error,
            CreatedAt = turn.CreatedAt,
            UpdatedAt = Now(),
            RecoveryFile = file,
        };
    }

    // Completes a pending turn in one transaction. On import, a turn already completed (or gone) is skipped (null), and
    // a turn marked interrupted because its process ended is completed all the same: the recovery file has its answer.
    private async Task<TurnRecord?> CompleteInTransactionAsync(
        SqliteConnection c, string turnId, string conversationId, ChatMessage? assistantMessage, IReadOnlyDictionary<string, int>? assistantTokenCounts,
        TurnOutcome outcome, bool importing, CancellationToken cancellationToken)
    {
        using var transaction = c.BeginTransaction(deferred: false);
        using (var check = Command(c, transaction, "SELECT status, error FROM turns WHERE id = $id AND conversation_id = $conversation_id;"))
        {
            Add(check, "$id", turnId);
            Add(check, "$conversation_id", conversationId);
            string? status = null, error = null;
            using (var reader = await check.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    status = reader.GetString(0);
                    error = NullableString(reader, 1);
                }
            }

            var open = string.Equals(status, "pending", StringComparison.Ordinal)
                || (importing && string.Equals(status, "interrupted", StringComparison.Ordinal) && string.Equals(error, InterruptedByExit, StringComparison.Ordinal));
            if (importing && !open)
            {
                return null;
            }

            if (status is null)
            {
                await RequireConversationAsync(c, transaction, conversationId, cancellationToken).ConfigureAwait(false);
                throw new InvalidOperationException($"Turn {turnId} is not stored in conversation {conversationId}.");
            }

            if (!open)
            {
                throw new InvalidOperationException($"Turn {turnId} is already {status}; a turn is completed once.");
            }
        }

        string now = NowText();
        long? assistantSeq = assistantMessage is null
            ? null
            : await InsertMessageAsync(c, transaction, conversationId, assistantMessage, assistantTokenCounts, now, cancellationToken).ConfigureAwait(false);
        using (var command = Command(c, transaction, """
            UPDATE turns SET
                status = $status, assistant_seq = $assistant_seq, model = coalesce($model, model),
                input_tokens = $input, output_tokens = $output, cached_input_tokens = $cached, reasoning_tokens = $reasoning,
                total_tokens = $total, cost_usd = $cost, latency_ms = $latency, ttft_ms = $ttft,
                finish_reason = $finish_reason, error = $error, updated_at = $now,
                context_dropped = $context_dropped, context_summarized = $context_summarized
            WHERE id = $id;
            """))
        {
            Add(command, "$id", turnId);
            Add(command, "$assistant_seq", assistantSeq);
            Add(command, "$now", now);
            AddOutcome(command, outcome);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await TouchConversationAsync(c, transaction, conversationId, now, cancellationToken).ConfigureAwait(false);
        var record = await ReadTurnAsync(c, transaction, turnId, cancellationToken).ConfigureAwait(false);
        transaction.Commit();
        return record;
    }

    // Imports the turns other processes left in recovery files while the database was locked; a file is deleted once
    // its turns are in the database. A file that cannot be read is left where it is, for a person to look at.
    private async Task<int> ImportRecoveryFilesAsync(CancellationToken cancellationToken)
    {
        var imported = 0;
        foreach (var file in RecoveryFile.Find(DatabasePath))
        {
            IReadOnlyList<RecoveredTurn> turns;
            try
            {
                turns = await RecoveryFile.ReadAsync(file, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException or FormatException or OverflowException)
            {
                continue;
            }

            try
            {
                foreach (var turn in turns)
                {
                    if (await CompleteInTransactionAsync(_connection, turn.TurnId, turn.ConversationId, turn.AssistantMessage, null, turn.Outcome, importing: true, cancellationToken).ConfigureAwait(false) is not null)
                    {
                        imported++;
                    }
                }
            }
            catch (SqliteException e) when (e.SqliteErrorCode is 5 or 6)
            {
                break; // still locked by another process: the files wait for the next open (a turn imported already is skipped then)
            }

            File.Delete(file);
        }

        return imported;
    }

    private async Task<int> RecoverStaleTurnsAsync(CancellationToken cancellationToken)
    {
        var now = Now();
        var stale = new List<string>();
        using (var command = Command(_connection, null, "SELECT id, writer_pid, writer_started_at, writer_host, updated_at FROM turns WHERE status = 'pending';"))
        {
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                bool alive = WriterIdentity.IsAlive(
                    NullableInt64(reader, 1),
                    NullableInt64(reader, 2),
                    reader.IsDBNull(3) ? null : reader.GetString(3),
                    StorageText.ParseTime(reader.GetString(4)),
                    now);
                if (!alive)
                {
                    stale.Add(reader.GetString(0));
                }
            }
        }

        if (stale.Count == 0)
        {
            return 0;
        }

        int flipped = 0;
        using var transaction = _connection.BeginTransaction(deferred: false);
        foreach (string id in stale)
        {
            using var update = Command(_connection, transaction, "UPDATE turns SET status = 'interrupted', error = coalesce(error, $error), updated_at = $now WHERE id = $id AND status = 'pending';");
            Add(update, "$id", id);
            Add(update, "$error", InterruptedByExit);
            Add(update, "$now", StorageText.FormatTime(now));
            flipped += await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        transaction.Commit();
        return flipped;
    }

    private async Task<ConversationRecord> InsertConversationAsync(SqliteConnection c, SqliteTransaction transaction, NewConversation conversation, CancellationToken cancellationToken)
    {
        string id = StorageText.NewId();
        var now = Now();
        using var command = Command(c, transaction, """
            INSERT INTO conversations (id, title, provider, model, system_prompt, context_policy, created_at, updated_at)
            VALUES ($id, $title, $provider, $model, $system_prompt, $context_policy, $now, $now);
            """);
        Add(command, "$id", id);
        Add(command, "$title", conversation.Title);
        Add(command, "$provider", conversation.Provider);
        Add(command, "$model", conversation.Model);
        Add(command, "$system_prompt", conversation.SystemPrompt);
        Add(command, "$context_policy", conversation.ContextPolicy);
        Add(command, "$now", StorageText.FormatTime(now));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return new ConversationRecord
        {
            Id = id,
            Title = conversation.Title,
            Provider = conversation.Provider,
            Model = conversation.Model,
            SystemPrompt = conversation.SystemPrompt,
            ContextPolicy = conversation.ContextPolicy,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    private async Task<List<StoredMessage>> InsertMessagesAsync(SqliteConnection c, SqliteTransaction transaction, string conversationId, List<ChatMessage> messages, CancellationToken cancellationToken)
    {
        var now = Now();
        string nowText = StorageText.FormatTime(now);
        var stored = new List<StoredMessage>(messages.Count);
        foreach (var message in messages)
        {
            long seq = await InsertMessageAsync(c, transaction, conversationId, message, null, nowText, cancellationToken).ConfigureAwait(false);
            stored.Add(new StoredMessage
            {
                ConversationId = conversationId,
                Sequence = seq,
                Message = new ChatMessage(message.Role, message.Text) { CreatedAt = now },
                TokenCounts = StorageText.CopyTokenCounts(null),
                CreatedAt = now,
            });
        }

        await TouchConversationAsync(c, transaction, conversationId, nowText, cancellationToken).ConfigureAwait(false);
        return stored;
    }

    /// <summary>Inserts a message with the next sequence number (the caller holds the write lock) and titles an untitled conversation.</summary>
    private static async Task<long> InsertMessageAsync(SqliteConnection c, SqliteTransaction transaction, string conversationId, ChatMessage message, IReadOnlyDictionary<string, int>? tokenCounts, string now, CancellationToken cancellationToken)
    {
        long seq;
        using (var command = Command(c, transaction, """
            INSERT INTO messages (conversation_id, seq, role, content, token_counts, created_at)
            VALUES ($conversation_id, (SELECT coalesce(max(seq), 0) + 1 FROM messages WHERE conversation_id = $conversation_id),
                    $role, $content, $token_counts, $now)
            RETURNING seq;
            """))
        {
            Add(command, "$conversation_id", conversationId);
            Add(command, "$role", message.Role.Value);
            Add(command, "$content", message.Text);
            Add(command, "$token_counts", StorageText.TokenCountsToJson(tokenCounts));
            Add(command, "$now", now);
            seq = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        }

        if (message.Role == ChatRole.User && StorageText.MakeTitle(message.Text) is { } title)
        {
            using var command = Command(c, transaction, "UPDATE conversations SET title = $title WHERE id = $id AND title IS NULL;");
            Add(command, "$id", conversationId);
            Add(command, "$title", title);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return seq;
    }

    private static async Task TouchConversationAsync(SqliteConnection c, SqliteTransaction transaction, string conversationId, string now, CancellationToken cancellationToken)
    {
        using var command = Command(c, transaction, "UPDATE conversations SET updated_at = $now WHERE id = $id;");
        Add(command, "$id", conversationId);
        Add(command, "$now", now);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task RequireConversationAsync(SqliteConnection c, SqliteTransaction transaction, string conversationId, CancellationToken cancellationToken)
    {
        using var command = Command(c, transaction, "SELECT 1 FROM conversations WHERE id = $id;");
        Add(command, "$id", conversationId);
        if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
        {
            throw new ConversationNotFoundException(conversationId);
        }
    }

    private static async Task<ConversationRecord?> ReadConversationAsync(SqliteConnection c, SqliteTransaction? transaction, string conversationId, CancellationToken cancellationToken)
    {
        using var command = Command(c, transaction, $"SELECT {ConversationColumns} FROM conversations WHERE id = $id;");
        Add(command, "$id", conversationId);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadConversation(reader) : null;
    }

    private static async Task<TurnRecord> ReadTurnAsync(SqliteConnection c, SqliteTransaction transaction, string turnId, CancellationToken cancellationToken)
    {
        using var command = Command(c, transaction, $"SELECT {TurnColumns} FROM turns WHERE id = $id;");
        Add(command, "$id", turnId);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"Turn {turnId} vanished while it was written.");
        }

        return ReadTurn(reader);
    }

    private static ConversationRecord ReadConversation(SqliteDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Title = NullableString(reader, 1),
        Provider = NullableString(reader, 2),
        Model = NullableString(reader, 3),
        SystemPrompt = NullableString(reader, 4),
        ContextPolicy = NullableString(reader, 5),
        Summary = NullableString(reader, 6),
        SummaryThroughSequence = NullableInt64(reader, 7),
        CreatedAt = StorageText.ParseTime(reader.GetString(8)),
        UpdatedAt = StorageText.ParseTime(reader.GetString(9)),
    };

    private static TurnRecord ReadTurn(SqliteDataReader reader) => new()
    {
        Id = reader.GetString(0),
        ConversationId = reader.GetString(1),
        Kind = ParseKind(reader.GetString(2)),
        Status = ParseStatus(reader.GetString(3)),
        UserSequence = NullableInt64(reader, 4),
        AssistantSequence = NullableInt64(reader, 5),
        Model = NullableString(reader, 6),
        Usage = new UsageDetails
        {
            InputTokenCount = NullableInt64(reader, 7),
            OutputTokenCount = NullableInt64(reader, 8),
            CachedInputTokenCount = NullableInt64(reader, 9),
            ReasoningTokenCount = NullableInt64(reader, 10),
            TotalTokenCount = NullableInt64(reader, 11),
        },
        CostUsd = reader.IsDBNull(12) ? null : ToDecimal(reader.GetDouble(12)),
        Latency = NullableInt64(reader, 13) is { } latency ? TimeSpan.FromMilliseconds(latency) : null,
        TimeToFirstToken = NullableInt64(reader, 14) is { } ttft ? TimeSpan.FromMilliseconds(ttft) : null,
        FinishReason = NullableString(reader, 15) is { } finish ? new ChatFinishReason(finish) : null,
        Error = NullableString(reader, 16),
        CreatedAt = StorageText.ParseTime(reader.GetString(17)),
        UpdatedAt = StorageText.ParseTime(reader.GetString(18)),
        MessagesDropped = NullableInt64(reader, 19) is { } dropped ? (int)dropped : null,
        MessagesSummarized = NullableInt64(reader, 20) is { } summarized ? (int)summarized : null,
    };

    private static void AddOutcome(SqliteCommand command, TurnOutcome outcome)
    {
        var usage = outcome.Usage;
        Add(command, "$status", FormatStatus(outcome.Status));
        Add(command, "$model", outcome.Model);
        Add(command, "$input", usage?.InputTokenCount);
        Add(command, "$output", usage?.OutputTokenCount);
        Add(command, "$cached", usage?.CachedInputTokenCount);
        Add(command, "$reasoning", usage?.ReasoningTokenCount);
        Add(command, "$total", TotalTokens(usage));
        Add(command, "$cost", outcome.CostUsd is { } cost ? (double)cost : null);
        Add(command, "$latency", outcome.Latency is { } latency ? (long)Math.Round(latency.TotalMilliseconds) : null);
        Add(command, "$ttft", outcome.TimeToFirstToken is { } ttft ? (long)Math.Round(ttft.TotalMilliseconds) : null);
        Add(command, "$finish_reason", outcome.FinishReason?.Value);
        Add(command, "$error", outcome.Error);
        Add(command, "$context_dropped", outcome.MessagesDropped);
        Add(command, "$context_summarized", outcome.MessagesSummarized);
    }

    /// <summary>The provider's total, else input + output when either is known.</summary>
    internal static long? TotalTokens(UsageDetails? usage) =>
        usage is null ? null
        : usage.TotalTokenCount ?? (usage.InputTokenCount is null && usage.OutputTokenCount is null ? null : (usage.InputTokenCount ?? 0) + (usage.OutputTokenCount ?? 0));

    internal static string FormatStatus(TurnStatus status) => status switch
    {
        TurnStatus.Pending => "pending",
        TurnStatus.Complete => "complete",
        TurnStatus.Interrupted => "interrupted",
        TurnStatus.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown turn status."),
    };

    private static TurnStatus ParseStatus(string value) => value switch
    {
        "pending" => TurnStatus.Pending,
        "complete" => TurnStatus.Complete,
        "interrupted" => TurnStatus.Interrupted,
        "failed" => TurnStatus.Failed,
        _ => throw new InvalidDataException($"Unknown turn status '{value}' in the database."),
    };

    private static TurnKind ParseKind(string value) => value switch
    {
        "chat" => TurnKind.Chat,
        "summary" => TurnKind.Summary,
        _ => throw new InvalidDataException($"Unknown turn kind '{value}' in the database."),
    };

    private static decimal ToDecimal(double value) => Math.Round((decimal)value, 10);

    private static string EscapeLike(string term) =>
        term.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    private static string? NullableString(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static long? NullableInt64(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private static void Add(SqliteCommand command, string name, object? value) =>
        command.Parameters.AddWithValue(name, value ?? DBNull.Value);

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        using var command = Command(connection, transaction, sql);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private DateTimeOffset Now() => StorageText.Truncate(_timeProvider.GetUtcNow());

    private string NowText() => StorageText.FormatTime(Now());
}
