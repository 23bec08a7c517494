using Microsoft.Extensions.Logging;

namespace Parley;

/// <summary>The events Parley's middleware logs (ids in <see cref="ParleyTelemetry"/>), source-generated and allocation-free when off.</summary>
internal static partial class ParleyLog
{
    [LoggerMessage(
        EventId = ParleyTelemetry.Retrying,
        EventName = nameof(ParleyTelemetry.Retrying),
        Level = LogLevel.Warning,
        Message = "{Reason}; retrying in {Delay} ({Attempt}/{MaxRetries}; the server asked for {RequestedDelay}, capped: {IsCapped}; {FailureKind} {StatusCode})")]
    public static partial void Retrying(
        ILogger logger,
        string reason,
        TimeSpan delay,
        int attempt,
        int maxRetries,
        TimeSpan? requestedDelay,
        bool isCapped,
        ApiFailureKind failureKind,
        int? statusCode);

    // The failure itself only at Trace: its message quotes the server's error body, which can echo what was sent.
    [LoggerMessage(
        EventId = ParleyTelemetry.RetriedFailure,
        EventName = nameof(ParleyTelemetry.RetriedFailure),
        Level = LogLevel.Trace,
        Message = "The failure retried: {Reason}")]
    public static partial void RetriedFailure(ILogger logger, Exception exception, string reason);

    [LoggerMessage(
        EventId = ParleyTelemetry.OptionDropped,
        EventName = nameof(ParleyTelemetry.OptionDropped),
        Level = LogLevel.Warning,
        Message = "{ModelId} does not accept {Option}; it was not sent")]
    public static partial void OptionDropped(ILogger logger, string modelId, string option);

    [LoggerMessage(
        EventId = ParleyTelemetry.Calibrated,
        EventName = nameof(ParleyTelemetry.Calibrated),
        Level = LogLevel.Debug,
        Message = "Token estimates of {ModelId} calibrated; ratio {Ratio}")]
    public static partial void Calibrated(ILogger logger, string modelId, double ratio);

    [LoggerMessage(
        EventId = ParleyTelemetry.ContextLimitLearned,
        EventName = nameof(ParleyTelemetry.ContextLimitLearned),
        Level = LogLevel.Warning,
        Message = "The server at {Endpoint} limits {ModelId} to {Limit} tokens (catalog: {CatalogWindow}); the question is sent again within it (remembered: {IsRemembered})")]
    public static partial void ContextLimitLearned(ILogger logger, string modelId, int limit, int? catalogWindow, string? endpoint, bool isRemembered);

    [LoggerMessage(
        EventId = ParleyTelemetry.SuspectContextLimit,
        EventName = nameof(ParleyTelemetry.SuspectContextLimit),
        Level = LogLevel.Warning,
        Message = "The context limit learned for {ModelId} at {Endpoint} ({Limit} tokens) is far below the catalog's {CatalogWindow} and may be wrong")]
    public static partial void SuspectContextLimit(ILogger logger, string modelId, string? endpoint, int limit, int catalogWindow);

    [LoggerMessage(
        EventId = ParleyTelemetry.ContextWarning,
        EventName = nameof(ParleyTelemetry.ContextWarning),
        Level = LogLevel.Warning,
        Message = "Context policy: {Warning}")]
    public static partial void ContextWarning(ILogger logger, string warning);

    [LoggerMessage(
        EventId = ParleyTelemetry.SummaryCallCompleted,
        EventName = nameof(ParleyTelemetry.SummaryCallCompleted),
        Level = LogLevel.Debug,
        Message = "Summary call by {ModelId} for {Policy}: {InputTokens} in, {OutputTokens} out, {CostUsd} USD, {Latency}, {MessagesFolded} messages folded, succeeded: {Succeeded}")]
    public static partial void SummaryCallCompleted(
        ILogger logger, string policy, string? modelId, long? inputTokens, long? outputTokens, decimal? costUsd, TimeSpan latency, int messagesFolded, bool succeeded);

    [LoggerMessage(
        EventId = ParleyTelemetry.ContextApplied,
        EventName = nameof(ParleyTelemetry.ContextApplied),
        Level = LogLevel.Debug,
        Message = "Context policy {Policy}: {MessagesSent} messages sent, {MessagesSummarized} summarized, {MessagesDropped} dropped, {SummaryCalls} summary calls")]
    public static partial void ContextApplied(ILogger logger, string policy, int messagesSent, int messagesSummarized, int messagesDropped, int summaryCalls);

    [LoggerMessage(
        EventId = ParleyTelemetry.UsageUnreadable,
        EventName = nameof(ParleyTelemetry.UsageUnreadable),
        Level = LogLevel.Warning,
        Message = "The answer is complete, but the server's report after it could not be read ({Error}); its usage is unknown")]
    public static partial void UsageUnreadable(ILogger logger, string error);

    [LoggerMessage(
        EventId = ParleyTelemetry.SavedToRecoveryFile,
        EventName = nameof(ParleyTelemetry.SavedToRecoveryFile),
        Level = LogLevel.Warning,
        Message = "The conversation database stayed locked: the turn was saved to the recovery file {File}, which the next run imports")]
    public static partial void SavedToRecoveryFile(ILogger logger, string file);

    /// <summary>Logs what a context policy decided and each summary call it made (the one place both are logged).</summary>
    public static void Applied(ILogger logger, string policy, ContextResult result)
    {
        ContextApplied(logger, policy, result.Messages.Count, result.Summarized, result.Dropped, result.SummaryCalls.Count);
        foreach (var call in result.SummaryCalls)
        {
            SummaryCallCompleted(
                logger, policy, call.Model, call.Usage?.InputTokenCount, call.Usage?.OutputTokenCount, call.CostUsd, call.Latency ?? TimeSpan.Zero, call.MessagesSummarized ?? 0, call.Status == TurnStatus.Complete);
        }
    }

    /// <summary>The logger for <typeparamref name="T"/>: from <paramref name="factory"/>, else the pipeline's services' <see cref="ILoggerFactory"/>, else none.</summary>
    public static ILogger For<T>(ILoggerFactory? factory, IServiceProvider? services)
    {
        factory ??= services?.GetService(typeof(ILoggerFactory)) as ILoggerFactory;
        return factory?.CreateLogger<T>() ?? (ILogger)Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
    }
}
