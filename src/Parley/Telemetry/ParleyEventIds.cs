using Microsoft.Extensions.Logging;

namespace Parley;

/// <summary>
/// The ids of the events Parley's middleware logs through <c>ILogger</c>, to filter or render them. Each event's
/// properties are named in its member's documentation. Message content is never logged above Trace; keys never.
/// </summary>
public static class ParleyEventIds
{
    /// <summary>
    /// Warning from <see cref="RetryingChatClient"/>: a transient failure is retried after a wait. Properties
    /// <c>Reason</c> (e.g. <c>rate limited (429)</c>), <c>Delay</c>, <c>Attempt</c>, <c>MaxRetries</c>,
    /// <c>RequestedDelay</c> (the server's <c>retry-after</c>, or null), <c>IsCapped</c>, <c>FailureKind</c> (an
    /// <see cref="ApiFailureKind"/>) and <c>StatusCode</c> (or null). The exception is not attached: its message
    /// quotes the server's error body (see <see cref="RetriedFailure"/>).
    /// </summary>
    public const int Retrying = 1001;

    /// <summary>
    /// Trace from <see cref="RetryingChatClient"/>, after <see cref="Retrying"/>: the exception that is retried, whose
    /// message quotes the server's error body (which can echo the request). Property <c>Reason</c>.
    /// </summary>
    public const int RetriedFailure = 1004;

    /// <summary>
    /// Warning from <see cref="ModelCapabilitiesChatClient"/>: an option the caller set was not sent because the
    /// model rejects it. Properties <c>ModelId</c> and <c>Option</c> (<c>temperature</c>, <c>top_p</c>, <c>reasoning_effort</c>).
    /// </summary>
    public const int OptionDropped = 1002;

    /// <summary>
    /// Debug from <see cref="TokenCalibrationChatClient"/>: the estimate of a model without an exact tokenizer was
    /// calibrated against a server's report. Properties <c>ModelId</c> and <c>Ratio</c> (the ratio now in use).
    /// </summary>
    public const int Calibrated = 1003;

    /// <summary>
    /// The line a terminal shows for a <see cref="Retrying"/> event, e.g.
    /// <c>rate limited (429); retrying in 2.0 s (1/3)</c>; null for any other event.
    /// </summary>
    /// <typeparam name="TState">The logged state.</typeparam>
    /// <param name="eventId">The event's id.</param>
    /// <param name="state">The event's state, as a logger receives it.</param>
    /// <returns>The line, or null when the event is not a retry.</returns>
    public static string? DescribeRetry<TState>(EventId eventId, TState state) => ParleyLogEvents.DescribeRetry(eventId, state);
}
