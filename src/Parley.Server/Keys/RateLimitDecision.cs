namespace Parley.Server;

/// <summary>
/// A rate limit's answer: allowed, or refused on <see cref="Limit"/> (<c>requests</c> or <c>tokens</c>, OpenAI's error
/// types) with the limit, what the window holds and when to retry (null when the request alone is over the limit).
/// </summary>
internal sealed record RateLimitDecision(bool Allowed, string? Limit = null, long LimitValue = 0, long Used = 0, TimeSpan? RetryAfter = null)
{
    public static RateLimitDecision Allow { get; } = new(true);

    /// <summary>The decision a store's (or the shared rule's) answer makes.</summary>
    public static RateLimitDecision From(RateLimitAcquisition acquisition) => acquisition.Allowed
        ? Allow
        : new(false, acquisition.Limit, acquisition.LimitValue, acquisition.Used, acquisition.RetryAfter);
}
