namespace Parley.Server;

/// <summary>
/// The in-process <see cref="IRateLimitWindow"/>: per key, the requests of the last 60 seconds with their tokens (the
/// prompt plus the most the answer may use, as OpenAI counts them).
/// </summary>
internal sealed class SlidingWindowRateLimiter(TimeProvider timeProvider) : IRateLimitWindow
{
    private readonly Dictionary<long, Queue<(DateTimeOffset At, long Tokens)>> _windows = [];
    private readonly Lock _lock = new();

    public ValueTask<RateLimitDecision> TryAcquireAsync(long keyId, int? requestsPerMinute, int? tokensPerMinute, long tokens, CancellationToken cancellationToken)
    {
        if (requestsPerMinute is null && tokensPerMinute is null)
        {
            return ValueTask.FromResult(RateLimitDecision.Allow);
        }

        var now = timeProvider.GetUtcNow();
        lock (_lock)
        {
            if (!_windows.TryGetValue(keyId, out var window))
            {
                window = new Queue<(DateTimeOffset, long)>();
                _windows.Add(keyId, window);
            }

            while (window.Count > 0 && window.Peek().At <= now - RateLimitRule.Window)
            {
                window.Dequeue();
            }

            var decision = RateLimitDecision.From(RateLimitRule.Decide([.. window], now, requestsPerMinute, tokensPerMinute, tokens));
            if (!decision.Allowed)
            {
                return ValueTask.FromResult(decision);
            }

            window.Enqueue((now, tokens));
            return ValueTask.FromResult(RateLimitDecision.Allow);
        }
    }
}
