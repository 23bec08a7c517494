namespace Parley;

/// <summary>
/// Cancels <see cref="Token"/> when a wait on the server lasts <c>idle</c> or longer. A stream marks each wait with
/// <see cref="Waiting"/> and <see cref="Received"/>: two timestamp writes per update. The one timer is re-armed only
/// when it fires (for the rest of the current wait, or a whole period when nothing is awaited), so a fast stream does
/// not touch the timer queue per update the way <see cref="CancellationTokenSource.CancelAfter(TimeSpan)"/> would.
/// </summary>
internal sealed class StallWatchdog : IDisposable
{
    private const long NotWaiting = long.MinValue;

    private readonly CancellationTokenSource _stalled = new();
    private readonly TimeProvider _clock;
    private readonly TimeSpan _idle;
    private readonly ITimer _timer;
    private long _waitingSince = NotWaiting;

    public StallWatchdog(TimeSpan idle, TimeProvider clock)
    {
        _idle = idle;
        _clock = clock;
        _timer = clock.CreateTimer(static state => ((StallWatchdog)state!).Check(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timer.Change(idle, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Cancelled once a wait has lasted the idle timeout.</summary>
    public CancellationToken Token => _stalled.Token;

    /// <summary>Whether the idle timeout expired.</summary>
    public bool HasStalled => _stalled.IsCancellationRequested;

    /// <summary>The stream starts waiting for the server.</summary>
    public void Waiting() => Volatile.Write(ref _waitingSince, _clock.GetTimestamp());

    /// <summary>The server answered: the caller's time with the update does not count.</summary>
    public void Received() => Volatile.Write(ref _waitingSince, NotWaiting);

    public void Dispose()
    {
        _timer.Dispose();
        _stalled.Dispose();
    }

    private void Check()
    {
        var since = Volatile.Read(ref _waitingSince);
        var waited = since == NotWaiting ? TimeSpan.Zero : _clock.GetElapsedTime(since);
        if (waited >= _idle)
        {
            try
            {
                _stalled.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The stream ended while the timer fired.
            }

            return;
        }

        try
        {
            _timer.Change(_idle - waited, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
