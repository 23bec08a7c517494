namespace Parley.Server;

/// <summary>
/// One key's lease for one UTC day in a <see cref="LeasedBudgetLedger"/>: an amount reserved in the store at once
/// (its held amount), from which requests take their worst case in memory. Real costs stay inside the held amount
/// until the lease is closed, when the store gets the real spend in its place; until then the store counts the whole
/// held amount, so a crash can never leave a budget counting less than was spent.
/// </summary>
internal sealed class BudgetLease(long keyId, DateOnly day)
{
    private readonly Lock _lock = new();
    private decimal _held;
    private decimal _inFlight;
    private decimal _used;
    private decimal? _remaining;
    private long _lastUse = Environment.TickCount64;
    private bool _closed;

    /// <summary>The key.</summary>
    public long KeyId { get; } = keyId;

    /// <summary>The UTC day the held amount counts in (and so its month).</summary>
    public DateOnly Day { get; } = day;

    /// <summary>Serializes the trips to the store that grow or close this lease.</summary>
    public SemaphoreSlim Refill { get; } = new(1, 1);

    /// <summary>What is held and neither spent nor taken by a request in flight (0 once closed).</summary>
    public decimal Unused
    {
        get
        {
            lock (_lock)
            {
                return _closed ? 0m : Math.Max(0m, _held - _inFlight - _used);
            }
        }
    }

    /// <summary>Takes over what a lease whose closing could not be written held and spent.</summary>
    public void Adopt(decimal held, decimal used)
    {
        lock (_lock)
        {
            _held += held;
            _used += used;
        }
    }

    /// <summary>Takes <paramref name="amountUsd"/> from what is held and unused; false when the lease is short or closed.</summary>
    public bool TryTake(decimal amountUsd, out bool closed)
    {
        lock (_lock)
        {
            closed = _closed;
            if (closed || _held - _inFlight - _used < amountUsd)
            {
                return false;
            }

            _inFlight += amountUsd;
            _lastUse = Environment.TickCount64;
            return true;
        }
    }

    /// <summary>What the store must add for <paramref name="amountUsd"/> to fit, and the extra worth holding with it.</summary>
    public (decimal Shortfall, decimal Extra) Shortfall(decimal amountUsd, int leaseRequests, int remainingShare)
    {
        lock (_lock)
        {
            decimal shortfall = amountUsd - (_held - _inFlight - _used);
            decimal extra = leaseRequests * amountUsd;
            if (_remaining is { } remaining)
            {
                extra = Math.Min(extra, Math.Max(0, remaining) / remainingShare);
            }

            return (Math.Max(0, shortfall), extra);
        }
    }

    /// <summary>Adds what the store granted and takes <paramref name="amountUsd"/> from it; false when the lease is closed.</summary>
    public bool TryGrow(BudgetReservation granted, decimal amountUsd)
    {
        lock (_lock)
        {
            if (_closed)
            {
                return false;
            }

            _held += granted.AmountUsd;
            _inFlight += amountUsd;
            _remaining = Min(granted.RemainingDailyUsd, granted.RemainingMonthlyUsd);
            _lastUse = Environment.TickCount64;
            return true;
        }
    }

    /// <summary>A refusal from the store, with the unused part of this lease added back to what is left.</summary>
    public BudgetReservation Refused(BudgetReservation refused, decimal amountUsd)
    {
        lock (_lock)
        {
            decimal unused = Math.Max(0, _held - _inFlight - _used);
            _remaining = Min(refused.RemainingDailyUsd, refused.RemainingMonthlyUsd);
            return refused with { AmountUsd = amountUsd, RemainingDailyUsd = refused.RemainingDailyUsd + unused, RemainingMonthlyUsd = refused.RemainingMonthlyUsd + unused };
        }
    }

    /// <summary>
    /// Replaces a request's worst case by its real cost; returns what the real costs now pass the held amount by (the
    /// caller writes it to the store at once, so a crash cannot forget it), taken off the lease's unwritten costs.
    /// </summary>
    public decimal Settle(decimal amountUsd, decimal costUsd)
    {
        lock (_lock)
        {
            _inFlight -= amountUsd;
            _used += costUsd;
            decimal excess = Math.Max(0, _used + _inFlight - _held);
            _used -= excess;
            return excess;
        }
    }

    /// <summary>Gives back a cost the store could not take after <see cref="Settle"/> returned it.</summary>
    public void Unwritten(decimal costUsd)
    {
        lock (_lock)
        {
            _used += costUsd;
        }
    }

    /// <summary>Returns a request's worst case unused (it failed before anything was charged).</summary>
    public void Release(decimal amountUsd)
    {
        lock (_lock)
        {
            _inFlight -= amountUsd;
        }
    }

    /// <summary>
    /// Closes the lease when no request holds part of it (and, unless <paramref name="force"/>, when it is idle for
    /// <paramref name="idleMilliseconds"/> or of an earlier day than <paramref name="today"/>): the store then gets the
    /// real spend (<paramref name="used"/>) in place of the held amount.
    /// </summary>
    public bool TryClose(bool force, DateOnly today, long idleMilliseconds, out decimal held, out decimal used)
    {
        lock (_lock)
        {
            held = _held;
            used = _used;
            bool due = force || Day != today || Environment.TickCount64 - _lastUse >= idleMilliseconds;
            if (_closed || _inFlight != 0 || !due)
            {
                return false;
            }

            _closed = true;
            return true;
        }
    }

    private static decimal? Min(decimal? a, decimal? b) => a is null ? b : b is null ? a : Math.Min(a.Value, b.Value);
}
