namespace Parley;

/// <summary>What a virtual key may use; every limit is optional (<see langword="null"/>: unlimited).</summary>
/// <param name="DailyUsd">The most the key may spend per UTC day, in US dollars.</param>
/// <param name="MonthlyUsd">The most the key may spend per UTC month, in US dollars.</param>
/// <param name="Models">The models the key may use; <see langword="null"/> for all.</param>
/// <param name="RequestsPerMinute">The most requests per minute.</param>
/// <param name="TokensPerMinute">The most tokens (prompt and answer) per minute.</param>
public sealed record ApiKeyLimits(
    decimal? DailyUsd = null,
    decimal? MonthlyUsd = null,
    IReadOnlyList<string>? Models = null,
    int? RequestsPerMinute = null,
    int? TokensPerMinute = null)
{
    /// <summary>Gets limits that limit nothing.</summary>
    public static ApiKeyLimits None { get; } = new();

    /// <summary>
    /// Gets the key's default context policy in the gateway (<c>budget</c>, <c>last:N</c> or <c>summarize</c>), used when a request does
    /// not send <c>X-Parley-Context</c>; <see langword="null"/>: a request that does not fit is refused.
    /// </summary>
    public string? ContextPolicy { get; init; }

    /// <summary>Gets whether the key has a daily or monthly budget.</summary>
    public bool HasBudget => DailyUsd is not null || MonthlyUsd is not null;
}
