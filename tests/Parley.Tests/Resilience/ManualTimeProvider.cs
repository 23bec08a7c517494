namespace Parley.Tests.Resilience;

/// <summary>
/// A clock that moves only when told. Timers fire inside <see cref="Advance"/>, in due order; every finite due time
/// requested is recorded in <see cref="RequestedDelays"/>.
/// </summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private readonly object _gate = new();
    private readonly List<ManualTimer> _timers = [];
    private readonly List<TimeSpan> _requestedDelays = [];
    private DateTimeOffset _now = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Each finite due time passed to <see cref="CreateTimer"/> or <see cref="ITimer.Change"/>, in order.</summary>
    public IReadOnlyList<TimeSpan> RequestedDelays
    {
        get
        {
            lock (_gate)
            {
                return _requestedDelays.ToArray();
            }
        }
    }

    /// <summary>How many timers are armed (a finite due time, not yet fired or disposed).</summary>
    public int ArmedTimers
    {
        get
        {
            lock (_gate)
            {
                return _timers.Count(t => t.Due is not null);
            }
        }
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        lock (_gate)
        {
            _timers.Add(timer);
            Arm(timer, dueTime, period);
        }

        return timer;
    }

    /// <summary>Moves the clock forward, firing every timer that falls due on the way.</summary>
    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        DateTimeOffset target;
        lock (_gate)
        {
            target = _now + by;
        }

        while (true)
        {
            ManualTimer? next;
            lock (_gate)
            {
                next = _timers.Where(t => t.Due is { } due && due <= target).MinBy(t => t.Due);
                if (next is null)
                {
                    _now = target;
                    return;
                }

                _now = next.Due!.Value;
                next.Due = next.Period is { } period ? _now + period : null;
            }

            next.Callback(next.State);
        }
    }

    /// <summary>Fires armed timers one after another (advancing the clock to each) until <paramref name="task"/> ends.</summary>
    public async Task DriveAsync(Task task)
    {
        var giveUp = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!task.IsCompleted)
        {
            if (DateTime.UtcNow > giveUp)
            {
                throw new TimeoutException("the task did not finish while the fake clock was driven");
            }

            DateTimeOffset? due;
            lock (_gate)
            {
                due = _timers.Where(t => t.Due is not null).Min(t => t.Due);
            }

            if (due is { } at)
            {
                Advance(at - GetUtcNow());
            }
            else
            {
                await Task.WhenAny(task, Task.Delay(5)).ConfigureAwait(false);
            }
        }

        await task.ConfigureAwait(false);
    }

    /// <summary>Waits (in real time, briefly) until at least <paramref name="count"/> timers are armed.</summary>
    public async Task WaitForArmedTimersAsync(int count = 1)
    {
        var giveUp = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (ArmedTimers < count)
        {
            if (DateTime.UtcNow > giveUp)
            {
                throw new TimeoutException($"fewer than {count} timers were armed");
            }

            await Task.Delay(5).ConfigureAwait(false);
        }
    }

    private void Arm(ManualTimer timer, TimeSpan dueTime, TimeSpan period)
    {
        if (dueTime == Timeout.InfiniteTimeSpan)
        {
            timer.Due = null;
            return;
        }

        _requestedDelays.Add(dueTime);
        timer.Due = _now + dueTime;
        timer.Period = period == Timeout.InfiniteTimeSpan || period == TimeSpan.Zero ? null : period;
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public TimerCallback Callback { get; } = callback;

        public object? State { get; } = state;

        public DateTimeOffset? Due { get; set; }

        public TimeSpan? Period { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._gate)
            {
                if (!owner._timers.Contains(this))
                {
                    return false;
                }

                owner.Arm(this, dueTime, period);
                return true;
            }
        }

        public void Dispose()
        {
            lock (owner._gate)
            {
                owner._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
