namespace Parley.Server;

/// <summary>The counters and histograms of one (model, key name) pair.</summary>
internal sealed class SeriesStats
{
    private readonly object _costGate = new();
    private decimal _cost;
    private long _requests;
    private long _errors;
    private long _promptTokens;
    private long _completionTokens;

    public long Requests => Interlocked.Read(ref _requests);

    public long Errors => Interlocked.Read(ref _errors);

    public long PromptTokens => Interlocked.Read(ref _promptTokens);

    public long CompletionTokens => Interlocked.Read(ref _completionTokens);

    public decimal CostUsd
    {
        get
        {
            lock (_costGate)
            {
                return _cost;
            }
        }
    }

    public LatencyHistogram Latency { get; } = new();

    public LatencyHistogram TimeToFirstToken { get; } = new();

    public void Record(bool failed, long? promptTokens, long? completionTokens, decimal? cost, TimeSpan latency, TimeSpan? timeToFirstToken)
    {
        Interlocked.Increment(ref _requests);
        if (failed)
        {
            Interlocked.Increment(ref _errors);
        }

        Interlocked.Add(ref _promptTokens, promptTokens ?? 0);
        Interlocked.Add(ref _completionTokens, completionTokens ?? 0);
        if (cost is { } usd)
        {
            lock (_costGate)
            {
                _cost += usd;
            }
        }

        Latency.Observe(latency);
        if (timeToFirstToken is { } first)
        {
            TimeToFirstToken.Observe(first);
        }
    }
}
