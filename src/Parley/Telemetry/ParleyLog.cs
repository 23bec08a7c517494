using Microsoft.Extensions.Logging;

namespace Parley;

/// <summary>The events Parley's middleware logs (ids in <see cref="ParleyEventIds"/>), source-generated and allocation-free when off.</summary>
internal static partial class ParleyLog
{
    [LoggerMessage(
        EventId = ParleyEventIds.Retrying,
        EventName = nameof(ParleyEventIds.Retrying),
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
        EventId = ParleyEventIds.RetriedFailure,
        EventName = nameof(ParleyEventIds.RetriedFailure),
        Level = LogLevel.Trace,
        Message = "The failure retried: {Reason}")]
    public static partial void RetriedFailure(ILogger logger, Exception exception, string reason);

    [LoggerMessage(
        EventId = ParleyEventIds.OptionDropped,
        EventName = nameof(ParleyEventIds.OptionDropped),
        Level = LogLevel.Warning,
        Message = "{ModelId} does not accept {Option}; it was not sent")]
    public static partial void OptionDropped(ILogger logger, string modelId, string option);

    [LoggerMessage(
        EventId = ParleyEventIds.Calibrated,
        EventName = nameof(ParleyEventIds.Calibrated),
        Level = LogLevel.Debug,
        Message = "Token estimates of {ModelId} calibrated; ratio {Ratio}")]
    public static partial void Calibrated(ILogger logger, string modelId, double ratio);

    /// <summary>The logger for <typeparamref name="T"/>: from <paramref name="factory"/>, else the pipeline's services' <see cref="ILoggerFactory"/>, else none.</summary>
    public static ILogger For<T>(ILoggerFactory? factory, IServiceProvider? services)
    {
        factory ??= services?.GetService(typeof(ILoggerFactory)) as ILoggerFactory;
        return factory?.CreateLogger<T>() ?? (ILogger)Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
    }
}
