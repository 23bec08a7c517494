namespace Parley;

/// <summary>
/// The answer to <see cref="IApiKeyStore.ReserveAsync"/>: whether the amount was reserved, on which UTC day (its month
/// follows), and what the key's budgets have left (after the reservation when granted, as they stand when refused).
/// </summary>
/// <param name="KeyId">The key's id.</param>
/// <param name="Day">The UTC day the amount counts in (and so its month).</param>
/// <param name="AmountUsd">The amount asked for, in US dollars.</param>
/// <param name="Granted">Whether the amount was reserved.</param>
/// <param name="RemainingDailyUsd">What the daily budget has left; <see langword="null"/> when the key has none.</param>
/// <param name="RemainingMonthlyUsd">What the monthly budget has left; <see langword="null"/> when the key has none.</param>
public sealed record BudgetReservation(
    long KeyId,
    DateOnly Day,
    decimal AmountUsd,
    bool Granted,
    decimal? RemainingDailyUsd,
    decimal? RemainingMonthlyUsd);
