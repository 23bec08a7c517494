namespace Parley;

/// <summary>
/// The answer of <see cref="IApiKeyStore.TryAcquireRateAsync"/>: counted, or refused on <see cref="Limit"/>
/// (<c>requests</c> or <c>tokens</c>) with the limit, what the window holds and when to retry (<see langword="null"/>
/// when the request alone is over the limit, so no wait helps).
/// </summary>
/// <param name="Allowed">Whether the request was counted.</param>
/// <param name="Limit">The limit that refused it: <c>requests</c> or <c>tokens</c>; <see langword="null"/> when allowed.</param>
/// <param name="LimitValue">That limit's value per minute.</param>
/// <param name="Used">What the window held of that limit.</param>
/// <param name="RetryAfter">When one more request fits; <see langword="null"/> when none will.</param>
public sealed record RateLimitAcquisition(bool Allowed, string? Limit = null, long LimitValue = 0, long Used = 0, TimeSpan? RetryAfter = null);
