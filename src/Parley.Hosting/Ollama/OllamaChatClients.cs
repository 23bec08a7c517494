using Microsoft.Extensions.AI;
using OllamaSharp;

namespace Parley.Hosting;

/// <summary>
/// Builds the client for <see cref="ProviderKind.Ollama"/>: OllamaSharp's <see cref="OllamaApiClient"/> over an
/// <see cref="HttpClient"/> whose handler reads Ollama's error bodies, then usage timings, <c>num_ctx</c> sizing
/// (window from <c>/api/show</c>) and error translation.
/// </summary>
internal static class OllamaChatClients
{
    public static IChatClient Create(ResolvedProvider provider, ChatClientFactoryOptions options)
    {
        var http = OllamaModelCatalog.CreateHttpClient(provider.BaseUrl, options.Handler, options.ConnectTimeout);
        var api = OllamaJsonContext.CreateClient(http, provider.Model);
        var models = new OllamaModelCatalog(api, provider.BaseUrl);
        IChatClient client = new OllamaResponseChatClient(api);
        client = new OllamaContextSizeChatClient(client, new OllamaContextSizeOptions
        {
            Catalog = options.Catalog,
            TokenCounter = options.TokenCounter,
            DefaultModel = provider.Model,
            ContextLength = models.GetContextLengthAsync,
        });
        return new ErrorTranslatingChatClient(client, new ApiErrorTranslator(provider.BaseUrl, provider.ApiKey, provider.Secrets));
    }
}
