using Microsoft.Extensions.Logging;

namespace Parley.Cli;

/// <summary>
/// Prints the library's notices on stderr through the console interaction, as the CLI words them: a retry
/// (<see cref="ParleyEventIds.Retrying"/>) as a warning, an option the model rejects
/// (<see cref="ParleyEventIds.OptionDropped"/>) as a warning once per process, naming the CLI flag. Every other event
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
            if (ParleyLogEvents.DescribeRetry(eventId, state) is { } retry)
            {
                ui.Warn(retry);
            }
            else if (ParleyLogEvents.ToUnsupportedOption(eventId, state) is { } dropped)
            {
                ui.WarnOnce(Describe(dropped));
            }
            else if (ParleyEventIds.DescribeSessionWarning(eventId, state) is { } warning)
            {
                ui.Warn(warning);
            }
        }

        private static string Describe(UnsupportedOptionNotice notice)
        {
            var flag = notice.Option switch
            {
                UnsupportedOptionNotice.Temperature => "--temperature",
                UnsupportedOptionNotice.TopP => "--top-p",
                UnsupportedOptionNotice.ReasoningEffort => "--reasoning-effort",
                _ => notice.Option,
            };
            return $"{notice.ModelId} does not accept {flag}; it was not sent";
        }
    }
}
