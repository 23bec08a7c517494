using System.Globalization;

namespace Parley.Cli;

/// <summary>How <c>parley keys</c> writes a key's limits and spend for people.</summary>
internal static class KeyLimitsText
{
    public static string Describe(ApiKeyLimits limits)
    {
        var parts = new List<string>();
        if (limits.DailyUsd is { } daily)
        {
            parts.Add($"{UsageLineFormatter.Cost(daily)} per UTC day");
        }

        if (limits.MonthlyUsd is { } monthly)
        {
            parts.Add($"{UsageLineFormatter.Cost(monthly)} per UTC month");
        }

        parts.Add(limits.Models is { } models ? "models " + string.Join(", ", models) : "any model");
        if (limits.RequestsPerMinute is { } rpm)
        {
            parts.Add($"{Number(rpm)} requests/min");
        }

        if (limits.TokensPerMinute is { } tpm)
        {
            parts.Add($"{Number(tpm)} tokens/min");
        }

        return string.Join(", ", parts);
    }

    public static string Money(decimal? value) => value switch
    {
        null => "-",
        0m => "$0.00",
        { } v => UsageLineFormatter.Cost(v),
    };

    public static string Number(int? value) => value is { } v ? v.ToString("#,0", CultureInfo.InvariantCulture) : "-";
}
