using System.Collections.Concurrent;

namespace Parley.Server;

/// <summary>
/// The <see cref="IBudgetLedger"/> of a SQLite store: instead of a database write before and after every request, a key
/// reserves a lease in the store (its one atomic check-and-add) — the request's worst case plus room for about
/// <see cref="LeaseRequests"/> more, never more than a sixteenth of what the budgets had left — and requests take
/// their worst case from it in memory. A lease is closed (the store gets the real spend in place of what it held) when
/// it is idle for a second, when its UTC day ends, and when the host stops.
/// </summary>
/// <remarks>
/// Budgets stay exact: the store always counts at least what was spent and reserved, so no number of requests, threads
/// or processes on the same database can pass a limit (another gateway on the same file takes its own leases). A crash
/// leaves the held amount counted for its day and month: at most the unused part of the leases (about
/// <see cref="LeaseRequests"/> worst cases a key) is counted as spent though never spent — never the other way round.
/// A request that must reach the store (a new lease) is refused exactly as the store decides, with the unused part of
/// this process's lease given back first, so a single gateway refuses nothing the budget could pay for.
/// </remarks>
internal sealed class LeasedBudgetLedger : IBudgetLedger, IDisposable
{
    /// <summary>About how many requests' worst cases a lease holds beyond the one that took it.</summary>
    public const int LeaseRequests = 32;

    /// <summary>A lease never takes more than this share of what the budgets have left (1/16).</summary>
    private const int RemainingShare = 16;

    private const long IdleMilliseconds = 1000;

    private readonly IApiKeyStore _store;
    private readonly TimeProvider _timeProvider;
    private readonly ConcurrentDictionary<(long KeyId, DateOnly Day), BudgetLease> _leases = new();
    private readonly ITimer? _sweeper;
    private int _sweeping;

    public LeasedBudgetLedger(IApiKeyStore store, TimeProvider timeProvider, bool sweep = true)
    {
        _store = store;
        _timeProvider = timeProvider;
        _sweeper = sweep ? timeProvider.CreateTimer(_ => _ = SweepAsync(force: false, CancellationToken.None), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)) : null;
    }

    public async ValueTask<BudgetAdmission> ReserveAsync(long keyId, decimal amountUsd, CancellationToken cancellationToken)
    {
        while (true)
        {
            var day = DateOnly.FromDateTime(_timeProvider.GetUtcNow().UtcDateTime);
            var lease = LeaseOf(keyId, day);
            if (lease.TryTake(amountUsd, out bool closed))
            {
                return Granted(lease, amountUsd);
            }

            if (closed)
            {
                continue;
            }

            await lease.Refill.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (lease.TryTake(amountUsd, out closed))
                {
                    return Granted(lease, amountUsd);
                }

                if (closed)
                {
                    continue;
                }

                var (shortfall, extra) = lease.Shortfall(amountUsd, LeaseRequests, RemainingShare);
                var reservation = extra > 0 ? await _store.ReserveAsync(keyId, shortfall + extra, cancellationToken).ConfigureAwait(false) : null;
                if (reservation is not { Granted: true })
                {
                    reservation = await _store.ReserveAsync(keyId, shortfall, cancellationToken).ConfigureAwait(false);
                }

                if (!reservation.Granted)
                {
                    return new BudgetAdmission(lease.Refused(reservation, amountUsd), null);
                }

                // The store's day decides: when the UTC day turned between the two clocks, the amount belongs to the
                // lease of the store's day (a lease being closed meanwhile is replaced by a fresh one).
                var target = reservation.Day == lease.Day ? lease : LeaseOf(keyId, reservation.Day);
                while (!target.TryGrow(reservation, amountUsd))
                {
                    target = LeaseOf(keyId, reservation.Day);
                }

                return Granted(target, amountUsd);
            }
            finally
            {
                lease.Refill.Release();
            }
        }
    }

    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        while (Interlocked.CompareExchange(ref _sweeping, 1, 0) != 0)
        {
            await Task.Delay(10, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            await CloseAsync(force: true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    public decimal HeldUnused(long keyId, DateOnly day) => _leases.TryGetValue((keyId, day), out var lease) ? lease.Unused : 0m;

    public void Dispose() => _sweeper?.Dispose();

    /// <summary>Closes the leases that are idle or of an earlier day (all when <paramref name="force"/>); test hook.</summary>
    internal async Task SweepAsync(bool force, CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _sweeping, 1, 0) != 0)
        {
            return;
        }

        try
        {
            await CloseAsync(force, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ParleyStorageException or TimeoutException or OperationCanceledException or ObjectDisposedException)
        {
            // The store is away (or closed with the host): the leases stay held (counted as spent) and are closed on a later sweep.
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    private async Task CloseAsync(bool force, CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(_timeProvider.GetUtcNow().UtcDateTime);
        foreach (var (slot, lease) in _leases)
        {
            if (!lease.Refill.Wait(0))
            {
                continue;
            }

            try
            {
                if (!lease.TryClose(force, today, IdleMilliseconds, out decimal held, out decimal used))
                {
                    continue;
                }

                _leases.TryRemove(new KeyValuePair<(long, DateOnly), BudgetLease>(slot, lease));
                if (held > 0 || used > 0)
                {
                    try
                    {
                        // The held amount leaves the reserved column; the real spend enters the settled one.
                        await _store.SettleAsync(new BudgetReservation(lease.KeyId, lease.Day, held, true, null, null), used, cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is ParleyStorageException or TimeoutException or OperationCanceledException)
                    {
                        // Not written: the held amount stays counted (never less than was spent). Keep the spend for
                        // the next sweep by putting back a closed lease's figures in a fresh one of the same day.
                        LeaseOf(slot.KeyId, slot.Day).Adopt(held, used);
                        throw;
                    }
                }
            }
            finally
            {
                lease.Refill.Release();
            }
        }
    }

    private BudgetLease LeaseOf(long keyId, DateOnly day) => _leases.GetOrAdd((keyId, day), static k => new BudgetLease(k.KeyId, k.Day));

    private BudgetAdmission Granted(BudgetLease lease, decimal amountUsd) =>
        new(new BudgetReservation(lease.KeyId, lease.Day, amountUsd, true, null, null), new LeaseTicket(_store, lease, amountUsd));
}
