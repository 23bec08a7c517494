using System.Globalization;

namespace Parley.Hosting;

/// <summary>How history commands print times: local minutes for people, ISO 8601 UTC for <c>--json</c>.</summary>
internal static class DisplayTime
{
    /// <summary>Local time, to the minute: <c>2025-06-01 14:03</c>.</summary>
    public static string Local(DateTimeOffset value) =>
        TimeZoneInfo.ConvertTime(value, TimeZoneInfo.Local).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    /// <summary>ISO 8601 UTC with milliseconds: <c>2025-06-01T12:03:07.123Z</c>.</summary>
    public static string Iso(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
