using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Parley.Server;

/// <summary>Registers the virtual-key gate of <c>parley serve</c>.</summary>
internal static class KeyGateServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="KeyRequestGate"/> as the <see cref="IRequestGate"/>, with the system clock and a rate-limit
    /// window unless registered already: the key store's own when it <see cref="IApiKeyStore.SharesRateLimits"/> (a server database
    /// shared by replicas), else the in-process one. The key store is the registered <see cref="IApiKeyStore"/>, else the
    /// registered <see cref="IConversationStore"/> when it is one (<see cref="SqliteConversationStore"/> is). Budgets are
    /// reserved in the store on every request when it is a server database shared by replicas (PostgreSQL), else from
    /// in-process leases (<see cref="LeasedBudgetLedger"/>), written back when the host stops.
    /// </summary>
    public static IServiceCollection AddParleyKeyGate(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IApiKeyStore>(provider => provider.GetRequiredService<IConversationStore>() as IApiKeyStore
            ?? throw new InvalidOperationException("The conversation store keeps no virtual keys: register an IApiKeyStore."));
        services.TryAddSingleton<IRateLimitWindow>(provider => provider.GetRequiredService<IApiKeyStore>() is { SharesRateLimits: true } shared
            ? new StoreRateLimitWindow(shared)
            : new SlidingWindowRateLimiter(provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IBudgetLedger>(provider => provider.GetRequiredService<IApiKeyStore>().SharesRateLimits
            ? new StoreBudgetLedger(provider.GetRequiredService<IApiKeyStore>())
            : new LeasedBudgetLedger(provider.GetRequiredService<IApiKeyStore>(), provider.GetRequiredService<TimeProvider>()));
        services.AddHostedService(provider => new BudgetLedgerFlusher(provider.GetRequiredService<IBudgetLedger>(), provider.GetService<InFlightExchanges>()));
        services.AddSingleton<IRequestGate>(provider => new KeyRequestGate(
            provider.GetRequiredService<IApiKeyStore>(), provider.GetRequiredService<IRateLimitWindow>(), provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<IBudgetLedger>()));
        return services;
    }
}
