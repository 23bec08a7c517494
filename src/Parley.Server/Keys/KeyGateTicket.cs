namespace Parley.Server;

/// <summary>
/// An admitted request's budget reservation: settled to the real cost (the reservation itself when the cost is
/// unknown), or released when disposed unsettled.
/// </summary>
internal sealed class KeyGateTicket(IApiKeyStore store, BudgetReservation reservation) : IGateTicket
{
    private int _done;

    public async ValueTask SettleAsync(long promptTokens, long completionTokens, decimal? costUsd, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _done, 1) == 0)
        {
            try
            {
                // An unknown real cost keeps the worst case: a budget is never passed by what nobody could price.
                await store.SettleAsync(reservation, Math.Max(0, costUsd ?? reservation.AmountUsd), cancellationToken).ConfigureAwait(false);
            }
            catch (ParleyStorageException)
            {
                // The answer is sent already: the worst case stays reserved until its day ends (a budget errs on the
                // safe side) rather than the client's connection being cut.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _done, 1) == 0)
        {
            try
            {
                await store.ReleaseAsync(reservation, CancellationToken.None).ConfigureAwait(false);
            }
            catch (ParleyStorageException)
            {
                // The reservation stays counted until its day ends: a budget errs on the safe side.
            }
        }
    }
}
