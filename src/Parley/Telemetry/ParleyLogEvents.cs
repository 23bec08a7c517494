using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Parley;

/// <summary>Reads Parley's logged events back into the lines and notices they describe (for a console that prints them).</summary>
internal static class ParleyLogEvents
{
    /// <summary>
    /// The line of <see cref="RetryNotice.Describe()"/> for a <see cref="ParleyTelemetry.Retrying"/> event (e.g.
    /// <c>rate limited (429); retrying in 2.0 s (1/3)</c>), or null when the event is another.
    /// </summary>
    public static string? DescribeRetry<TState>(EventId eventId, TState state)
    {
        if (eventId.Id != ParleyTelemetry.Retrying || state is not IReadOnlyList<KeyValuePair<string, object?>> properties)
        {
            return null;
        }

        return RetryNotice.Describe(
            Get<string>(properties, "Reason"),
            Get<TimeSpan>(properties, "Delay"),
            Get<int>(properties, "Attempt"),
            Get<int>(properties, "MaxRetries"),
            Get<TimeSpan?>(properties, "RequestedDelay"),
            Get<bool>(properties, "IsCapped"));
    }

    /// <summary>The option an <see cref="ParleyTelemetry.OptionDropped"/> event reports, or null when the event is another.</summary>
    public static UnsupportedOptionNotice? ToUnsupportedOption<TState>(EventId eventId, TState state)
    {
        if (eventId.Id != ParleyTelemetry.OptionDropped || state is not IReadOnlyList<KeyValuePair<string, object?>> properties)
        {
            return null;
        }

        return new UnsupportedOptionNotice(Get<string>(properties, "ModelId"), Get<string>(properties, "Option"));
    }

    /// <summary>
    /// The line a console prints for one of <see cref="ChatSession"/>'s warnings (<see cref="ParleyTelemetry.ContextLimitLearned"/>,
    /// <see cref="ParleyTelemetry.SuspectContextLimit"/>, <see cref="ParleyTelemetry.ContextWarning"/>,
    /// <see cref="ParleyTelemetry.UsageUnreadable"/>, <see cref="ParleyTelemetry.SavedToRecoveryFile"/>), or null when the event is another.
    /// </summary>
    public static string? DescribeSessionWarning<TState>(EventId eventId, TState state)
    {
        if (state is not IReadOnlyList<KeyValuePair<string, object?>> properties)
        {
            return null;
        }

        switch (eventId.Id)
        {
            case ParleyTelemetry.ContextLimitLearned:
                var catalog = Get<int?>(properties, "CatalogWindow") is { } window ? $" (the catalog says {Tokens(window)})" : string.Empty;
                var remembered = Get<bool>(properties, "IsRemembered") ? "; the limit is remembered for next time" : string.Empty;
                return $"the server limits {Get<string>(properties, "ModelId")} to {Tokens(Get<int>(properties, "Limit"))} tokens{catalog}: "
                    + $"the question is sent again with the history trimmed to fit{remembered}";
            case ParleyTelemetry.SuspectContextLimit:
                var where = Get<string?>(properties, "Endpoint") is { } endpoint ? $" at {endpoint}" : string.Empty;
                return $"the context limit learned for {Get<string>(properties, "ModelId")}{where} ({Tokens(Get<int>(properties, "Limit"))} tokens) is far below "
                    + $"the catalog's {Tokens(Get<int>(properties, "CatalogWindow"))} and may be wrong: the history is trimmed to it, "
                    + "but no request is refused because of it";
            case ParleyTelemetry.ContextWarning:
                return Get<string>(properties, "Warning");
            case ParleyTelemetry.UsageUnreadable:
                return $"the answer is complete, but the server's report after it could not be read ({Get<string>(properties, "Error")}); its usage is unknown";
            case ParleyTelemetry.SavedToRecoveryFile:
                return $"the conversation database stayed locked: this turn was saved to the recovery file {Get<string>(properties, "File")}, which the next run imports";
            default:
                return null;
        }
    }

    private static string Tokens(int count) => count.ToString("N0", CultureInfo.InvariantCulture);

    private static T Get<T>(IReadOnlyList<KeyValuePair<string, object?>> properties, string name)
    {
        foreach (var (key, value) in properties)
        {
            if (key == name)
            {
                return (T)value!;
            }
        }

        throw new KeyNotFoundException($"The logged event has no property {name}.");
    }
}
