using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Parley.Tests.Resilience;

/// <summary>
/// A hand-written <see cref="IChatClient"/> whose behaviour is given by callbacks. Each call is numbered from 1 and
/// what it received is recorded.
/// </summary>
public sealed class FakeChatClient : IChatClient
{
    private int _calls;

    /// <summary>The non-streaming behaviour: (call number, messages, token) → response. Default: answers "ok".</summary>
    public Func<int, IEnumerable<ChatMessage>, CancellationToken, Task<ChatResponse>> OnResponse { get; set; } =
        (_, _, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")) { FinishReason = ChatFinishReason.Stop });

    /// <summary>The streaming behaviour: (call number, messages, token) → updates. Default: streams "o", "k", stop.</summary>
    public Func<int, IEnumerable<ChatMessage>, CancellationToken, IAsyncEnumerable<ChatResponseUpdate>> OnStream { get; set; } =
        (_, _, token) => Updates(token, "o", "k");

    /// <summary>How many calls were made (both paths).</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>The message collection each call received.</summary>
    public List<IEnumerable<ChatMessage>> ReceivedMessages { get; } = [];

    /// <summary>The token each call received.</summary>
    public List<CancellationToken> ReceivedTokens { get; } = [];

    /// <summary>A client whose call <c>n</c> throws <c>failures[n-1]</c> (when there is one), then answers "ok".</summary>
    public static FakeChatClient FailingWith(params Exception[] failures)
    {
        var fake = new FakeChatClient();
        fake.OnResponse = (call, _, _) => call <= failures.Length
            ? Task.FromException<ChatResponse>(failures[call - 1])
            : Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")) { FinishReason = ChatFinishReason.Stop });
        fake.OnStream = (call, _, token) => call <= failures.Length ? Throwing(failures[call - 1]) : Updates(token, "o", "k");
        return fake;
    }

    /// <summary>Streams <paramref name="texts"/>, then a stop update.</summary>
    public static async IAsyncEnumerable<ChatResponseUpdate> Updates([EnumeratorCancellation] CancellationToken token, params string[] texts)
    {
        foreach (var text in texts)
        {
            token.ThrowIfCancellationRequested();
            yield return new ChatResponseUpdate(ChatRole.Assistant, text);
        }

        await Task.CompletedTask.ConfigureAwait(false);
        yield return new ChatResponseUpdate { Role = ChatRole.Assistant, FinishReason = ChatFinishReason.Stop };
    }

    /// <summary>A stream that fails before its first update.</summary>
    public static async IAsyncEnumerable<ChatResponseUpdate> Throwing(Exception failure)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        if (failure is not null)
        {
            throw failure;
        }

        yield break;
    }

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var call = Record(messages, cancellationToken);
        return OnResponse(call, messages, cancellationToken);
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var call = Record(messages, cancellationToken);
        return OnStream(call, messages, cancellationToken);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }

    private int Record(IEnumerable<ChatMessage> messages, CancellationToken token)
    {
        lock (ReceivedMessages)
        {
            ReceivedMessages.Add(messages);
            ReceivedTokens.Add(token);
        }

        return Interlocked.Increment(ref _calls);
    }
}
