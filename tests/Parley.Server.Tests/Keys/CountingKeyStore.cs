namespace Parley.Server.Tests.Keys;

/// <summary>An <see cref="IApiKeyStore"/> that passes every call to a real store and counts the budget writes.</summary>
internal sealed class CountingKeyStore(IApiKeyStore inner) : IApiKeyStore
{
    private int _reserves;
    private int _settles;

    /// <summary>Calls to <see cref="ReserveAsync"/> so far.</summary>
    public int Reserves => Volatile.Read(ref _reserves);

    /// <summary>Calls to <see cref="SettleAsync"/> and <see cref="ReleaseAsync"/> so far.</summary>
    public int Settles => Volatile.Read(ref _settles);

    public Task<ApiKeyRecord?> CreateKeyAsync(string name, string apiKey, ApiKeyLimits limits, CancellationToken cancellationToken = default) =>
        inner.CreateKeyAsync(name, apiKey, limits, cancellationToken);

    public Task<ApiKeyRecord?> FindKeyAsync(string apiKey, CancellationToken cancellationToken = default) => inner.FindKeyAsync(apiKey, cancellationToken);

    public Task<IReadOnlyList<ApiKeyRecord>> ListKeysAsync(CancellationToken cancellationToken = default) => inner.ListKeysAsync(cancellationToken);

    public Task<bool> RevokeKeyAsync(string name, CancellationToken cancellationToken = default) => inner.RevokeKeyAsync(name, cancellationToken);

    public Task<BudgetReservation> ReserveAsync(long keyId, decimal amountUsd, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _reserves);
        return inner.ReserveAsync(keyId, amountUsd, cancellationToken);
    }

    public Task SettleAsync(BudgetReservation reservation, decimal costUsd, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _settles);
        return inner.SettleAsync(reservation, costUsd, cancellationToken);
    }

    public Task ReleaseAsync(BudgetReservation reservation, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _settles);
        return inner.ReleaseAsync(reservation, cancellationToken);
    }
}
