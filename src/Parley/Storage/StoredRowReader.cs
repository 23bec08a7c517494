using System.Data.Common;
using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>
/// The conversation, turn and key columns both stores select, in one order, and the records built from them — once, for
/// SQLite and PostgreSQL alike (linked into Parley.Postgres). Each engine says how it reads a time and a cost: SQLite
/// keeps ISO text and REAL, PostgreSQL timestamptz and numeric.
/// </summary>
internal sealed class StoredRowReader(Func<DbDataReader, int, DateTimeOffset> time, Func<DbDataReader, int, decimal> cost)
{
    public const string ConversationColumns =
        "id, title, provider, model, system_prompt, context_policy, summary, summary_through_seq, created_at, updated_at, key_name";

    public const string TurnColumns =
        "id, conversation_id, kind, status, user_seq, assistant_seq, model, input_tokens, output_tokens, cached_input_tokens, "
        + "reasoning_tokens, total_tokens, cost_usd, latency_ms, ttft_ms, finish_reason, error, created_at, updated_at, "
        + "context_dropped, context_summarized";

    /// <summary>A row of <see cref="ConversationColumns"/>.</summary>
    public ConversationRecord Conversation(DbDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Title = NullableString(reader, 1),
        Provider = NullableString(reader, 2),
        Model = NullableString(reader, 3),
        SystemPrompt = NullableString(reader, 4),
        ContextPolicy = NullableString(reader, 5),
        Summary = NullableString(reader, 6),
        SummaryThroughSequence = NullableInt64(reader, 7),
        CreatedAt = time(reader, 8),
        UpdatedAt = time(reader, 9),
        KeyName = NullableString(reader, 10),
    };

    /// <summary>A row of <see cref="TurnColumns"/>.</summary>
    public TurnRecord Turn(DbDataReader reader) => new()
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
        CostUsd = reader.IsDBNull(12) ? null : cost(reader, 12),
        Latency = NullableInt64(reader, 13) is { } latency ? TimeSpan.FromMilliseconds(latency) : null,
        TimeToFirstToken = NullableInt64(reader, 14) is { } ttft ? TimeSpan.FromMilliseconds(ttft) : null,
        FinishReason = NullableString(reader, 15) is { } finish ? new ChatFinishReason(finish) : null,
        Error = NullableString(reader, 16),
        CreatedAt = time(reader, 17),
        UpdatedAt = time(reader, 18),
        MessagesDropped = NullableInt64(reader, 19) is { } dropped ? (int)dropped : null,
        MessagesSummarized = NullableInt64(reader, 20) is { } summarized ? (int)summarized : null,
    };

    /// <summary>
    /// A key's row: id, name, daily and monthly limits, models, rpm, tpm, created and revoked times, today's and this
    /// month's spend, then its context policy.
    /// </summary>
    public ApiKeyRecord ApiKey(DbDataReader reader) => new()
    {
        Id = reader.GetInt64(0),
        Name = reader.GetString(1),
        Limits = new ApiKeyLimits(
            reader.IsDBNull(2) ? null : cost(reader, 2),
            reader.IsDBNull(3) ? null : cost(reader, 3),
            NullableString(reader, 4)?.Split(',', StringSplitOptions.RemoveEmptyEntries),
            NullableInt64(reader, 5) is { } rpm ? (int)rpm : null,
            NullableInt64(reader, 6) is { } tpm ? (int)tpm : null) { ContextPolicy = NullableString(reader, 11) },
        CreatedAt = time(reader, 7),
        RevokedAt = reader.IsDBNull(8) ? null : time(reader, 8),
        SpentTodayUsd = cost(reader, 9),
        SpentThisMonthUsd = cost(reader, 10),
    };

    private static string? NullableString(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static long? NullableInt64(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);
}
