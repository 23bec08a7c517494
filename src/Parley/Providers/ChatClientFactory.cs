using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using OpenAI;

namespace Parley;

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

        return new ErrorTranslatingChatClient(client, new ApiErrorTranslator(provider.BaseUrl, provider.ApiKey));
    }
}
