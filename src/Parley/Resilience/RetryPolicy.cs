using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Parley;

/// <summary>
/// Parley's retry decision and backoff, shared by <see cref="RetryingChatClient"/> and by callers that send raw HTTP
/// (the gateway): which failures are transient, how long to wait before retry <c>n</c> (exponential backoff with full
/// jitter, or the server's <c>retry-after</c> capped at <see cref="MaxRetryDelay"/>), and the logged wait.
/// </summary>
public sealed class RetryPolicy
{
    private int _maxRetries;
    private TimeSpan _baseDelay;
    private TimeSpan _maxRetryDelay;
    private TimeProvider _timeProvider;
    private readonly ILogger _logger;

    /// <summary>Creates the policy.</summary>
    /// <param name="options">Retry settings; null or null properties take the defaults of <see cref="ResilienceOptions"/>.</param>
    /// <param name="logger">Where each retry is logged; null: <see cref="ResilienceOptions.LoggerFactory"/>'s logger, else none.</param>
    public RetryPolicy(ResilienceOptions? options = null, ILogger? logger = null)
    {
        _logger = logger ?? (ILogger?)options?.LoggerFactory?.CreateLogger<RetryPolicy>() ?? NullLogger.Instance;
        MaxRetries = options?.MaxRetries ?? ResilienceOptions.DefaultMaxRetries;
        BaseDelay = options?.BaseDelay ?? ResilienceOptions.DefaultBaseDelay;
        MaxRetryDelay = options?.MaxRetryDelay ?? ResilienceOptions.DefaultMaxRetryDelay;
        _timeProvider = options?.TimeProvider ?? TimeProvider.System;
    }

    /// <summary>How many times a failed request is sent again (0 = never).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int MaxRetries
    {
        get => _maxRetries;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _maxRetries = value;
        }
    }

    /// <summary>The backoff ceiling of the first retry (see <see cref="ResilienceOptions.BaseDelay"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public TimeSpan BaseDelay
    {
        get => _baseDelay;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            _baseDelay = value;
        }
    }

    /// <summary>The longest wait before a retry; a longer <c>retry-after</c> is capped to it.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public TimeSpan MaxRetryDelay
    {
        get => _maxRetryDelay;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            _maxRetryDelay = value;
        }
    }

    /// <summary>The clock the backoff waits run on.</summary>
    public TimeProvider TimeProvider
    {
        get => _timeProvider;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            _timeProvider = value;
        }
    }

    /// <summary>The source of jitter in [0, 1); tests replace it.</summary>
    internal Func<double> Jitter { get; set; } = Random.Shared.NextDouble;

    /// <summary>
    /// True when <paramref name="error"/> is worth retrying: HTTP 408, 409, 429 (not <c>insufficient_quota</c>), 500,
    /// 502, 503, 504, a refused or failed connection, or a connect timeout (a <see cref="ApiFailureKind.Timeout"/> caused
    /// by the transport's <see cref="TimeoutException"/>; the idle and request timeouts of
    /// <see cref="TimeoutChatClient"/> are not).
    /// </summary>
    public static bool IsTransient(ParleyApiException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error.Kind switch
        {
            ApiFailureKind.HttpError => error.StatusCode switch
            {
                429 => !error.IsInsufficientQuota,
                408 or 409 or 500 or 502 or 503 or 504 => true,
                _ => false,
            },
            ApiFailureKind.ConnectionRefused or ApiFailureKind.ConnectionFailed => true,
            ApiFailureKind.Timeout => IsConnectTimeout(error),
            _ => false,
        };
    }

    /// <summary>True when attempt number <paramref name="attempt"/> (1 = the first) failed with a transient error and retries are left.</summary>
    public bool ShouldRetry(ParleyApiException error, int attempt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(error);
        return attempt <= _maxRetries && !cancellationToken.IsCancellationRequested && IsTransient(error);
    }

    /// <summary>Logs the retry (event <see cref="ParleyTelemetry.Retrying"/>) and waits before retry number <paramref name="attempt"/>.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task WaitBeforeRetryAsync(ParleyApiException error, int attempt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(error);
        var (delay, capped) = ComputeDelay(error, attempt);
        var reason = RetryNotice.Reason(error);
        ParleyLog.Retrying(_logger, reason, delay, attempt, _maxRetries, error.RetryAfter, capped, error.Kind, error.StatusCode);
        ParleyLog.RetriedFailure(_logger, error, reason);
        var errorType = new KeyValuePair<string, object?>("error.type", ErrorType(error));
        ParleyTelemetry.Retries.Add(1, errorType);
        using var activity = ParleyTelemetry.ActivitySource.StartActivity("parley.retry");
        activity?.SetTag(errorType.Key, errorType.Value);
        activity?.SetTag("parley.retry.attempt", attempt);
        activity?.SetTag("parley.retry.delay", delay.TotalSeconds);

        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>The wait before retry number <paramref name="attempt"/>, and whether a server's request was capped.</summary>
    internal (TimeSpan Delay, bool Capped) ComputeDelay(ParleyApiException error, int attempt)
    {
        if (error.RetryAfter is { } requested)
        {
            if (requested < TimeSpan.Zero)
            {
                requested = TimeSpan.Zero;
            }

            return requested > _maxRetryDelay ? (_maxRetryDelay, true) : (requested, false);
        }

        var ceiling = Math.Min(_maxRetryDelay.Ticks, _baseDelay.Ticks * Math.Pow(ResilienceOptions.BackoffFactor, attempt - 1));
        var jitter = Math.Clamp(Jitter(), 0.0, 1.0);
        return (TimeSpan.FromTicks((long)(ceiling * jitter)), false);
    }

    // OpenTelemetry's error.type: the HTTP status code, else what failed.
    private static string ErrorType(ParleyApiException error) =>
        error.StatusCode is { } status ? status.ToString(System.Globalization.CultureInfo.InvariantCulture) : error.Kind.ToString();

    private static bool IsConnectTimeout(ParleyApiException error)
    {
        for (Exception? current = error.InnerException; current is not null; current = current.InnerException)
        {
            if (current is TimeoutException)
            {
                return true;
            }
        }

        return false;
    }
}
