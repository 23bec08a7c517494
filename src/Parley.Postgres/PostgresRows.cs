using Microsoft.Extensions.AI;
using Npgsql;
using NpgsqlTypes;
using static Parley.Postgres.PostgresDatabase;

namespace Parley.Postgres;

/// <summary>Reads and writes the rows every part of the PostgreSQL store shares: conversations, messages and turns.</summary>
internal static class PostgresRows
{
    public const string ConversationColumns = StoredRowReader.ConversationColumns;

    public const string TurnColumns = StoredRowReader.TurnColumns;

    // PostgreSQL keeps times as timestamptz and costs as numeric.
    public static readonly StoredRowReader Rows = new((r, i) => r.GetFieldValue<DateTimeOffset>(i), (r, i) => r.GetDecimal(i));

    public static async Task<ConversationRecord?> ReadConversationAsync(NpgsqlConnection c, NpgsqlTransaction? transaction, string conversationId, CancellationToken cancellationToken)
    {
        await using var command = Command(c, transaction, $"SELECT {ConversationColumns} FROM conversations WHERE id = $1;");
        Add(command, conversationId, NpgsqlDbType.Text);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadConversation(reader) : null;
    }

    public static async Task<TurnRecord> ReadTurnAsync(NpgsqlConnection c, NpgsqlTransaction transaction, string turnId, CancellationToken cancellationToken)
    {
        await using var command = Command(c, transaction, $"SELECT {TurnColumns} FROM turns WHERE id = $1;");
        Add(command, turnId, NpgsqlDbType.Text);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"Turn {turnId} vanished while it was written.");
        }

        return ReadTurn(reader);
    }

    /// <summary>Locks the conversation's row for the transaction (writers of one conversation take turns), or throws when it does not exist.</summary>
    public static async Task LockConversationAsync(NpgsqlConnection c, NpgsqlTransaction transaction, string conversationId, CancellationToken cancellationToken)
    {
        await using var command = Command(c, transaction, "SELECT 1 FROM conversations WHERE id = $1 FOR UPDATE;");
        Add(command, conversationId, NpgsqlDbType.Text);
        if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
        {
            throw new ConversationNotFoundException(conversationId);
        }
    }

    /// <summary>Appends one message at the next sequence number (the caller holds the conversation's lock) and titles the conversation by its first user message.</summary>
    public static async Task<long> InsertMessageAsync(NpgsqlConnection c, NpgsqlTransaction transaction, string conversationId, ChatMessage message, IReadOnlyDictionary<string, int>? tokenCounts, DateTimeOffset now, CancellationToken cancellationToken)
    {
        long seq;
        await using (var command = Command(c, transaction, """
            INSERT INTO messages (conversation_id, seq, role, content, token_counts, created_at, parts)
            VALUES ($1, (SELECT coalesce(max(seq), 0) + 1 FROM messages WHERE conversation_id = $1), $2, $3, $4, $5, $6)
            RETURNING seq;
            """))
        {
            Add(command, conversationId, NpgsqlDbType.Text);
            Add(command, message.Role.Value, NpgsqlDbType.Text);
            Add(command, message.Text, NpgsqlDbType.Text);
            Add(command, StorageText.TokenCountsToJson(tokenCounts), NpgsqlDbType.Text);
            Add(command, now, NpgsqlDbType.TimestampTz);
            Add(command, MessageParts.ToJson(message), NpgsqlDbType.Text);
            seq = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        if (message.Role == ChatRole.User && StorageText.MakeTitle(message.Text) is { } title)
        {
            await using var command = Command(c, transaction, "UPDATE conversations SET title = $2 WHERE id = $1 AND title IS NULL;");
            Add(command, conversationId, NpgsqlDbType.Text);
            Add(command, title, NpgsqlDbType.Text);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return seq;
    }

    public static async Task TouchConversationAsync(NpgsqlConnection c, NpgsqlTransaction transaction, string conversationId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = Command(c, transaction, "UPDATE conversations SET updated_at = $2 WHERE id = $1;");
        Add(command, conversationId, NpgsqlDbType.Text);
        Add(command, now, NpgsqlDbType.TimestampTz);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public static ConversationRecord ReadConversation(NpgsqlDataReader reader) => Rows.Conversation(reader);

    public static TurnRecord ReadTurn(NpgsqlDataReader reader) => Rows.Turn(reader);

    /// <summary>Adds an outcome's columns as the next 14 positional parameters, in <see cref="OutcomeColumns"/> order.</summary>
    public static void AddOutcome(NpgsqlCommand command, TurnOutcome outcome)
    {
        var usage = outcome.Usage;
        Add(command, StorageText.FormatStatus(outcome.Status), NpgsqlDbType.Text);
        Add(command, outcome.Model, NpgsqlDbType.Text);
        Add(command, usage?.InputTokenCount, NpgsqlDbType.Bigint);
        Add(command, usage?.OutputTokenCount, NpgsqlDbType.Bigint);
        Add(command, usage?.CachedInputTokenCount, NpgsqlDbType.Bigint);
        Add(command, usage?.ReasoningTokenCount, NpgsqlDbType.Bigint);
        Add(command, StorageText.TotalTokens(usage), NpgsqlDbType.Bigint);
        Add(command, outcome.CostUsd, NpgsqlDbType.Numeric);
        Add(command, outcome.Latency is { } latency ? (long)Math.Round(latency.TotalMilliseconds) : null, NpgsqlDbType.Bigint);
        Add(command, outcome.TimeToFirstToken is { } ttft ? (long)Math.Round(ttft.TotalMilliseconds) : null, NpgsqlDbType.Bigint);
        Add(command, outcome.FinishReason?.Value, NpgsqlDbType.Text);
        Add(command, outcome.Error, NpgsqlDbType.Text);
        Add(command, outcome.MessagesDropped is { } dropped ? (long)dropped : null, NpgsqlDbType.Bigint);
        Add(command, outcome.MessagesSummarized is { } summarized ? (long)summarized : null, NpgsqlDbType.Bigint);
    }

    /// <summary>The columns <see cref="AddOutcome"/> fills, in its order.</summary>
    public const string OutcomeColumns =
        "status, model, input_tokens, output_tokens, cached_input_tokens, reasoning_tokens, total_tokens, cost_usd, latency_ms, ttft_ms, finish_reason, error, context_dropped, context_summarized";

    public static string? NullableString(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static long? NullableInt64(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);

    public static decimal? NullableDecimal(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetDecimal(ordinal);

    public static DateTimeOffset Time(NpgsqlDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);
}
