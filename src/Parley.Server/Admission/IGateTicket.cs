namespace Parley.Server;

/// <summary>
/// An admitted request's reservation. <see cref="SettleAsync"/> records what the exchange really used; disposing a
/// ticket that was never settled releases the reservation (the request failed before the upstream charged anything).
/// </summary>
internal interface IGateTicket : IAsyncDisposable
{
    /// <summary>Records the real usage and cost (null when the price is unknown) in place of the reservation.</summary>
    ValueTask SettleAsync(long promptTokens, long completionTokens, decimal? costUsd, CancellationToken cancellationToken);
}
