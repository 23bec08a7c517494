using Microsoft.Extensions.Hosting;

namespace Parley.Server;

/// <summary>When the host stops: waits for the running exchanges, then writes the budget ledger's leases to the store.</summary>
internal sealed class BudgetLedgerFlusher(IBudgetLedger ledger, InFlightExchanges? inFlight) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (inFlight is not null)
        {
            try
            {
                await inFlight.WhenIdleAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The host's shutdown timeout: close what is idle; a lease still in use stays counted in full.
            }
        }

        try
        {
            await ledger.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ParleyStorageException or TimeoutException)
        {
            // The store is away: the held amounts stay counted as spent (a budget errs on the safe side).
        }
    }
}
