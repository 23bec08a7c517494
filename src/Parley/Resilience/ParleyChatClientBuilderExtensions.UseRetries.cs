using Microsoft.Extensions.AI;

namespace Parley;

public static partial class ParleyChatClientBuilderExtensions
{
    /// <summary>
    /// Adds retries of transient failures (see <see cref="RetryingChatClient"/>). Add it before
    /// <see cref="ParleyChatClientBuilderExtensions.UseTimeouts"/> (outer), above the provider client.
    /// </summary>
    /// <param name="builder">The pipeline.</param>
    /// <param name="options">Retry settings; null takes the defaults. A null <see cref="ResilienceOptions.TimeProvider"/> or <see cref="ResilienceOptions.LoggerFactory"/> uses the pipeline's services' one, if any.</param>
    /// <returns><paramref name="builder"/>.</returns>
    public static ChatClientBuilder UseRetries(
        this ChatClientBuilder builder, ResilienceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) =>
        {
            return new RetryingChatClient(inner, ResilienceServices.FromServices(options, services));
        });
    }
}
