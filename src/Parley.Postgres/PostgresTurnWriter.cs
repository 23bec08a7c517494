using System.Diagnostics;
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
    private static readonly Lazy<(int Pid, long StartedAt, string Host)> Writer = new(() =>
    {
        using var self = Process.GetCurrentProcess();
        return (Environment.ProcessId, new DateTimeOffset(self.StartTime.ToUniversalTime()).ToUnixTimeMilliseconds(), Environment.MachineName);
    });

    public Task<PendingTurn> BeginAsync(string conversationId, ChatMessage userMessage, IReadOnlyDictionary<string, int>? tokenCounts, CancellationToken cancellationToken) =>
        database.TransactAsync(
            async (c, t) =>
            {
                await PostgresRows.LockConversationAsync(c, t, conversationId, cancellationToken).ConfigureAwait(false);
                var at = now();
                long seq = await PostgresRows.InsertMessageAsync(c, t, conversationId, userMessage, tokenCounts, at, cancellationToken).ConfigureAwait(false);
                string turnId = PostgresText.NewId();
                var writer = Writer.Value;
                await using (var command = Command(c, t, """
                    INSERT INTO turns (id, conversation_id, kind, status, user_seq, model, writer_pid, writer_started_at, writer_host, created_at, updated_at)
                    VALUES ($1, $2, 'chat', 'pending', $3, (SELECT model FROM conversations WHERE id = $2), $4, $5, $6, $7, $7);
                    """))
                {
                    Add(command, turnId, NpgsqlDbType.Text);
                    Add(command, conversationId, NpgsqlDbType.Text);
                    Add(command, seq, NpgsqlDbType.Bigint);
                    Add(command, (long)writer.Pid, NpgsqlDbType.Bigint);
                    Add(command, writer.StartedAt, NpgsqlDbType.Bigint);
                    Add(command, writer.Host, NpgsqlDbType.Text);
                    Add(command, at, NpgsqlDbType.TimestampTz);
                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await PostgresRows.TouchConversationAsync(c, t, conversationId, at, cancellationToken).ConfigureAwait(false);
                return new PendingTurn { Id = turnId, ConversationId = conversationId, UserSequence = seq, CreatedAt = at };
            },
            cancellationToken);

    public Task<TurnRecord> CompleteAsync(PendingTurn turn, ChatMessage? assistantMessage, TurnOutcome outcome, IReadOnlyDictionary<string, int>? assistantTokenCounts, CancellationToken cancellationToken) =>
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
                long? assistantSeq = assistantMessage is null
                    ? null
                    : await PostgresRows.InsertMessageAsync(c, t, turn.ConversationId, assistantMessage, assistantTokenCounts, at, cancellationToken).ConfigureAwait(false);
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
                string turnId = PostgresText.NewId();
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
}
