namespace Parley.Server;

/// <summary>A Prometheus histogram of seconds with fixed buckets, updated without locks.</summary>
internal sealed class LatencyHistogram
{
    public static readonly double[] Bounds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    private readonly long[] _buckets = new long[Bounds.Length];
    private long _count;
    private long _sumMicroseconds;

    public long Count => Interlocked.Read(ref _count);

    public double Sum => Interlocked.Read(ref _sumMicroseconds) / 1_000_000.0;

    /// <summary>The cumulative count of observations ≤ <see cref="Bounds"/>[i].</summary>
    public long Cumulative(int i) => Interlocked.Read(ref _buckets[i]);

    public void Observe(TimeSpan value)
    {
        var seconds = value.TotalSeconds;
        for (var i = 0; i < Bounds.Length; i++)
        {
            if (seconds <= Bounds[i])
            {
                Interlocked.Increment(ref _buckets[i]);
            }
        }

        Interlocked.Add(ref _sumMicroseconds, (long)(value.Ticks / 10));
        Interlocked.Increment(ref _count);
    }
}
