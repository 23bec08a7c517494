using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Parley;

/// <summary>
/// Middleware that sends a request again after a transient failure: HTTP 408, 409, 429 (except
/// <c>insufficient_quota</c>), 500, 502, 503, 504, a refused or failed connection, or a connect timeout. It waits
/// between attempts with exponential backoff and full jitter, or for the server's <c>retry-after</c> (capped at
/// <see cref="MaxRetryDelay"/>), and logs each wait (event <see cref="ParleyEventIds.Retrying"/>, a warning).
/// </summary>
/// <remarks>
/// <para>
/// It acts on <see cref="ParleyApiException"/>, so it belongs above the provider client that
/// <see cref="ChatClientFactory"/> builds (whose outermost layer translates provider errors), and above
/// <see cref="TimeoutChatClient"/> so that each attempt gets its own timeout and a timeout is not retried.
/// </para>
/// <para>
/// A stream is retried only until its first update has been yielded: once part of the answer has reached the caller,
/// a failure propagates (the partial answer belongs to the user). Every attempt sends the same message list and
/// options; nothing is added to or removed from them.
/// </para>
/// </remarks>
internal sealed class RetryingChatClient : DelegatingChatClient
{
    private int _maxRetries;
    private TimeSpan _baseDelay;
    private TimeSpan _maxRetryDelay;
    private TimeProvider _timeProvider;
    private readonly ILogger _logger;

    /// <summary>Creates the middleware over <paramref name="innerClient"/>.</summary>
    /// <param name="innerClient">The client that sends each attempt.</param>
    /// <param name="options">Retry settings; null or null properties take the defaults of <see cref="ResilienceOptions"/>.</param>
    /// <param name="logger">Where each retry is logged; null: <see cref="ResilienceOptions.LoggerFactory"/>'s logger, else none.</param>
    public RetryingChatClient(IChatClient innerClient, ResilienceOptions? options = null, ILogger? logger = null)
        : base(innerClient)
    {
        _logger = logger ?? (ILogger?)options?.LoggerFactory?.CreateLogger<RetryingChatClient>() ?? NullLogger.Instance;
        MaxRetries = options?.MaxRetries ?? ResilienceOptions.DefaultMaxRetries;
        BaseDelay = options?.BaseDelay ?? ResilienceOptions.DefaultBaseDelay;
        MaxRetryDelay = options?.MaxRetryDelay ?? ResilienceOptions.DefaultMaxRetryDelay;
        _timeProvider = options?.TimeProvider ?? TimeProvider.System;
    }

    /// <summary>How many times a failed request is sent again (0 = never). Default <see cref="ResilienceOptions.DefaultMaxRetries"/>.</summary>
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

    /// <inheritdoc />
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var request = Materialize(messages);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await base.GetResponseAsync(request, options, cancellationToken).ConfigureAwait(false);
            }
            catch (ParleyApiException e) when (ShouldRetry(e, attempt, cancellationToken))
            {
                await WaitBeforeRetryAsync(e, attempt, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return StreamAsync(Materialize(messages), options, cancellationToken);
    }

    private async IAsyncEnumerable<ChatResponseUpdate> StreamAsync(
        IEnumerable<ChatMessage> request, ChatOptions? options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        IAsyncEnumerator<ChatResponseUpdate> enumerator;
        bool hasFirst;
        for (var attempt = 1; ; attempt++)
        {
            enumerator = base.GetStreamingResponseAsync(request, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
            try
            {
                hasFirst = await enumerator.MoveNextAsync().ConfigureAwait(false);
                break;
            }
            catch (ParleyApiException e) when (ShouldRetry(e, attempt, cancellationToken))
            {
                await enumerator.DisposeAsync().ConfigureAwait(false);
                await WaitBeforeRetryAsync(e, attempt, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await enumerator.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }

        // From here on part of the answer has reached the caller: failures propagate, nothing is retried.
        try
        {
            if (!hasFirst)
            {
                yield break;
            }

            yield return enumerator.Current;
            while (await enumerator.MoveNextAsync().ConfigureAwait(false))
            {
                yield return enumerator.Current;
            }
        }
        finally
        {
            await enumerator.DisposeAsync().ConfigureAwait(false);
        }
    }

    private bool ShouldRetry(ParleyApiException error, int attempt, CancellationToken cancellationToken) =>
        attempt <= _maxRetries && !cancellationToken.IsCancellationRequested && IsTransient(error);

    private async Task WaitBeforeRetryAsync(ParleyApiException error, int attempt, CancellationToken cancellationToken)
    {
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

    /// <summary>The request as sent on every attempt: the caller's collection itself, or a lazy sequence read once.</summary>
    private static IEnumerable<ChatMessage> Materialize(IEnumerable<ChatMessage> messages) =>
        messages is IReadOnlyCollection<ChatMessage> or ICollection<ChatMessage> ? messages : messages.ToList();
}
