using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>
/// Middleware that bounds how long Parley waits for a server. A stream fails when no update arrives within
/// <see cref="IdleTimeout"/> (before the first update, and between two updates); a non-streaming request fails when
/// it takes longer than <see cref="RequestTimeout"/> in total. Both fail with a <see cref="ParleyApiException"/> of
/// kind <see cref="ApiFailureKind.Timeout"/>; a stream's keeps the partial answer in
/// <see cref="ParleyApiException.PartialText"/>. Cancellation by the caller's token is never reported as a timeout: it
/// surfaces as <see cref="OperationCanceledException"/>.
/// </summary>
/// <remarks>
/// Time spent by the caller between two updates does not count: the idle clock runs only while the stream is waiting
/// for the server. Place it below <see cref="RetryingChatClient"/> so each attempt gets its own clock and a timeout
/// is not retried.
/// </remarks>
internal sealed class TimeoutChatClient : DelegatingChatClient
{
    private TimeSpan _idleTimeout;
    private TimeSpan _requestTimeout;
    private TimeProvider _timeProvider;

    /// <summary>Creates the middleware over <paramref name="innerClient"/>.</summary>
    /// <param name="innerClient">The client whose calls are timed.</param>
    /// <param name="options">Timeout settings; null or null properties take the defaults of <see cref="ResilienceOptions"/>.</param>
    public TimeoutChatClient(IChatClient innerClient, ResilienceOptions? options = null)
        : base(innerClient)
    {
        IdleTimeout = options?.IdleTimeout ?? ResilienceOptions.DefaultIdleTimeout;
        RequestTimeout = options?.RequestTimeout ?? ResilienceOptions.DefaultRequestTimeout;
        _timeProvider = options?.TimeProvider ?? TimeProvider.System;
    }

    /// <summary>
    /// The longest silence of a stream, before the first update and between updates
    /// (<see cref="Timeout.InfiniteTimeSpan"/>: none). Default <see cref="ResilienceOptions.DefaultIdleTimeout"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero, negative (other than infinite) or too large for a timer.</exception>
    public TimeSpan IdleTimeout
    {
        get => _idleTimeout;
        set => _idleTimeout = Validate(value);
    }

    /// <summary>
    /// The longest time one non-streaming request may take (<see cref="Timeout.InfiniteTimeSpan"/>: none).
    /// Default <see cref="ResilienceOptions.DefaultRequestTimeout"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero, negative (other than infinite) or too large for a timer.</exception>
    public TimeSpan RequestTimeout
    {
        get => _requestTimeout;
        set => _requestTimeout = Validate(value);
    }

    /// <summary>The clock the timeouts run on.</summary>
    public TimeProvider TimeProvider
    {
        get => _timeProvider;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            _timeProvider = value;
        }
    }

    /// <inheritdoc />
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var limit = _requestTimeout;
        if (limit == Timeout.InfiniteTimeSpan)
        {
            return await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }

        using var expired = new CancellationTokenSource(limit, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, expired.Token);
        try
        {
            return await base.GetResponseAsync(messages, options, linked.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (expired.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new ParleyApiException(
                ApiFailureKind.Timeout, $"no answer from the server within {DurationText.Format(limit)}", innerException: e);
        }
    }

    /// <inheritdoc />
    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return _idleTimeout == Timeout.InfiniteTimeSpan
            ? base.GetStreamingResponseAsync(messages, options, cancellationToken)
            : StreamAsync(messages, options, _idleTimeout, _timeProvider, cancellationToken);
    }

    private async IAsyncEnumerable<ChatResponseUpdate> StreamAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options,
        TimeSpan idle,
        TimeProvider timeProvider,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // One watchdog for the whole stream (the inner stream is given one token); its clock runs only while
        // waiting for the server, not while the caller holds an update.
        using var watchdog = new StallWatchdog(idle, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, watchdog.Token);
        var partial = new StringBuilder();
        await using var enumerator = base.GetStreamingResponseAsync(messages, options, linked.Token).GetAsyncEnumerator(linked.Token);
        while (true)
        {
            bool more;
            watchdog.Waiting();
            try
            {
                more = await enumerator.MoveNextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (watchdog.HasStalled && !cancellationToken.IsCancellationRequested)
            {
                throw new ParleyApiException(
                    ApiFailureKind.Timeout, $"no data from the server for {DurationText.Format(idle)}", innerException: e)
                {
                    PartialText = partial.ToString(),
                };
            }

            watchdog.Received();
            if (!more)
            {
                yield break;
            }

            var update = enumerator.Current;
            partial.Append(update.Text);
            yield return update;
        }
    }

    private static TimeSpan Validate(TimeSpan value, [CallerArgumentExpression(nameof(value))] string? paramName = null)
    {
        if (value != Timeout.InfiniteTimeSpan && (value <= TimeSpan.Zero || value.TotalMilliseconds > uint.MaxValue - 1.0))
        {
            throw new ArgumentOutOfRangeException(paramName, value, "A timeout must be positive (or Timeout.InfiniteTimeSpan).");
        }

        return value;
    }
}
