namespace Parley.Server;

/// <summary>
/// The in-process <see cref="IRateLimitWindow"/>: per key, the requests of the last 60 seconds with their tokens (the
/// prompt plus the most the answer may use, as OpenAI counts them).
/// </summary>
internal sealed class SlidingWindowRateLimiter(TimeProvider timeProvider) : IRateLimitWindow
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

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

            while (window.Count > 0 && window.Peek().At <= now - Window)
            {
                window.Dequeue();
            }

            if (requestsPerMinute is { } rpm && window.Count >= rpm)
            {
                // The oldest requests leave the window first; retry when enough have left for one more.
                var freeAt = window.ElementAt(window.Count - rpm).At + Window;
                return ValueTask.FromResult(new RateLimitDecision(false, "requests", rpm, window.Count, freeAt - now));
            }

            if (tokensPerMinute is { } tpm)
            {
                long used = window.Sum(e => e.Tokens);
                if (tokens > tpm)
                {
                    return ValueTask.FromResult(new RateLimitDecision(false, "tokens", tpm, used, null));
                }

                if (used + tokens > tpm)
                {
                    long toFree = used + tokens - tpm;
                    var freeAt = now;
                    foreach (var entry in window)
                    {
                        toFree -= entry.Tokens;
                        freeAt = entry.At + Window;
                        if (toFree <= 0)
                        {
                            break;
                        }
                    }

                    return ValueTask.FromResult(new RateLimitDecision(false, "tokens", tpm, used, freeAt - now));
                }
            }

            window.Enqueue((now, tokens));
            return ValueTask.FromResult(RateLimitDecision.Allow);
        }
    }
}
