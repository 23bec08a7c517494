namespace Parley.Server;

/// <summary>Counts the exchanges still running, so the history writer waits for their saves before it stops.</summary>
internal sealed class InFlightExchanges
{
    private readonly object _gate = new();
    private int _count;
    private TaskCompletionSource? _idle;

    public void Enter()
    {
        lock (_gate)
        {
            _count++;
        }
    }

    public void Exit()
    {
        lock (_gate)
        {
            if (--_count == 0)
            {
                _idle?.TrySetResult();
                _idle = null;
            }
        }
    }

    /// <summary>Completes when no exchange is running.</summary>
    public Task WhenIdleAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_count == 0)
            {
                return Task.CompletedTask;
            }

            _idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _idle.Task.WaitAsync(cancellationToken);
        }
    }
}
