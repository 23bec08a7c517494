using System.Collections.Concurrent;

namespace Parley.Server;

/// <summary>
/// The gate of <c>parley serve</c> with virtual keys: a key is found by its hash in <see cref="IApiKeyStore"/> (a found
/// key is trusted for at most half a second, so a revocation reaches every request, on every replica, within a second), then each request
/// passes the key's model list, its rate limits and its budgets, whose worst-case cost is reserved before anything goes
/// upstream and settled to the real cost afterwards.
/// </summary>
internal sealed class KeyRequestGate(IApiKeyStore store, IRateLimitWindow rates, TimeProvider timeProvider, IBudgetLedger? budgets = null) : IRequestGate
{
    private readonly IBudgetLedger _budgets = budgets ?? new StoreBudgetLedger(store);

    /// <summary>How long a found key is trusted before the store is asked again.</summary>
    public static readonly TimeSpan CacheTime = TimeSpan.FromMilliseconds(500);

    private const int MaxCachedKeys = 10_000;

    private readonly ConcurrentDictionary<string, (ApiKeyRecord Key, DateTimeOffset Until)> _bySecret = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, ApiKeyRecord> _byId = new();
    private long _someKeyExistsUntilTicks;

    public async ValueTask<GateKey?> AuthenticateAsync(string? bearerToken, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(bearerToken))
        {
            return null;
        }

        var key = await FindAsync(bearerToken, cancellationToken).ConfigureAwait(false);
        return key is null || key.RevokedAt is not null ? null : new GateKey(key.Id, key.Name, key.Limits.Models, key.Limits.ContextPolicy);
    }

    public async ValueTask<GatewayError> UnauthenticatedErrorAsync(string? bearerToken, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(bearerToken) && await FindAsync(bearerToken, cancellationToken).ConfigureAwait(false) is { RevokedAt: not null } revoked)
        {
            return KeyGateErrors.RevokedKey(revoked.Name);
        }

        if (!await SomeKeyExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            return KeyGateErrors.NoKeysYet();
        }

        return string.IsNullOrEmpty(bearerToken) ? KeyGateErrors.MissingKey() : KeyGateErrors.WrongKey();
    }

    public async ValueTask<GateDecision> AdmitAsync(GateKey key, GateRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(request);
        var record = _byId.TryGetValue(key.Id, out var known) ? known
            : (await store.ListKeysAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(k => k.Id == key.Id);
        if (record is null || record.RevokedAt is not null)
        {
            return GateDecision.Refuse(record is null ? KeyGateErrors.WrongKey() : KeyGateErrors.RevokedKey(record.Name));
        }

        var limits = record.Limits;
        if (limits.Models is { } models && !models.Contains(request.Model, StringComparer.Ordinal))
        {
            return GateDecision.Refuse(KeyGateErrors.ModelNotAllowed(key, request.Model, models));
        }

        if (limits.HasBudget && request.WorstCaseCostUsd is null)
        {
            return GateDecision.Refuse(KeyGateErrors.PriceUnknown(key, request.Model));
        }

        var rate = await rates.TryAcquireAsync(
            key.Id, limits.RequestsPerMinute, limits.TokensPerMinute, request.PromptTokens + request.MaxOutputTokens, cancellationToken).ConfigureAwait(false);
        if (!rate.Allowed)
        {
            return GateDecision.Refuse(KeyGateErrors.RateLimited(key, request, rate));
        }

        // Keys without a budget reserve too (their known cost, else nothing), so `parley keys list` shows what they spent.
        var (reservation, ticket) = await _budgets.ReserveAsync(key.Id, Math.Max(0, request.WorstCaseCostUsd ?? 0), cancellationToken).ConfigureAwait(false);
        return ticket is not null
            ? GateDecision.Admit(ticket)
            : GateDecision.Refuse(KeyGateErrors.BudgetExhausted(key, request, limits, reservation));
    }

    /// <summary>Whether any key was created; a yes is kept for <see cref="CacheTime"/>, so a stream of bad keys costs two queries a second.</summary>
    private async ValueTask<bool> SomeKeyExistsAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        if (now.UtcTicks < Interlocked.Read(ref _someKeyExistsUntilTicks))
        {
            return true;
        }

        if ((await store.ListKeysAsync(cancellationToken).ConfigureAwait(false)).Count == 0)
        {
            return false;
        }

        Interlocked.Exchange(ref _someKeyExistsUntilTicks, (now + CacheTime).UtcTicks);
        return true;
    }

    private async ValueTask<ApiKeyRecord?> FindAsync(string secret, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        if (_bySecret.TryGetValue(secret, out var cached) && cached.Until > now)
        {
            return cached.Key;
        }

        var key = await store.FindKeyAsync(secret, cancellationToken).ConfigureAwait(false);
        if (key is null)
        {
            _bySecret.TryRemove(secret, out _);
            return null;
        }

        if (_bySecret.Count >= MaxCachedKeys)
        {
            _bySecret.Clear();
        }

        _bySecret[secret] = (key, now + CacheTime);
        _byId[key.Id] = key;
        return key;
    }
}
