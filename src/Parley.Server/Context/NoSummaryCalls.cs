using Microsoft.Extensions.AI;

namespace Parley.Server;

/// <summary>
/// The summarizer of a preview (<c>POST /v1/parley/context</c>): counting the next request never calls a model, so a
/// summary the policy would have to write fails here, and the policy reports it as due.
/// </summary>
internal sealed class NoSummaryCalls : IChatClient
{
    public static readonly NoSummaryCalls Instance = new();

    private NoSummaryCalls()
    {
    }

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException("a preview writes no summary");

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException("a preview writes no summary");

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
