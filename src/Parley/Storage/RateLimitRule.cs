namespace Parley;

/// <summary>
/// The one rule of a key's rate limits over a sliding minute, shared by the gateway's in-process window and the server
/// database's window: given the requests of the last minute (oldest first), whether one more of <c>tokens</c> fits.
/// </summary>
internal static class RateLimitRule
{
    /// <summary>The window's length.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    public static RateLimitAcquisition Decide(IReadOnlyList<(DateTimeOffset At, long Tokens)> window, DateTimeOffset now, int? requestsPerMinute, int? tokensPerMinute, long tokens)
    {
        if (requestsPerMinute is { } rpm && window.Count >= rpm)
        {
            // The oldest requests leave the window first; retry when enough have left for one more.
            var freeAt = window[window.Count - rpm].At + Window;
            return new RateLimitAcquisition(false, "requests", rpm, window.Count, freeAt - now);
        }

        if (tokensPerMinute is { } tpm)
        {
            long used = window.Sum(e => e.Tokens);
            if (tokens > tpm)
            {
                return new RateLimitAcquisition(false, "tokens", tpm, used, null);
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

                return new RateLimitAcquisition(false, "tokens", tpm, used, freeAt - now);
            }
        }

        return new RateLimitAcquisition(true);
    }
}
