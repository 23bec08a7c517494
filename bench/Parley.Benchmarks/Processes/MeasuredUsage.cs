namespace Parley.Benchmarks;

/// <summary>What <see cref="MeasureCommand"/> reports about the command it ran.</summary>
internal sealed record MeasuredUsage(int ExitCode, double UserSeconds, double SystemSeconds, long MaxRssKb)
{
    public double CpuSeconds => UserSeconds + SystemSeconds;
}
