using Microsoft.Extensions.Logging;

namespace Parley;

/// <summary>Reads Parley's logged events back into the lines and notices they describe (for a console that prints them).</summary>
internal static class ParleyLogEvents
{
    /// <summary>
    /// The line of <see cref="RetryNotice.Describe()"/> for a <see cref="ParleyEventIds.Retrying"/> event (e.g.
    /// <c>rate limited (429); retrying in 2.0 s (1/3)</c>), or null when the event is another.
    /// </summary>
    public static string? DescribeRetry<TState>(EventId eventId, TState state)
    {
        if (eventId.Id != ParleyEventIds.Retrying || state is not IReadOnlyList<KeyValuePair<string, object?>> properties)
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

    /// <summary>The option an <see cref="ParleyEventIds.OptionDropped"/> event reports, or null when the event is another.</summary>
    public static UnsupportedOptionNotice? ToUnsupportedOption<TState>(EventId eventId, TState state)
    {
        if (eventId.Id != ParleyEventIds.OptionDropped || state is not IReadOnlyList<KeyValuePair<string, object?>> properties)
        {
            return null;
        }

        return new UnsupportedOptionNotice(Get<string>(properties, "ModelId"), Get<string>(properties, "Option"));
    }

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
