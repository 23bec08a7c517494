using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>Adds <see cref="RetryingChatClient"/> to a <see cref="ChatClientBuilder"/> pipeline.</summary>
public static class RetryingChatClientBuilderExtensions
{
    /// <summary>
    /// Adds retries of transient failures (see <see cref="RetryingChatClient"/>). Add it before
    /// <see cref="TimeoutChatClientBuilderExtensions.UseTimeouts"/> (outer), above the provider client.
    /// </summary>
    /// <param name="builder">The pipeline.</param>
    /// <param name="options">Retry settings; null takes the defaults. A null <see cref="ResilienceOptions.TimeProvider"/> or <see cref="ResilienceOptions.LoggerFactory"/> uses the pipeline's services' one, if any.</param>
    /// <param name="configure">Called with the new client, to change its settings.</param>
    /// <returns><paramref name="builder"/>.</returns>
    public static ChatClientBuilder UseRetries(
        this ChatClientBuilder builder, ResilienceOptions? options = null, Action<RetryingChatClient>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) =>
        {
            var client = new RetryingChatClient(inner, ResilienceServices.FromServices(options, services));
            configure?.Invoke(client);
            return client;
        });
    }
}
