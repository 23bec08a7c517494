using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Parley.Benchmarks;

/// <summary>A chat client that answers at once, with usage, without looking at the prompt: only Parley's work is left.</summary>
internal sealed class InstantChatClient : IChatClient
{
    private const string Answer = "Sure. Here is a short answer that reads like a real one, with a second sentence for good measure.";
    private int _responses;

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var id = Interlocked.Increment(ref _responses);
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, Answer))
        {
            ResponseId = "resp-" + id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ModelId = options?.ModelId,
            FinishReason = ChatFinishReason.Stop,
            Usage = new UsageDetails { InputTokenCount = 1000, OutputTokenCount = 20, TotalTokenCount = 1020 },
        });
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
