using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenAI.Chat;
using ChatMessage = Microsoft.Extensions.AI.ChatMessage;

namespace Parley;

/// <summary>
/// Middleware that shapes each request to what its model accepts, from the <see cref="ModelCatalog"/>: the system
/// message goes out with the model's <see cref="ModelInfo.SystemRole"/> (<c>developer</c> for OpenAI reasoning models,
/// <c>user</c> for o1-mini), <c>temperature</c>/<c>top_p</c> are dropped for models that reject them, a reasoning
/// effort is dropped for models that take none, and on the OpenAI wire the output limit is sent in the model's
/// <see cref="ModelInfo.MaxTokensField"/> (<c>max_completion_tokens</c> or <c>max_tokens</c>). Models the catalog
/// does not know are passed through unchanged. The caller's messages and options are never modified.
/// </summary>
internal sealed class ModelCapabilitiesChatClient : DelegatingChatClient
{
    private static readonly ChatRole Developer = new("developer");

    private readonly ModelCatalog _catalog;
    private readonly ILogger _logger;
    private bool? _openAIWire;
    private string? _defaultModelId;
    private bool _metadataRead;

    /// <summary>Creates the middleware.</summary>
    /// <param name="innerClient">The client requests are sent through.</param>
    /// <param name="catalog">Where model capabilities come from.</param>
    /// <param name="logger">
    /// Where each option the caller set that was not sent (because the model rejects it) is logged: event
    /// <see cref="ParleyTelemetry.OptionDropped"/>, a warning. Null: not logged.
    /// </param>
    public ModelCapabilitiesChatClient(IChatClient innerClient, ModelCatalog catalog, ILogger? logger = null)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        _catalog = catalog;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <inheritdoc />
    public override Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var (adaptedMessages, adaptedOptions) = Adapt(messages, options);
        return base.GetResponseAsync(adaptedMessages, adaptedOptions, cancellationToken);
    }

    /// <inheritdoc />
    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var (adaptedMessages, adaptedOptions) = Adapt(messages, options);
        return base.GetStreamingResponseAsync(adaptedMessages, adaptedOptions, cancellationToken);
    }

    private (IEnumerable<ChatMessage> Messages, ChatOptions? Options) Adapt(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        var modelId = options?.ModelId ?? DefaultModelId();
        if (modelId is null || _catalog.Find(modelId) is not { } model)
        {
            return (messages, options);
        }

        return (AdaptMessages(messages, model), AdaptOptions(options, modelId, model));
    }

    private static IEnumerable<ChatMessage> AdaptMessages(IEnumerable<ChatMessage> messages, ModelInfo model)
    {
        var role = model.SystemRole switch
        {
            "developer" => Developer,
            "user" => ChatRole.User,
            _ => ChatRole.System,
        };

        List<ChatMessage>? adapted = null;
        var index = 0;
        foreach (var message in messages)
        {
            var instruction = message.Role == ChatRole.System || message.Role == Developer;
            if (instruction && message.Role != role)
            {
                adapted ??= [.. messages.Take(index)];
                var copy = message.Clone();
                copy.Role = role;
                copy.RawRepresentation = null; // a provider message object would be sent as is, with its old role
                adapted.Add(copy);
            }
            else
            {
                adapted?.Add(message);
            }

            index++;
        }

        return adapted ?? messages;
    }

    private ChatOptions? AdaptOptions(ChatOptions? options, string modelId, ModelInfo model)
    {
        if (options is null)
        {
            return null;
        }

        ChatOptions? changed = null;
        ChatOptions Changed() => changed ??= options.Clone();

        if (!model.SupportsTemperature)
        {
            if (options.Temperature is not null)
            {
                Changed().Temperature = null;
                ParleyLog.OptionDropped(_logger, modelId, UnsupportedOptionNotice.Temperature);
            }

            if (options.TopP is not null)
            {
                Changed().TopP = null;
                ParleyLog.OptionDropped(_logger, modelId, UnsupportedOptionNotice.TopP);
            }
        }

        if (!model.SupportsReasoningEffort && options.Reasoning?.Effort is not null)
        {
            Changed().Reasoning = options.Reasoning.Output is { } output ? new ReasoningOptions { Output = output } : null;
            ParleyLog.OptionDropped(_logger, modelId, UnsupportedOptionNotice.ReasoningEffort);
        }

        if (options.MaxOutputTokens is { } limit && IsOpenAIWire())
        {
            var target = Changed();
            if (model.MaxTokensField == "max_tokens")
            {
                changed = MaxTokensFieldChatClient.Rewrite(target);
            }
            else
            {
                // Sent through the SDK's own field (max_completion_tokens); with MaxOutputTokens cleared, an inner
                // MaxTokensFieldChatClient (the provider-kind default for OpenAI-compatible servers) leaves it alone.
                target.MaxOutputTokens = null;
                var previousFactory = options.RawRepresentationFactory;
                target.RawRepresentationFactory = client =>
                {
                    var raw = previousFactory?.Invoke(client) as ChatCompletionOptions ?? new ChatCompletionOptions();
                    raw.MaxOutputTokenCount = limit;
                    return raw;
                };
            }
        }

        return changed ?? options;
    }

    // The field can only be chosen where the request is built by the OpenAI SDK.
    private bool IsOpenAIWire() => _openAIWire ??= InnerClient.GetService(typeof(ChatClient)) is not null;

    private string? DefaultModelId()
    {
        if (!_metadataRead)
        {
            _defaultModelId = InnerClient.GetService(typeof(ChatClientMetadata)) is ChatClientMetadata metadata ? metadata.DefaultModelId : null;
            _metadataRead = true;
        }

        return _defaultModelId;
    }
}
