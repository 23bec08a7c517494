using Microsoft.Extensions.AI;

namespace Parley;

/// <summary>Adds <see cref="TimeoutChatClient"/> to a <see cref="ChatClientBuilder"/> pipeline.</summary>
public static class TimeoutChatClientBuilderExtensions
{
    /// <summary>
    /// Adds the idle timeout of streams and the total timeout of non-streaming requests (see
    /// <see cref="TimeoutChatClient"/>). Add it after <see cref="RetryingChatClientBuilderExtensions.UseRetries"/>
    /// (inner), so each attempt is timed on its own.
    /// </summary>
    /// <param name="builder">The pipeline.</param>
    /// <param name="options">Timeout settings; null takes the defaults. A null <see cref="ResilienceOptions.TimeProvider"/> uses the pipeline's services' one, if any.</param>
    /// <param name="configure">Called with the new client, to change its settings.</param>
    /// <returns><paramref name="builder"/>.</returns>
    public static ChatClientBuilder UseTimeouts(
        this ChatClientBuilder builder, ResilienceOptions? options = null, Action<TimeoutChatClient>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) =>
        {
            var client = new TimeoutChatClient(inner, ResilienceServices.WithTimeProvider(options, services));
            configure?.Invoke(client);
            return client;
        });
    }
}
