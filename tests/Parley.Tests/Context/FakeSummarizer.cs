using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Parley.Tests.Context;

/// <summary>A summarizer whose answer is given by a callback; records every prompt and the options it was sent with.</summary>
internal sealed class FakeSummarizer : IChatClient
{
    public Func<int, IReadOnlyList<ChatMessage>, ChatResponse> Answer { get; set; } = (call, _) =>
        new ChatResponse(new ChatMessage(ChatRole.Assistant, $"summary {call}"))
        {
            ModelId = "cheap-model",
            Usage = new UsageDetails { InputTokenCount = 100 * call, OutputTokenCount = 10, TotalTokenCount = (100 * call) + 10 },
        };

    public List<IReadOnlyList<ChatMessage>> Prompts { get; } = [];

    public List<ChatOptions?> Options { get; } = [];

    public int Calls => Prompts.Count;

    /// <summary>The text of the user message of call <paramref name="index"/> (the transcript to fold).</summary>
    public string Input(int index) => Prompts[index].Last(m => m.Role == ChatRole.User).Text;

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages.ToList();
        Prompts.Add(list);
        Options.Add(options);
        return Task.FromResult(Answer(Prompts.Count, list));
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
