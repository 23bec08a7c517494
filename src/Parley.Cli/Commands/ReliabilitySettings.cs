namespace Parley.Cli;

/// <summary>The retry and timeout flags as given (null = Parley's default).</summary>
internal sealed record ReliabilitySettings(int? MaxRetries, TimeSpan? IdleTimeout, TimeSpan? RequestTimeout, TimeSpan? ConnectTimeout)
{
    public static ReliabilitySettings Defaults { get; } = new(null, null, null, null);
}
