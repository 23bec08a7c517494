using Microsoft.Extensions.Logging;

namespace Parley.Tests;

/// <summary>A hand-written logger (and factory, and service provider offering it) that keeps every event it is given, at every level.</summary>
public sealed class RecordingLogger : ILogger, ILoggerFactory, IServiceProvider
{
    private readonly List<LoggedEvent> _events = [];

    public IReadOnlyList<LoggedEvent> Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>The retries logged so far (<see cref="ParleyTelemetry.Retrying"/>).</summary>
    public IReadOnlyList<LoggedEvent> Retries => [.. Events.Where(e => e.EventId.Id == ParleyTelemetry.Retrying)];

    /// <summary>The retries logged so far, as the CLI prints them.</summary>
    public IReadOnlyList<string> RetryLines => [.. Events.Select(e => ParleyLogEvents.DescribeRetry(e.EventId, e.Properties)).OfType<string>()];

    /// <summary>The dropped options logged so far.</summary>
    internal IReadOnlyList<UnsupportedOptionNotice> DroppedOptions =>
        [.. Events.Select(e => ParleyLogEvents.ToUnsupportedOption(e.EventId, e.Properties)).OfType<UnsupportedOptionNotice>()];

    /// <summary>A session's warnings logged so far, as the CLI prints them.</summary>
    public IReadOnlyList<string> SessionWarnings => [.. Events.Select(e => ParleyTelemetry.DescribeSessionWarning(e.EventId, e.Properties)).OfType<string>()];

    public List<string> Categories { get; } = [];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        IReadOnlyList<KeyValuePair<string, object?>> properties = state as IReadOnlyList<KeyValuePair<string, object?>> ?? [];
        lock (_events)
        {
            _events.Add(new LoggedEvent(logLevel, eventId, formatter(state, exception), [.. properties], exception));
        }
    }

    public ILogger CreateLogger(string categoryName)
    {
        lock (Categories)
        {
            Categories.Add(categoryName);
        }

        return this;
    }

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

    public object? GetService(Type serviceType) => serviceType == typeof(ILoggerFactory) ? this : null;

    public void Dispose()
    {
    }
}

/// <summary>One event a <see cref="RecordingLogger"/> was given.</summary>
public sealed record LoggedEvent(
    LogLevel Level, EventId EventId, string Message, IReadOnlyList<KeyValuePair<string, object?>> Properties, Exception? Exception)
{
    public object? this[string name] => Properties.Single(p => p.Key == name).Value;
}
