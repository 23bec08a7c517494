using System.Globalization;

namespace Parley;

/// <summary>Short wording of a duration for messages: "60 s", "10 min", "1.5 s".</summary>
internal static class DurationText
{
    public static string Format(TimeSpan duration)
    {
        if (duration >= TimeSpan.FromMinutes(2) && duration.Ticks % TimeSpan.TicksPerMinute == 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{(long)duration.TotalMinutes} min");
        }

        return string.Create(CultureInfo.InvariantCulture, $"{duration.TotalSeconds:0.###} s");
    }
}
