using Microsoft.Extensions.AI;
using OpenAI.Chat;

namespace Parley;

/// <summary>
/// Sends the output limit as <c>max_tokens</c> instead of the SDK's <c>max_completion_tokens</c>, for servers and
/// older models that only know the old name.
/// </summary>
internal sealed class MaxTokensFieldChatClient : DelegatingChatClient
{
    public MaxTokensFieldChatClient(IChatClient innerClient)
        : base(innerClient)
    {
    }

    public override Task<ChatResponse> GetResponseAsync(
        IEnumerable<Microsoft.Extensions.AI.ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetResponseAsync(messages, Rewrite(options), cancellationToken);

    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<Microsoft.Extensions.AI.ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetStreamingResponseAsync(messages, Rewrite(options), cancellationToken);

    internal static ChatOptions? Rewrite(ChatOptions? options)
    {
        if (options?.MaxOutputTokens is not { } limit)
        {
            return options;
        }

        var clone = options.Clone();
        clone.MaxOutputTokens = null;
        var previousFactory = options.RawRepresentationFactory;
        clone.RawRepresentationFactory = client =>
        {
            var raw = previousFactory?.Invoke(client) as ChatCompletionOptions ?? new ChatCompletionOptions();
#pragma warning disable SCME0001 // JsonPatch is marked for evaluation; it is the SDK's way to set a field it does not model.
            raw.Patch.Set("$.max_tokens"u8, limit);
#pragma warning restore SCME0001
            return raw;
        };
        return clone;
    }
}
