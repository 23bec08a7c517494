namespace Parley.Server;

/// <summary>
/// The <see cref="IRateLimitWindow"/> kept by the store (a server database), so every gateway replica on it counts a
/// key's requests together: a limit of R requests per minute admits at most R over all replicas.
/// </summary>
internal sealed class StoreRateLimitWindow(IApiKeyStore store) : IRateLimitWindow
{
    public async ValueTask<RateLimitDecision> TryAcquireAsync(long keyId, int? requestsPerMinute, int? tokensPerMinute, long tokens, CancellationToken cancellationToken)
    {
        if (requestsPerMinute is null && tokensPerMinute is null)
        {
            return RateLimitDecision.Allow;
        }

        var acquisition = await store.TryAcquireRateAsync(keyId, requestsPerMinute, tokensPerMinute, tokens, cancellationToken).ConfigureAwait(false);
        return RateLimitDecision.From(acquisition);
    }
}
