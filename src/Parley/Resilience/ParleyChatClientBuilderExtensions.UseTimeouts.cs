using Microsoft.Extensions.AI;

namespace Parley;

public static partial class ParleyChatClientBuilderExtensions
{
    /// <summary>
    /// Adds the idle timeout of streams and the total timeout of non-streaming requests (see
    /// <see cref="TimeoutChatClient"/>). Add it after <see cref="ParleyChatClientBuilderExtensions.UseRetries"/>
    /// (inner), so each attempt is timed on its own.
    /// </summary>
    /// <param name="builder">The pipeline.</param>
    /// <param name="options">Timeout settings; null takes the defaults. A null <see cref="ResilienceOptions.TimeProvider"/> uses the pipeline's services' one, if any.</param>
    /// <returns><paramref name="builder"/>.</returns>
    public static ChatClientBuilder UseTimeouts(
        this ChatClientBuilder builder, ResilienceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) =>
        {
            return new TimeoutChatClient(inner, ResilienceServices.WithTimeProvider(options, services));
        });
    }
}
