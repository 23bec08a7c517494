using Microsoft.Extensions.Logging;

namespace Parley;

/// <summary>
/// Settings for <see cref="RetryingChatClient"/> and <see cref="TimeoutChatClient"/>. Every property is optional:
/// null means the default named by the matching <c>Default…</c> member. Change a copy with <c>with</c>.
/// </summary>
public sealed record ResilienceOptions
{
    /// <summary>The default <see cref="MaxRetries"/>: 3 retries after the first attempt.</summary>
    public const int DefaultMaxRetries = 3;

    /// <summary>How much the backoff ceiling grows from one retry to the next (2: 0.5 s, 1 s, 2 s, …).</summary>
    public const double BackoffFactor = 2.0;

    /// <summary>The default <see cref="BaseDelay"/>: 0.5 s.</summary>
    public static readonly TimeSpan DefaultBaseDelay = TimeSpan.FromMilliseconds(500);

    /// <summary>The default <see cref="MaxRetryDelay"/>: 60 s.</summary>
    public static readonly TimeSpan DefaultMaxRetryDelay = TimeSpan.FromSeconds(60);

    /// <summary>The default <see cref="IdleTimeout"/>: 60 s.</summary>
    public static readonly TimeSpan DefaultIdleTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The default <see cref="RequestTimeout"/>: 10 min.</summary>
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How many times a failed request is sent again (0 = never). The request is attempted at most
    /// <c>MaxRetries + 1</c> times; after the last failure its exception propagates unchanged. Default 3.
    /// </summary>
    public int? MaxRetries { get; init; }

    /// <summary>
    /// The longest wait before a retry. A server's <c>retry-after</c> longer than this is capped to it (and the
    /// logged <see cref="ParleyTelemetry.Retrying"/> event says so); the exponential backoff never exceeds it either. Default 60 s.
    /// </summary>
    public TimeSpan? MaxRetryDelay { get; init; }

    /// <summary>
    /// The backoff ceiling of the first retry when the server names no wait. Retry <c>n</c> waits a random time
    /// ("full jitter") between zero and <c>min(MaxRetryDelay, BaseDelay × 2^(n-1))</c>. Default 0.5 s.
    /// </summary>
    public TimeSpan? BaseDelay { get; init; }

    /// <summary>
    /// For streams: the longest silence allowed before the first update and between two updates; then the stream
    /// ends with a <see cref="ParleyApiException"/> of kind <see cref="ApiFailureKind.Timeout"/> that keeps the
    /// partial answer. <see cref="Timeout.InfiniteTimeSpan"/> turns it off. Default 60 s.
    /// </summary>
    public TimeSpan? IdleTimeout { get; init; }

    /// <summary>
    /// For non-streaming requests: the longest time one attempt may take in total, then it fails with a
    /// <see cref="ParleyApiException"/> of kind <see cref="ApiFailureKind.Timeout"/>.
    /// <see cref="Timeout.InfiniteTimeSpan"/> turns it off. Default 10 min.
    /// </summary>
    public TimeSpan? RequestTimeout { get; init; }

    /// <summary>
    /// The clock for backoff waits and timeouts. Null: the pipeline's services' <see cref="System.TimeProvider"/> when
    /// built by a <c>ChatClientBuilder</c> that has one, else <see cref="TimeProvider.System"/>.
    /// </summary>
    public TimeProvider? TimeProvider { get; init; }

    /// <summary>
    /// Where <see cref="RetryingChatClient"/> logs each retry (event <see cref="ParleyTelemetry.Retrying"/>). Null: the
    /// pipeline's services' <see cref="ILoggerFactory"/> when built by a <c>ChatClientBuilder</c> that has one, else none.
    /// </summary>
    public ILoggerFactory? LoggerFactory { get; init; }
}
