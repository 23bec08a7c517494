namespace Parley;

/// <summary>A stored virtual key (never its secret) with what it spent in the current UTC day and month.</summary>
public sealed record ApiKeyRecord
{
    /// <summary>Gets the key's id.</summary>
    public required long Id { get; init; }

    /// <summary>Gets the key's unique name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the key's limits.</summary>
    public required ApiKeyLimits Limits { get; init; }

    /// <summary>Gets the spend of the current UTC day in US dollars: settled costs plus open reservations.</summary>
    public decimal SpentTodayUsd { get; init; }

    /// <summary>Gets the spend of the current UTC month in US dollars: settled costs plus open reservations.</summary>
    public decimal SpentThisMonthUsd { get; init; }

    /// <summary>Gets when the key was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets when the key was revoked, or <see langword="null"/> while it is valid.</summary>
    public DateTimeOffset? RevokedAt { get; init; }
}
