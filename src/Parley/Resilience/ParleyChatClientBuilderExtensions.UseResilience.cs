using Microsoft.Extensions.AI;

namespace Parley;

public static partial class ParleyChatClientBuilderExtensions
{
    /// <summary>
    /// Adds <see cref="RetryingChatClient"/> and, inside it, <see cref="TimeoutChatClient"/>: the same as
    /// <c>builder.UseRetries(options).UseTimeouts(options)</c>. Each attempt is timed on its own; a timeout is not retried.
    /// </summary>
    /// <param name="builder">The pipeline.</param>
    /// <param name="options">Retry and timeout settings; null takes the defaults.</param>
    /// <returns><paramref name="builder"/>.</returns>
    public static ChatClientBuilder UseResilience(this ChatClientBuilder builder, ResilienceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.UseRetries(options).UseTimeouts(options);
    }
}
