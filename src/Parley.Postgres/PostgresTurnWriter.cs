using Microsoft.Extensions.AI;
using NpgsqlTypes;
using static Parley.Postgres.PostgresDatabase;

namespace Parley.Postgres;

/// <summary>
/// Writes turns: the question with a pending turn in one transaction, the answer with the final status in another, so a
/// turn is never half written (a failure rolls its transaction back whole).
/// </summary>
internal sealed class PostgresTurnWriter(PostgresDatabase database, Func<DateTimeOffset> now)
{
    /// <summary>The error text of a pending turn whose process ended (the SQLite store's words).</summary>
    public const string InterruptedByExit = "The process that wrote this turn ended before the answer was saved.";

    public Task<TurnRecord> BeginAsync(string conversationId, ChatMessage userMessage, IReadOnlyDictionary<string, int>? tokenCounts, CancellationToken cancellationToken) =>
        database.TransactAsync(
            async (c, t) =>
            {
                await PostgresRows.LockConversationAsync(c, t, conversationId, cancellationToken).ConfigureAwait(false);
                var at = now();
                long seq = await PostgresRows.InsertMessageAsync(c, t, conversationId, userMessage, tokenCounts, at, cancellationToken).ConfigureAwait(false);
                string turnId = StorageText.NewId();
                var writer = WriterIdentity.Current;
                await using (var command = Command(c, t, """
                    INSERT INTO turns (id, conversation_id, kind, status, user_seq, model, writer_pid, writer_started_at, writer_host, created_at, updated_at)
                    VALUES ($1, $2, 'chat', 'pending', $3, (SELECT model FROM conversations WHERE id = $2), $4, $5, $6, $7, $7);
                    """))
                {
                    Add(command, turnId, NpgsqlDbType.Text);
                    Add(command, conversationId, NpgsqlDbType.Text);
                    Add(command, seq, NpgsqlDbType.Bigint);
                    Add(command, (long)writer.ProcessId, NpgsqlDbType.Bigint);
                    Add(command, writer.StartedAtUnixMs, NpgsqlDbType.Bigint);
                    Add(command, writer.Host, NpgsqlDbType.Text);
                    Add(command, at, NpgsqlDbType.TimestampTz);
                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await PostgresRows.TouchConversationAsync(c, t, conversationId, at, cancellationToken).ConfigureAwait(false);
                return StorageText.PendingTurn(turnId, conversationId, seq, at);
            },
            cancellationToken);

    /// <summary>Completes the turn with its answer's messages in order (tool calls, tool results, …, the final answer), in one transaction.</summary>
    public Task<TurnRecord> CompleteAsync(TurnRecord turn, IReadOnlyList<ChatMessage> messages, TurnOutcome outcome, IReadOnlyDictionary<string, int>? lastTokenCounts, CancellationToken cancellationToken) =>
        database.TransactAsync(
            async (c, t) =>
            {
                await PostgresRows.LockConversationAsync(c, t, turn.ConversationId, cancellationToken).ConfigureAwait(false);
                string? status;
                await using (var check = Command(c, t, "SELECT status FROM turns WHERE id = $1 AND conversation_id = $2;"))
                {
                    Add(check, turn.Id, NpgsqlDbType.Text);
                    Add(check, turn.ConversationId, NpgsqlDbType.Text);
                    status = await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
                }

                if (status is null)
                {
                    throw new InvalidOperationException($"Turn {turn.Id} is not stored in conversation {turn.ConversationId}.");
                }

                if (!string.Equals(status, "pending", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"Turn {turn.Id} is already {status}; a turn is completed once.");
                }

                var at = now();
                long? assistantSeq = null;
                for (var i = 0; i < messages.Count; i++)
                {
                    var counts = i == messages.Count - 1 ? lastTokenCounts : null;
                    assistantSeq = await PostgresRows.InsertMessageAsync(c, t, turn.ConversationId, messages[i], counts, at, cancellationToken).ConfigureAwait(false);
                }

                await using (var command = Command(c, t, """
                    UPDATE turns SET
                        assistant_seq = $2, updated_at = $3,
                        status = $4, model = coalesce($5, model),
                        input_tokens = $6, output_tokens = $7, cached_input_tokens = $8, reasoning_tokens = $9,
                        total_tokens = $10, cost_usd = $11, latency_ms = $12, ttft_ms = $13,
                        finish_reason = $14, error = $15, context_dropped = $16, context_summarized = $17
                    WHERE id = $1;
                    """))
                {
                    Add(command, turn.Id, NpgsqlDbType.Text);
                    Add(command, assistantSeq, NpgsqlDbType.Bigint);
                    Add(command, at, NpgsqlDbType.TimestampTz);
                    PostgresRows.AddOutcome(command, outcome);
                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await PostgresRows.TouchConversationAsync(c, t, turn.ConversationId, at, cancellationToken).ConfigureAwait(false);
                return await PostgresRows.ReadTurnAsync(c, t, turn.Id, cancellationToken).ConfigureAwait(false);
            },
            cancellationToken);

    public Task<TurnRecord> RecordSummaryCallAsync(string conversationId, TurnOutcome outcome, CancellationToken cancellationToken) =>
        database.TransactAsync(
            async (c, t) =>
            {
                await PostgresRows.LockConversationAsync(c, t, conversationId, cancellationToken).ConfigureAwait(false);
                var at = now();
                string turnId = StorageText.NewId();
                await using (var command = Command(c, t, $"""
                    INSERT INTO turns (id, conversation_id, kind, created_at, updated_at, {PostgresRows.OutcomeColumns})
                    VALUES ($1, $2, 'summary', $3, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17);
                    """))
                {
                    Add(command, turnId, NpgsqlDbType.Text);
                    Add(command, conversationId, NpgsqlDbType.Text);
                    Add(command, at, NpgsqlDbType.TimestampTz);
                    PostgresRows.AddOutcome(command, outcome);
                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await PostgresRows.TouchConversationAsync(c, t, conversationId, at, cancellationToken).ConfigureAwait(false);
                return await PostgresRows.ReadTurnAsync(c, t, turnId, cancellationToken).ConfigureAwait(false);
            },
            cancellationToken);

    /// <summary>Marks interrupted the pending turns whose process has ended (on this machine, or unchanged for a day elsewhere).</summary>
    /// <returns>How many turns were marked.</returns>
    public Task<int> MarkStaleTurnsInterruptedAsync(CancellationToken cancellationToken) =>
        database.TransactAsync(
            async (c, t) =>
            {
                var at = now();
                var stale = new List<string>();
                await using (var command = Command(c, t, "SELECT id, writer_pid, writer_started_at, writer_host, updated_at FROM turns WHERE status = 'pending';"))
                {
                    await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        if (!WriterIdentity.IsAlive(
                            PostgresRows.NullableInt64(reader, 1), PostgresRows.NullableInt64(reader, 2), PostgresRows.NullableString(reader, 3), PostgresRows.Time(reader, 4), at))
                        {
                            stale.Add(reader.GetString(0));
                        }
                    }
                }

                int marked = 0;
                foreach (string id in stale)
                {
                    // Still pending: a writer that finished a moment ago keeps its answer.
                    await using var update = Command(c, t, "UPDATE turns SET status = 'interrupted', error = $2, updated_at = $3 WHERE id = $1 AND status = 'pending';");
                    Add(update, id, NpgsqlDbType.Text);
                    Add(update, InterruptedByExit, NpgsqlDbType.Text);
                    Add(update, at, NpgsqlDbType.TimestampTz);
                    marked += await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                return marked;
            },
            cancellationToken);
}
