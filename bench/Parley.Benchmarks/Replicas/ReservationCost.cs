using System.Diagnostics;

namespace Parley.Benchmarks;

/// <summary>
/// The budget reservation's cost per request: the two store calls the gateway makes around every request with a key
/// (<see cref="IApiKeyStore.ReserveAsync"/> before forwarding, <see cref="IApiKeyStore.SettleAsync"/> after), timed
/// together, one request after the other, on a key with a budget.
/// </summary>
internal static class ReservationCost
{
    /// <summary>Returns p50 and p99 in µs of reserve+settle over <paramref name="requests"/> requests after <paramref name="warmup"/>.</summary>
    public static async Task<(double P50Us, double P99Us)> MeasureAsync(IApiKeyStore store, int warmup, int requests)
    {
        var key = await store.CreateKeyAsync("bench-reserve", "pk-bench-" + Guid.NewGuid().ToString("N"), new ApiKeyLimits(DailyUsd: 1_000_000m, MonthlyUsd: 1_000_000m))
            ?? throw new InvalidOperationException("the key could not be created");
        var samples = new double[requests];
        for (var i = -warmup; i < requests; i++)
        {
            var started = Stopwatch.GetTimestamp();
            // What gpt-4o-mini's worst case for a small prompt and 1,000 output tokens reserves, then a smaller real cost.
            var reservation = await store.ReserveAsync(key.Id, 0.0006m);
            await store.SettleAsync(reservation, 0.0001m);
            if (i >= 0)
            {
                samples[i] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
            }
        }

        return (Stats.Percentile(samples, 0.5), Stats.Percentile(samples, 0.99));
    }
}
