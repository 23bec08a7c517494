using System.ClientModel;
using Microsoft.Extensions.AI;
using OpenAI;
using Parley.TestServer;

namespace Parley.Tests;

/// <summary>The README's library example, compiled and run against the loopback server.</summary>
public class LibraryExampleTests
{
    [Fact]
    public async Task ReadmeExample_SessionWithStore_SendsStreamsResetsAndSaves()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("AI is the study of machines that think.", promptTokens: 24, completionTokens: 9, model: "gpt-4o-mini-2024-07-18"));
        using var dir = new TempDirectory();
        var apiKey = "sk-test-readme-example";

        // --- the README example starts here ---
        IChatClient client = new OpenAIClient(new ApiKeyCredential(apiKey), new OpenAIClientOptions { Endpoint = server.OpenAIBaseUrl })
            .GetChatClient("gpt-4o-mini").AsIChatClient();

        await using var store = await SqliteConversationStore.OpenAsync(dir.File("parley.db"));
        var session = new ChatSession(client, new ChatSessionOptions
        {
            Model = "gpt-4o-mini",
            SystemPrompt = "You are a helpful assistant.",
            Store = store,                                          // or null: memory only
        });

        ChatTurn turn = await session.SendAsync("What is artificial intelligence?");
        var line = $"{turn.Text}  [{turn.Usage!.TotalTokenCount} tokens, ${turn.CostUsd:0.000000}]";

        var streamed = "";
        var stream = session.StreamAsync("Can you elaborate more on that?");
        await foreach (var update in stream)
        {
            streamed += update.Text;
        }

        ChatTurn streamedTurn = await stream.Turn;                  // recorded at the end: usage, cost, timings

        await session.ResetAsync();                                 // a new conversation, same system prompt
        // --- the README example ends here ---

        Assert.Equal("AI is the study of machines that think.  [33 tokens, $0.000009]", line);
        Assert.Equal("Echo: Can you elaborate more on that?", streamed);
        Assert.Equal(streamed, streamedTurn.Text);
        Assert.NotNull(streamedTurn.Usage);
        Assert.Equal(4, server.Requests[1].Messages.Count);
        var saved = await store.ListAsync();
        var conversation = Assert.Single(saved);
        Assert.Equal(2, conversation.TurnCount);
        Assert.Null(session.ConversationId);
    }

    [Fact]
    public async Task ReadmeExample_Middleware_TracksUsageOnAnyPipeline()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("one", promptTokens: 1_000_000, completionTokens: 1_000_000, model: "gpt-4o-mini"));
        IChatClient raw = ChatClientFactory.Create(ServerClients.OpenAI(server));

        var usage = new ConversationUsage();
        IChatClient client = raw.AsBuilder().UseUsageTracking(usage).Build();
        await client.GetResponseAsync("hi");
        await foreach (var _ in client.GetStreamingResponseAsync("again"))
        {
        }

        Assert.Equal(2, usage.Calls);
        Assert.True(usage.CostUsd >= 0.15m + 0.60m, $"cost {usage.CostUsd}");
        Assert.True(usage.InputTokens > 1_000_000, $"input tokens {usage.InputTokens}");
        Assert.False(usage.HasUnknownCost);
    }

    [Fact]
    public void UseUsageTracking_NullLedger_ThrowsWithParameterName()
    {
        var e = Assert.Throws<ArgumentNullException>(() => new ChatClientBuilder(new EmptyClient()).UseUsageTracking(null!));

        Assert.Equal("usage", e.ParamName);
    }

    private sealed class EmptyClient : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new ChatResponse());

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            AsyncEnumerable.Empty<ChatResponseUpdate>();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
