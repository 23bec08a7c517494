using Microsoft.Extensions.AI;

namespace Parley.Tests.Ollama;

public sealed class OllamaContextSizeChatClientTests
{
    [Theory]
    [InlineData(10, 1024, null, 0, 2048)]
    [InlineData(1024, 1024, null, 0, 2048)]
    [InlineData(1025, 1024, null, 0, 4096)]
    [InlineData(7000, 1024, null, 0, 8192)]
    [InlineData(100_000, 1024, null, 0, 131072)]
    [InlineData(200_000, 1024, null, 0, 262144)]
    [InlineData(7000, 1024, 4096, 0, 4096)]
    [InlineData(100_000, 1024, 40960, 0, 40960)]
    [InlineData(10, 1024, null, 16384, 16384)]
    [InlineData(10, 1024, 32768, 8192, 8192)]
    public void OllamaChooseSize_RoundsUpCapsAndNeverShrinks(long prompt, int reserve, int? window, int current, int expected)
    {
        Assert.Equal(expected, OllamaContextSizeChatClient.ChooseSize(prompt, reserve, window, current));
    }

    [Fact]
    public void OllamaChooseSize_CustomSizes_AreUsed()
    {
        Assert.Equal(3000, OllamaContextSizeChatClient.ChooseSize(1500, 1000, window: null, current: 0, sizes: [1000, 3000, 9000]));
    }

    [Fact]
    public void OllamaChooseSize_NegativePrompt_ThrowsNamingParameter()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => OllamaContextSizeChatClient.ChooseSize(-1, 0, null));
        Assert.Equal("promptTokens", e.ParamName);
    }

    [Fact]
    public void OllamaContextSize_UseExtension_AddsMiddlewareAndConfigures()
    {
        OllamaContextSizeChatClient? seen = null;
        using var client = new RecordingChatClient().AsBuilder()
            .UseOllamaContextSize(new OllamaContextSizeOptions { DefaultModel = "llama3.2" }, c => seen = c)
            .Build();

        Assert.Same(seen, client);
        Assert.Null(seen!.CurrentSize("llama3.2"));
    }

    [Fact]
    public async Task OllamaContextSize_Request_SetsNumCtxThroughRawRepresentation()
    {
        using var inner = new RecordingChatClient();
        using var client = new OllamaContextSizeChatClient(inner, new OllamaContextSizeOptions
        {
            DefaultModel = "llama3.2",
            ContextLength = (_, _) => Task.FromResult<int?>(4096),
        });

        await client.GetResponseAsync(string.Join(' ', Enumerable.Repeat("word", 3000)));

        var raw = Assert.IsType<OllamaSharp.Models.Chat.ChatRequest>(inner.Options!.RawRepresentationFactory!(inner));
        Assert.Equal(4096, raw.Options!.NumCtx);
        Assert.Equal(4096, client.CurrentSize("llama3.2"));
    }

    [Fact]
    public void OllamaContextSize_NullBuilder_ThrowsNamingParameter()
    {
        var e = Assert.Throws<ArgumentNullException>(() => OllamaChatClientBuilderExtensions.UseOllamaContextSize(null!));
        Assert.Equal("builder", e.ParamName);
    }

    /// <summary>Records the options of the last call and answers "ok".</summary>
    private sealed class RecordingChatClient : IChatClient
    {
        public ChatOptions? Options { get; private set; }

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            Options = options;
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")));
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
