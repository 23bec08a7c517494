using Microsoft.Data.Sqlite;
using Microsoft.Extensions.AI;
using static Parley.SqliteSql;

namespace Parley;

/// <summary>
/// Writes turns: the question with a pending turn, then the answer and the turn's outcome (waiting out another
/// process's lock, else saving to a recovery file), and summary calls.
/// </summary>
internal sealed class SqliteTurnWriter(SqliteStoreConnection database, StoreClock clock, SqliteTurnRecovery recovery, TimeSpan saveWait)
{
    public Task<TurnRecord> BeginAsync(string conversationId, ChatMessage userMessage, IReadOnlyDictionary<string, int>? tokenCounts, CancellationToken cancellationToken) =>
        database.RunAsync(async c =>
        {
            using var transaction = c.BeginTransaction(deferred: false);
            await SqliteConversationWriter.RequireConversationAsync(c, transaction, conversationId, cancellationToken).ConfigureAwait(false);
            var now = clock.Now();
            string nowText = StorageText.FormatTime(now);
            long seq = await SqliteConversationWriter.InsertMessageAsync(c, transaction, conversationId, userMessage, tokenCounts, nowText, cancellationToken).ConfigureAwait(false);
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

            await SqliteConversationWriter.TouchConversationAsync(c, transaction, conversationId, nowText, cancellationToken).ConfigureAwait(false);
            transaction.Commit();
            return StorageText.PendingTurn(turnId, conversationId, seq, now);
        }, cancellationToken);

    /// <summary>
    /// Completes the turn; while another process holds the database, tries again with back-off for up to the save wait,
    /// then saves the turn to a recovery file (an in-memory database is never locked by another process).
    /// </summary>
    /// <param name="turn">The pending turn.</param>
    /// <param name="messages">The answer's messages in order (tool calls, tool results, …, the final answer); none when no answer arrived.</param>
    /// <param name="outcome">How the call ended.</param>
    /// <param name="lastTokenCounts">The last message's token counts, if counted.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public async Task<TurnRecord> CompleteAsync(
        TurnRecord turn, IReadOnlyList<ChatMessage> messages, TurnOutcome outcome, IReadOnlyDictionary<string, int>? lastTokenCounts, CancellationToken cancellationToken)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        var pause = TimeSpan.FromMilliseconds(250);
        while (true)
        {
            try
            {
                return (await database.RunAsync(
                    c => CompleteInTransactionAsync(c, turn.Id, turn.ConversationId, messages, lastTokenCounts, outcome, importing: false, cancellationToken),
                    cancellationToken).ConfigureAwait(false))!;
            }
            catch (ParleyStorageException e) when (SqliteDatabaseFile.IsLocked(e) && database.FilePath is { } path)
            {
                var left = saveWait - waited.Elapsed;
                if (left <= TimeSpan.Zero)
                {
                    return await recovery.SaveToFileAsync(path, turn, messages, outcome).ConfigureAwait(false);
                }

                await Task.Delay(pause < left ? pause : left, cancellationToken).ConfigureAwait(false);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromSeconds(4).Ticks));
            }
        }
    }

    public Task<TurnRecord> RecordSummaryCallAsync(string conversationId, TurnOutcome outcome, CancellationToken cancellationToken) =>
        database.RunAsync(async c =>
        {
            using var transaction = c.BeginTransaction(deferred: false);
            await SqliteConversationWriter.RequireConversationAsync(c, transaction, conversationId, cancellationToken).ConfigureAwait(false);
            string now = clock.NowText();
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
                SqliteRows.AddOutcome(command, outcome);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await SqliteConversationWriter.TouchConversationAsync(c, transaction, conversationId, now, cancellationToken).ConfigureAwait(false);
            var record = await SqliteRows.ReadTurnAsync(c, transaction, turnId, cancellationToken).ConfigureAwait(false);
            transaction.Commit();
            return record;
        }, cancellationToken);

    /// <summary>
    /// Completes a pending turn in one transaction. On import, a turn already completed (or gone) is skipped (null), and
    /// a turn marked interrupted because its process ended is completed all the same: the recovery file has its answer.
    /// </summary>
    public async Task<TurnRecord?> CompleteInTransactionAsync(
        SqliteConnection c, string turnId, string conversationId, IReadOnlyList<ChatMessage> messages, IReadOnlyDictionary<string, int>? lastTokenCounts,
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
                || (importing && string.Equals(status, "interrupted", StringComparison.Ordinal) && string.Equals(error, SqliteTurnRecovery.InterruptedByExit, StringComparison.Ordinal));
            if (importing && !open)
            {
                return null;
            }

            if (status is null)
            {
                await SqliteConversationWriter.RequireConversationAsync(c, transaction, conversationId, cancellationToken).ConfigureAwait(false);
                throw new InvalidOperationException($"Turn {turnId} is not stored in conversation {conversationId}.");
            }

            if (!open)
            {
                throw new InvalidOperationException($"Turn {turnId} is already {status}; a turn is completed once.");
            }
        }

        string now = clock.NowText();
        long? assistantSeq = null;
        for (var i = 0; i < messages.Count; i++)
        {
            // The turn's messages follow its question in one transaction; the last is the answer the turn points at.
            var counts = i == messages.Count - 1 ? lastTokenCounts : null;
            assistantSeq = await SqliteConversationWriter.InsertMessageAsync(c, transaction, conversationId, messages[i], counts, now, cancellationToken).ConfigureAwait(false);
        }

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
            SqliteRows.AddOutcome(command, outcome);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await SqliteConversationWriter.TouchConversationAsync(c, transaction, conversationId, now, cancellationToken).ConfigureAwait(false);
        var record = await SqliteRows.ReadTurnAsync(c, transaction, turnId, cancellationToken).ConfigureAwait(false);
        transaction.Commit();
        return record;
    }
}
