namespace Parley.Cli;

/// <summary>Medians of the values that are known (nulls are skipped); null when none is.</summary>
internal static class Medians
{
    public static TimeSpan? Of(IEnumerable<TimeSpan?> values) =>
        Of(values.Select(v => v?.Ticks)) is { } ticks ? TimeSpan.FromTicks(ticks) : null;

    public static long? Of(IEnumerable<long?> values)
    {
        var known = values.OfType<long>().Order().ToList();
        return known.Count == 0 ? null : known.Count % 2 == 1 ? known[known.Count / 2] : (known[(known.Count / 2) - 1] + known[known.Count / 2]) / 2;
    }

    public static double? Of(IEnumerable<double?> values)
    {
        var known = values.OfType<double>().Order().ToList();
        return known.Count == 0 ? null : known.Count % 2 == 1 ? known[known.Count / 2] : (known[(known.Count / 2) - 1] + known[known.Count / 2]) / 2;
    }

    public static decimal? Of(IEnumerable<decimal?> values)
    {
        var known = values.OfType<decimal>().Order().ToList();
        return known.Count == 0 ? null : known.Count % 2 == 1 ? known[known.Count / 2] : (known[(known.Count / 2) - 1] + known[known.Count / 2]) / 2;
    }
}
