using Microsoft.Extensions.Logging;

namespace Parley;

// The ids of the events Parley logs through ILogger, to filter or render them.
public static partial class ParleyTelemetry
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
    /// Warning from <see cref="ChatSession"/>: a server refused a prompt with a context-length error naming a limit below
    /// the window Parley used; the turn is sent again within it. Properties <c>ModelId</c>, <c>Limit</c> (the tokens the
    /// server named), <c>CatalogWindow</c> (or null), <c>Endpoint</c> (scheme, host, port and path only, or null) and
    /// <c>IsRemembered</c> (true when <see cref="ChatSessionOptions.LearnedFacts"/> was told).
    /// </summary>
    public const int ContextLimitLearned = 1005;

    /// <summary>
    /// Warning from <see cref="ChatSession"/>, once per endpoint and model: a learned context limit is under a quarter of
    /// the catalog's window and may be wrong (the history is trimmed to it; no request is refused because of it).
    /// Properties <c>ModelId</c>, <c>Endpoint</c> (or null), <c>Limit</c> and <c>CatalogWindow</c>.
    /// </summary>
    public const int SuspectContextLimit = 1006;

    /// <summary>
    /// Warning from <see cref="ChatSession"/>: a context policy could not do what it meant to (a summary call failed, the
    /// summary leaves no room); the turn is sent with the newest messages that fit. Property <c>Warning</c> (the policy's
    /// sentence, also in <see cref="ContextReport.Warnings"/>).
    /// </summary>
    public const int ContextWarning = 1007;

    /// <summary>
    /// Debug from <see cref="ChatSession"/> and <see cref="ContextPolicyChatClient"/>: a call that wrote a running
    /// summary ended. Properties <c>Policy</c>, <c>ModelId</c>, <c>InputTokens</c>, <c>OutputTokens</c>, <c>CostUsd</c>
    /// (or null when unknown), <c>Latency</c>, <c>MessagesFolded</c> and <c>Succeeded</c>. The summary's text is not logged.
    /// </summary>
    public const int SummaryCallCompleted = 1008;

    /// <summary>
    /// Debug from <see cref="ChatSession"/> and <see cref="ContextPolicyChatClient"/>: a context policy chose what a request
    /// sends. Properties <c>Policy</c>, <c>MessagesSent</c>, <c>MessagesSummarized</c>, <c>MessagesDropped</c> and <c>SummaryCalls</c>.
    /// </summary>
    public const int ContextApplied = 1009;

    /// <summary>
    /// Warning from <see cref="ChatSession"/>: a streamed answer is complete (its finish reason arrived) but what followed
    /// it, the server's usage report, could not be read; the turn is kept with its usage unknown. Property <c>Error</c>.
    /// </summary>
    public const int UsageUnreadable = 1010;

    /// <summary>
    /// Warning from <see cref="ChatSession"/>: the conversation database stayed locked, so the turn was saved to a
    /// recovery file that the next run imports. Property <c>File</c>.
    /// </summary>
    public const int SavedToRecoveryFile = 1011;

    /// <summary>
    /// The line a terminal shows for one of <see cref="ChatSession"/>'s warnings (<see cref="ContextLimitLearned"/>,
    /// <see cref="SuspectContextLimit"/>, <see cref="ContextWarning"/>, <see cref="UsageUnreadable"/>,
    /// <see cref="SavedToRecoveryFile"/>), as the CLI prints it, e.g. <c>the server limits gpt-4o-mini to 8,000 tokens
    /// (the catalog says 128,000): the question is sent again with the history trimmed to fit</c>; null for any other event.
    /// </summary>
    /// <typeparam name="TState">The logged state.</typeparam>
    /// <param name="eventId">The event's id.</param>
    /// <param name="state">The event's state, as a logger receives it.</param>
    /// <returns>The line, or null when the event is not one of these.</returns>
    public static string? DescribeSessionWarning<TState>(EventId eventId, TState state) => ParleyLogEvents.DescribeSessionWarning(eventId, state);

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
