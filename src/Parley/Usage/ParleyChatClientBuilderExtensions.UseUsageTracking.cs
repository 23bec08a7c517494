using Microsoft.Extensions.AI;

namespace Parley;

public static partial class ParleyChatClientBuilderExtensions
{
    /// <summary>
    /// Adds every call's tokens and dollar cost (priced from <paramref name="catalog"/>) to <paramref name="usage"/>, on
    /// the streaming and non-streaming paths; a call that reports no usage counts as one of unknown cost.
    /// </summary>
    /// <param name="builder">The pipeline.</param>
    /// <param name="usage">The totals to add to (thread-safe: concurrent requests may share it).</param>
    /// <param name="catalog">Where prices come from; null uses <see cref="ModelCatalog.BuiltIn"/>.</param>
    /// <returns><paramref name="builder"/>.</returns>
    public static ChatClientBuilder UseUsageTracking(
        this ChatClientBuilder builder, ConversationUsage usage, ModelCatalog? catalog = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(usage);
        return builder.Use(inner =>
        {
            return new UsageTrackingChatClient(inner, usage, catalog);
        });
    }
}
