namespace Parley.Server;

/// <summary>
/// A request admitted from a <see cref="BudgetLease"/>: settling or releasing it changes the lease in memory; only a
/// real cost past what the lease holds is written to the store at once.
/// </summary>
internal sealed class LeaseTicket(IApiKeyStore store, BudgetLease lease, decimal amountUsd) : IGateTicket
{
    private int _done;

    public async ValueTask SettleAsync(long promptTokens, long completionTokens, decimal? costUsd, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _done, 1) != 0)
        {
            return;
        }

        // An unknown real cost keeps the worst case: a budget is never passed by what nobody could price.
        decimal excess = lease.Settle(amountUsd, Math.Max(0, costUsd ?? amountUsd));
        if (excess > 0)
        {
            try
            {
                await store.SettleAsync(new BudgetReservation(lease.KeyId, lease.Day, 0m, true, null, null), excess, cancellationToken).ConfigureAwait(false);
            }
            catch (ParleyStorageException)
            {
                // Kept in the lease: written when it closes.
                lease.Unwritten(excess);
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _done, 1) == 0)
        {
            lease.Release(amountUsd);
        }

        return ValueTask.CompletedTask;
    }
}
