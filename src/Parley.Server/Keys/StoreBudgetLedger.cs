namespace Parley.Server;

/// <summary>
/// The <see cref="IBudgetLedger"/> of a server database shared by replicas (PostgreSQL): every request reserves in the
/// store's one atomic statement and settles there, so all replicas share one exact budget.
/// </summary>
internal sealed class StoreBudgetLedger(IApiKeyStore store) : IBudgetLedger
{
    public decimal HeldUnused(long keyId, DateOnly day) => 0m;

    public async ValueTask<BudgetAdmission> ReserveAsync(long keyId, decimal amountUsd, CancellationToken cancellationToken)
    {
        var reservation = await store.ReserveAsync(keyId, amountUsd, cancellationToken).ConfigureAwait(false);
        return new BudgetAdmission(reservation, reservation.Granted ? new KeyGateTicket(store, reservation) : null);
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
