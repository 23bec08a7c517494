using Microsoft.Extensions.AI;

namespace Parley.Hosting;

/// <summary>The Ollama layer for a <see cref="ChatClientBuilder"/>.</summary>
public static class OllamaChatClientBuilderExtensions
{
    /// <summary>Sizes Ollama's <c>num_ctx</c> for every request from the prompt (see <see cref="OllamaContextSizeChatClient"/>).</summary>
    public static ChatClientBuilder UseOllamaContextSize(
        this ChatClientBuilder builder, OllamaContextSizeOptions? options = null, Action<OllamaContextSizeChatClient>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use(inner =>
        {
            var client = new OllamaContextSizeChatClient(inner, options);
            configure?.Invoke(client);
            return client;
        });
    }
}
