namespace Parley.Server;

/// <summary>
/// Requests and tokens per minute per key over a sliding window. The in-process window serves one gateway; a shared
/// implementation (a server database) lets replicas count together.
/// </summary>
internal interface IRateLimitWindow
{
    /// <summary>
    /// Counts one request of <paramref name="tokens"/> tokens against the key's limits when both allow it; a refusal
    /// counts nothing and says when to try again.
    /// </summary>
    ValueTask<RateLimitDecision> TryAcquireAsync(long keyId, int? requestsPerMinute, int? tokensPerMinute, long tokens, CancellationToken cancellationToken);
}
