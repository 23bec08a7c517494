namespace Parley.Postgres;

/// <summary>One turn's numbers, as read for the usage report.</summary>
internal readonly record struct PostgresUsageSample(
    DateTimeOffset CreatedAt,
    string? Model,
    string ConversationId,
    string? Title,
    TurnKind Kind,
    TurnStatus Status,
    long? InputTokens,
    long? OutputTokens,
    long? CachedInputTokens,
    long? ReasoningTokens,
    long? TotalTokens,
    decimal? CostUsd,
    string? KeyName = null);
