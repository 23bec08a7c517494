using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using OpenAI;

namespace Parley.Hosting;

/// <summary>
/// Builds an <see cref="IChatClient"/> for a <see cref="ResolvedProvider"/>. The only place that knows provider
/// kinds. The SDK's own retries are off and its 100 s network timeout is removed: Parley owns both.
/// </summary>
public static class ChatClientFactory
{
    /// <summary>The default connect timeout.</summary>
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The Azure OpenAI <c>api-version</c> used when the config names none.</summary>
    public const string DefaultAzureApiVersion = "2024-10-21";

    private const string NoKeyPlaceholder = "no-key";

    /// <summary>Creates the client for <paramref name="provider"/>, talking to its base URL about its model.</summary>
    public static IChatClient Create(ResolvedProvider provider, ChatClientFactoryOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(provider);
        options ??= new ChatClientFactoryOptions();
        if (provider.Kind == ProviderKind.Ollama)
        {
            return OllamaChatClients.Create(provider, options);
        }

        if (provider.Kind == ProviderKind.Gguf)
        {
            return GgufModels.ChatClient(provider);
        }

        var handler = options.Handler ?? new SocketsHttpHandler
        {
            ConnectTimeout = options.ConnectTimeout ?? DefaultConnectTimeout,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90),
        };
        var http = new HttpClient(handler, disposeHandler: options.Handler is null) { Timeout = Timeout.InfiniteTimeSpan };
        var clientOptions = new OpenAIClientOptions
        {
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = Timeout.InfiniteTimeSpan,
            Transport = new HttpClientPipelineTransport(http),
            UserAgentApplicationId = "parley",
        };

        string deploymentOrModel = provider.Model;
        switch (provider.Kind)
        {
            case ProviderKind.AzureOpenAI:
                clientOptions.Endpoint = new Uri(provider.BaseUrl.AbsoluteUri.TrimEnd('/') + "/openai/deployments/" + Uri.EscapeDataString(provider.Model));
                clientOptions.AddPolicy(
                    new AzureOpenAIPolicy(provider.ApiKey ?? string.Empty, provider.ApiVersion ?? DefaultAzureApiVersion),
                    PipelinePosition.BeforeTransport);
                break;
            default:
                clientOptions.Endpoint = provider.BaseUrl;
                if (provider.ApiKey is null)
                {
                    clientOptions.AddPolicy(NoAuthorizationPolicy.Instance, PipelinePosition.BeforeTransport);
                }

                break;
        }

        var chatClient = new OpenAI.Chat.ChatClient(deploymentOrModel, new ApiKeyCredential(provider.ApiKey ?? NoKeyPlaceholder), clientOptions);
        IChatClient client = new FirstChoiceChatClient(chatClient.AsIChatClient());
        var field = options.MaxTokensField ?? (provider.Kind == ProviderKind.OpenAICompatible ? "max_tokens" : "max_completion_tokens");
        if (string.Equals(field, "max_tokens", StringComparison.Ordinal))
        {
            client = new MaxTokensFieldChatClient(client);
        }

        return new ErrorTranslatingChatClient(client, new ApiErrorTranslator(provider.BaseUrl, provider.ApiKey, provider.Secrets));
    }

    /// <summary>
    /// The catalog as it applies to <paramref name="provider"/>'s model: a model served by Ollama is local and free
    /// even when the catalog does not know it; a GGUF file is loaded and its own entry added (window from the file,
    /// exact tokenizer, $0 unless the config prices it; <see cref="ParleyConfigurationException"/> when the file is
    /// missing or corrupt); other providers use the catalog as it is.
    /// </summary>
    public static ModelCatalog CatalogFor(ResolvedProvider provider, ModelCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(catalog);
        if (provider.Kind == ProviderKind.Gguf)
        {
            return GgufModels.Catalog(provider, catalog);
        }

        if (provider.Kind != ProviderKind.Ollama)
        {
            return catalog;
        }

        var known = catalog.Find(provider.Model);
        if (known is { IsLocal: true, InputPerMillion: 0m, OutputPerMillion: 0m })
        {
            return catalog;
        }

        var local = new System.Text.Json.Nodes.JsonObject
        {
            ["provider"] = ModelInfo.OllamaProvider,
            ["local"] = true,
            ["input_per_million"] = 0,
            ["cached_input_per_million"] = 0,
            ["output_per_million"] = 0,
            ["source"] = known is null ? "served by Ollama; not in the model catalog" : $"served by Ollama (local, no per-token price); {known.Source}",
        };
        var overrides = new System.Text.Json.Nodes.JsonObject { [provider.Model] = local };
        using var document = System.Text.Json.JsonDocument.Parse(overrides.ToJsonString());
        return catalog.WithOverrides(document.RootElement);
    }
}
