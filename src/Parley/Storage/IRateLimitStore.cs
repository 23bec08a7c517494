namespace Parley;

/// <summary>
/// A store that keeps the rate-limit window of each virtual key, so gateway replicas on one server database count a
/// key's requests and tokens per minute together (a limit of R requests per minute admits at most R over all of them).
/// </summary>
public interface IRateLimitStore
{
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
    Task<RateLimitAcquisition> TryAcquireRateAsync(long keyId, int? requestsPerMinute, int? tokensPerMinute, long tokens, CancellationToken cancellationToken = default);
}
