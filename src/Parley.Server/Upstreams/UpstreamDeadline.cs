namespace Parley.Server;

/// <summary>
/// The client's cancellation joined with a timeout on upstream: <see cref="ResilienceOptions.IdleTimeout"/> for a
/// stream (restarted before every read, so it limits silence, not length) or
/// <see cref="ResilienceOptions.RequestTimeout"/> for a whole non-streaming answer.
/// </summary>
internal sealed class UpstreamDeadline : IDisposable
{
    private readonly CancellationTokenSource _source;
    private readonly TimeSpan _limit;

    public UpstreamDeadline(TimeSpan limit, CancellationToken clientGone)
    {
        _limit = limit;
        _source = CancellationTokenSource.CreateLinkedTokenSource(clientGone);
        Restart();
    }

    public CancellationToken Token => _source.Token;

    public TimeSpan Limit => _limit;

    public void Restart()
    {
        if (_limit != Timeout.InfiniteTimeSpan)
        {
            _source.CancelAfter(_limit);
        }
    }

    public void Dispose() => _source.Dispose();
}
