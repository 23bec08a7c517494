namespace Parley.Server;

/// <summary>
/// Where an admitted request's worst-case cost is reserved against its key's budgets: the store itself on every request
/// (<see cref="StoreBudgetLedger"/>, for a server database shared by replicas), or an in-process lease taken from the
/// store now and then (<see cref="LeasedBudgetLedger"/>, for SQLite).
/// </summary>
internal interface IBudgetLedger
{
    /// <summary>
    /// Reserves <paramref name="amountUsd"/> for a request of the key: granted with a ticket (settled or released when the
    /// exchange ends), or refused with what the budgets have left.
    /// </summary>
    ValueTask<BudgetAdmission> ReserveAsync(long keyId, decimal amountUsd, CancellationToken cancellationToken);

    /// <summary>
    /// What this ledger holds in the store for the key's <paramref name="day"/> beyond what its requests spent or hold in
    /// flight: the store counts it as spent until the lease closes, so what a key has really spent is the store's figure
    /// minus this (0 for a ledger that reserves per request).
    /// </summary>
    decimal HeldUnused(long keyId, DateOnly day);

    /// <summary>Writes what the ledger holds in memory to the store (the host is stopping and no request is running).</summary>
    ValueTask FlushAsync(CancellationToken cancellationToken);
}
