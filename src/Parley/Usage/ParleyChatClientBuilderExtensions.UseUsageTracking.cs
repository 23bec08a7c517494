using Microsoft.Extensions.AI;

namespace Parley;

public static partial class ParleyChatClientBuilderExtensions
{
    /// <summary>Records every call's tokens and cost in <paramref name="ledger"/>.</summary>
    public static ChatClientBuilder UseUsageTracking(
        this ChatClientBuilder builder, UsageLedger ledger, ModelCatalog? catalog = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(ledger);
        return builder.Use(inner =>
        {
            return new UsageTrackingChatClient(inner, ledger, catalog);
        });
    }
}
