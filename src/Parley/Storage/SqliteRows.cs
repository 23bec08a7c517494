using Microsoft.Data.Sqlite;
using Microsoft.Extensions.AI;
using static Parley.SqliteSql;

namespace Parley;

/// <summary>How conversations and turns map to rows: the columns read, the records built from them, the outcome written.</summary>
internal static class SqliteRows
{
    public const string ConversationColumns =
        "id, title, provider, model, system_prompt, context_policy, summary, summary_through_seq, created_at, updated_at, key_name";

    public const string TurnColumns =
        "id, conversation_id, kind, status, user_seq, assistant_seq, model, input_tokens, output_tokens, cached_input_tokens, "
        + "reasoning_tokens, total_tokens, cost_usd, latency_ms, ttft_ms, finish_reason, error, created_at, updated_at, "
        + "context_dropped, context_summarized";

    public static async Task<ConversationRecord?> ReadConversationAsync(SqliteConnection c, SqliteTransaction? transaction, string conversationId, CancellationToken cancellationToken)
    {
        using var command = Command(c, transaction, $"SELECT {ConversationColumns} FROM conversations WHERE id = $id;");
        Add(command, "$id", conversationId);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadConversation(reader) : null;
    }

    public static async Task<TurnRecord> ReadTurnAsync(SqliteConnection c, SqliteTransaction transaction, string turnId, CancellationToken cancellationToken)
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

    public static ConversationRecord ReadConversation(SqliteDataReader reader) => new()
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
        KeyName = NullableString(reader, 10),
    };

    public static TurnRecord ReadTurn(SqliteDataReader reader) => new()
    {
        Id = reader.GetString(0),
        ConversationId = reader.GetString(1),
        IsSummary = StorageText.ParseKind(reader.GetString(2)) == TurnKind.Summary,
        Status = StorageText.ParseStatus(reader.GetString(3)),
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

    /// <summary>Adds the outcome's parameters ($status, $model, usage, cost, timings, finish reason, error, context counts).</summary>
    public static void AddOutcome(SqliteCommand command, TurnOutcome outcome)
    {
        var usage = outcome.Usage;
        Add(command, "$status", StorageText.FormatStatus(outcome.Status));
        Add(command, "$model", outcome.Model);
        Add(command, "$input", usage?.InputTokenCount);
        Add(command, "$output", usage?.OutputTokenCount);
        Add(command, "$cached", usage?.CachedInputTokenCount);
        Add(command, "$reasoning", usage?.ReasoningTokenCount);
        Add(command, "$total", StorageText.TotalTokens(usage));
        Add(command, "$cost", outcome.CostUsd is { } cost ? (double)cost : null);
        Add(command, "$latency", outcome.Latency is { } latency ? (long)Math.Round(latency.TotalMilliseconds) : null);
        Add(command, "$ttft", outcome.TimeToFirstToken is { } ttft ? (long)Math.Round(ttft.TotalMilliseconds) : null);
        Add(command, "$finish_reason", outcome.FinishReason?.Value);
        Add(command, "$error", outcome.Error);
        Add(command, "$context_dropped", outcome.MessagesDropped);
        Add(command, "$context_summarized", outcome.MessagesSummarized);
    }
}
