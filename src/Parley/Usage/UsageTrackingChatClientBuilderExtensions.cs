using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>Adds <see cref="UsageTrackingChatClient"/> to a pipeline.</summary>
public static class UsageTrackingChatClientBuilderExtensions
{
    /// <summary>Records every call's tokens and cost in <paramref name="ledger"/>.</summary>
    public static ChatClientBuilder UseUsageTracking(
        this ChatClientBuilder builder, UsageLedger ledger, ModelCatalog? catalog = null, Action<UsageTrackingChatClient>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(ledger);
        return builder.Use(inner =>
        {
            var client = new UsageTrackingChatClient(inner, ledger, catalog);
            configure?.Invoke(client);
            return client;
        });
    }
}
