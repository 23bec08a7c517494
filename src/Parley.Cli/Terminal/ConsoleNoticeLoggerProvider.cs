using Microsoft.Extensions.Logging;

namespace Parley.Cli;

/// <summary>
/// Prints the library's notices on stderr through the console interaction, as the CLI words them: a retry
/// (<see cref="ParleyTelemetry.Retrying"/>) as a warning, an option the model rejects
/// (<see cref="ParleyTelemetry.OptionDropped"/>) as a warning once per process, naming the CLI flag. Every other event
/// is ignored.
/// </summary>
internal sealed class ConsoleNoticeLoggerProvider(ConsoleInteraction ui) : ILoggerProvider, ILoggerFactory
{
    private readonly NoticeLogger _logger = new(ui);

    public ILogger CreateLogger(string categoryName) => _logger;

    /// <summary>Not supported: the CLI has one place its notices go.</summary>
    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

    public void Dispose()
    {
    }

    private sealed class NoticeLogger(ConsoleInteraction ui) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (ParleyTelemetry.DescribeRetry(eventId, state) is { } retry)
            {
                ui.Warn(retry);
            }
            else if (eventId.Id == ParleyTelemetry.OptionDropped && state is IReadOnlyList<KeyValuePair<string, object?>> properties)
            {
                ui.WarnOnce(DescribeDropped(Property(properties, "ModelId"), Property(properties, "Option")));
            }
            else if (ParleyTelemetry.DescribeSessionWarning(eventId, state) is { } warning)
            {
                ui.Warn(warning);
            }
        }

        // The event's properties, as ParleyTelemetry.OptionDropped documents them.
        private static string DescribeDropped(string modelId, string option)
        {
            var flag = option switch
            {
                "temperature" => "--temperature",
                "top_p" => "--top-p",
                "reasoning_effort" => "--reasoning-effort",
                _ => option,
            };
            return $"{modelId} does not accept {flag}; it was not sent";
        }

        private static string Property(IReadOnlyList<KeyValuePair<string, object?>> properties, string name) =>
            properties.FirstOrDefault(p => p.Key == name).Value?.ToString() ?? "?";
    }
}
