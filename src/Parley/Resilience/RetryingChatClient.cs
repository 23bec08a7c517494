using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Parley;

/// <summary>
/// Middleware that sends a request again after a transient failure: HTTP 408, 409, 429 (except
/// <c>insufficient_quota</c>), 500, 502, 503, 504, a refused or failed connection, or a connect timeout. It waits
/// between attempts with exponential backoff and full jitter, or for the server's <c>retry-after</c> (capped at
/// <see cref="MaxRetryDelay"/>), and logs each wait (event <see cref="ParleyTelemetry.Retrying"/>, a warning).
/// </summary>
/// <remarks>
/// <para>
/// It acts on <see cref="ParleyApiException"/>, so it belongs above the provider client that
/// Parley.Hosting's <c>ChatClientFactory</c> builds (whose outermost layer translates provider errors), and above
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
    private readonly RetryPolicy _policy;

    /// <summary>Creates the middleware over <paramref name="innerClient"/>.</summary>
    /// <param name="innerClient">The client that sends each attempt.</param>
    /// <param name="options">Retry settings; null or null properties take the defaults of <see cref="ResilienceOptions"/>.</param>
    /// <param name="logger">Where each retry is logged; null: <see cref="ResilienceOptions.LoggerFactory"/>'s logger, else none.</param>
    public RetryingChatClient(IChatClient innerClient, ResilienceOptions? options = null, ILogger? logger = null)
        : base(innerClient)
    {
        _policy = new RetryPolicy(options, logger ?? (ILogger?)options?.LoggerFactory?.CreateLogger<RetryingChatClient>() ?? NullLogger.Instance);
    }

    /// <summary>How many times a failed request is sent again (0 = never). Default <see cref="ResilienceOptions.DefaultMaxRetries"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int MaxRetries
    {
        get => _policy.MaxRetries;
        set => _policy.MaxRetries = value;
    }

    /// <summary>The backoff ceiling of the first retry (see <see cref="ResilienceOptions.BaseDelay"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public TimeSpan BaseDelay
    {
        get => _policy.BaseDelay;
        set => _policy.BaseDelay = value;
    }

    /// <summary>The longest wait before a retry; a longer <c>retry-after</c> is capped to it.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public TimeSpan MaxRetryDelay
    {
        get => _policy.MaxRetryDelay;
        set => _policy.MaxRetryDelay = value;
    }

    /// <summary>The clock the backoff waits run on.</summary>
    public TimeProvider TimeProvider
    {
        get => _policy.TimeProvider;
        set => _policy.TimeProvider = value;
    }

    /// <summary>The source of jitter in [0, 1); tests replace it.</summary>
    internal Func<double> Jitter
    {
        get => _policy.Jitter;
        set => _policy.Jitter = value;
    }

    /// <summary>True when <paramref name="error"/> is worth retrying (see <see cref="RetryPolicy.IsTransient"/>).</summary>
    public static bool IsTransient(ParleyApiException error) => RetryPolicy.IsTransient(error);

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
        _policy.ShouldRetry(error, attempt, cancellationToken);

    private Task WaitBeforeRetryAsync(ParleyApiException error, int attempt, CancellationToken cancellationToken) =>
        _policy.WaitBeforeRetryAsync(error, attempt, cancellationToken);

    /// <summary>The wait before retry number <paramref name="attempt"/>, and whether a server's request was capped.</summary>
    internal (TimeSpan Delay, bool Capped) ComputeDelay(ParleyApiException error, int attempt) => _policy.ComputeDelay(error, attempt);

    /// <summary>The request as sent on every attempt: the caller's collection itself, or a lazy sequence read once.</summary>
    private static IEnumerable<ChatMessage> Materialize(IEnumerable<ChatMessage> messages) =>
        messages is IReadOnlyCollection<ChatMessage> or ICollection<ChatMessage> ? messages : messages.ToList();
}
