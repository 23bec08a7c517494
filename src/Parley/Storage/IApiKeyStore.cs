namespace Parley;

/// <summary>
/// Virtual keys for a gateway: each key has a unique name, is stored only as a hash, and may carry limits (budgets per
/// UTC day and month, a model list, rate limits). Budgets hold because a request reserves its worst-case cost before
/// it is sent (<see cref="ReserveAsync"/>: one atomic check-and-add) and settles it to the real cost afterwards.
/// </summary>
/// <remarks>
/// Implementations are safe to share between threads and processes (and, for a server database, between replicas):
/// a reservation never lets the spend of a day or month pass its limit, however many requests race for it. Every
/// implementation passes the same contract tests.
/// </remarks>
public interface IApiKeyStore
{
    /// <summary>Creates a key.</summary>
    /// <param name="name">The key's unique name (also after it is revoked).</param>
    /// <param name="apiKey">The secret itself; only its SHA-256 hash is stored.</param>
    /// <param name="limits">The key's limits.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The new key, or <see langword="null"/> when a key of that name exists.</returns>
    Task<ApiKeyRecord?> CreateKeyAsync(string name, string apiKey, ApiKeyLimits limits, CancellationToken cancellationToken = default);

    /// <summary>Finds the key a caller presented (revoked keys too: check <see cref="ApiKeyRecord.RevokedAt"/>).</summary>
    /// <param name="apiKey">The secret the caller sent.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The key, or <see langword="null"/> when no key has that secret.</returns>
    Task<ApiKeyRecord?> FindKeyAsync(string apiKey, CancellationToken cancellationToken = default);

    /// <summary>Lists every key, revoked ones too, oldest first, with what each spent in the current UTC day and month.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The keys.</returns>
    Task<IReadOnlyList<ApiKeyRecord>> ListKeysAsync(CancellationToken cancellationToken = default);

    /// <summary>Revokes a key: from now on it authenticates nobody. Revoking a revoked key changes nothing.</summary>
    /// <param name="name">The key's name.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="false"/> when no key has that name.</returns>
    Task<bool> RevokeKeyAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reserves <paramref name="amountUsd"/> against the key's daily and monthly budgets of the current UTC day, in one
    /// atomic transaction: granted only when neither budget would be passed; a refusal changes nothing.
    /// </summary>
    /// <param name="keyId">The key's id.</param>
    /// <param name="amountUsd">The request's worst-case cost (0 or more).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The reservation (granted or not) with what the budgets have left.</returns>
    Task<BudgetReservation> ReserveAsync(long keyId, decimal amountUsd, CancellationToken cancellationToken = default);

    /// <summary>Replaces a granted reservation by the real cost, in the day and month it was made in.</summary>
    /// <param name="reservation">A granted reservation, settled or released at most once.</param>
    /// <param name="costUsd">The real cost (0 or more).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the spend is recorded.</returns>
    Task SettleAsync(BudgetReservation reservation, decimal costUsd, CancellationToken cancellationToken = default);

    /// <summary>Returns a granted reservation unused (the request failed before anything was charged).</summary>
    /// <param name="reservation">A granted reservation, settled or released at most once.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the reservation is returned.</returns>
    Task ReleaseAsync(BudgetReservation reservation, CancellationToken cancellationToken = default);

    /// <summary>
    /// Gets whether this store keeps each key's rate-limit window itself (<see cref="TryAcquireRateAsync"/>), so gateway
    /// replicas on one server database count a key's requests and tokens per minute together (a limit of R requests per
    /// minute admits at most R over all of them). False by default: the gateway then counts them in process.
    /// </summary>
    bool SharesRateLimits => false;

    /// <summary>
    /// Counts one request of <paramref name="tokens"/> tokens against the key's limits over the last 60 seconds when
    /// both allow it, in one atomic step for every process; a refusal counts nothing and says when to try again.
    /// </summary>
    /// <param name="keyId">The key's id.</param>
    /// <param name="requestsPerMinute">The key's requests per minute; <see langword="null"/>: unlimited.</param>
    /// <param name="tokensPerMinute">The key's tokens per minute; <see langword="null"/>: unlimited.</param>
    /// <param name="tokens">The request's prompt tokens plus the most its answer may use.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Whether the request was counted, and if not, why.</returns>
    /// <exception cref="NotSupportedException"><see cref="SharesRateLimits"/> is false (the default).</exception>
    Task<RateLimitAcquisition> TryAcquireRateAsync(long keyId, int? requestsPerMinute, int? tokensPerMinute, long tokens, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("This key store keeps no rate-limit window: the gateway counts requests in process.");
}
