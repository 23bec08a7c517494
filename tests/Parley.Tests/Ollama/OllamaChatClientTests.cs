using Microsoft.Extensions.AI;
using Parley.TestServer;

namespace Parley.Tests.Ollama;

public sealed class OllamaChatClientTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Ollama_Answer_ReadsTextFinishReasonUsageAndServerTimings(bool streaming)
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("Paris is the capital.", promptTokens: 26, completionTokens: 5));
        using var client = OllamaServerClients.Create(server);

        var response = await Ask(client, "Capital of France?", streaming);

        Assert.Equal("Paris is the capital.", response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal(26, response.Usage?.InputTokenCount);
        Assert.Equal(5, response.Usage?.OutputTokenCount);
        // The emulation reports eval_duration = 1 ms per output token.
        Assert.Equal(TimeSpan.FromMilliseconds(5), ServerTimings.GenerationTime(response.Usage));
        Assert.Equal(1000, ServerTimings.OutputTokensPerSecond(response.Usage)!.Value, precision: 6);
        var request = server.Requests.Single(r => r.Path == "/api/chat");
        Assert.Equal("llama3.2", request.Model);
        Assert.Equal(streaming, request.Stream);
        Assert.Equal(("user", "Capital of France?"), Assert.Single(request.Messages));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Ollama_ModelNotInstalled_ThrowsPullHint(bool streaming)
    {
        await using var server = await LoopbackServer.StartAsync();
        using var client = OllamaServerClients.Create(server, model: "mistral-nemo");

        var e = await Assert.ThrowsAsync<ParleyApiException>(() => Ask(client, "hi", streaming));

        Assert.Equal("model mistral-nemo is not installed: run `ollama pull mistral-nemo`", e.Message);
        Assert.Equal(404, e.StatusCode);
        Assert.Equal(ApiFailureKind.HttpError, e.Kind);
    }

    [Fact]
    public async Task Ollama_ModelNotInstalledOnChatOnly_ThrowsPullHintFromChat()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Error(404, "model \"llama3.2\" not found, try pulling it first"));
        using var client = OllamaServerClients.Create(server);

        var e = await Assert.ThrowsAsync<ParleyApiException>(() => client.GetResponseAsync("hi"));

        Assert.Equal("model llama3.2 is not installed: run `ollama pull llama3.2`", e.Message);
    }

    [Fact]
    public async Task Ollama_WrongPathPlainText404_IsNotMistakenForAMissingModel()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var client = ChatClientFactory.Create(OllamaServerClients.Provider(server) with { BaseUrl = new Uri(server.BaseAddress, "v1") });

        var e = await Assert.ThrowsAsync<ParleyApiException>(() => client.GetResponseAsync("hi"));

        Assert.Equal(404, e.StatusCode);
        Assert.DoesNotContain("ollama pull", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Ollama_ConnectionRefused_ThrowsConnectionRefused(bool streaming)
    {
        var address = OllamaServerClients.ClosedAddress();
        using var client = ChatClientFactory.Create(new ResolvedProvider { Name = "ollama", Kind = ProviderKind.Ollama, BaseUrl = address, Model = "llama3.2" });

        var e = await Assert.ThrowsAsync<ParleyApiException>(() => Ask(client, "hi", streaming));

        Assert.Equal(ApiFailureKind.ConnectionRefused, e.Kind);
        Assert.Contains("connection refused", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(400)]
    [InlineData(503)]
    public async Task Ollama_ServerError_KeepsStatusAndOllamaMessage(int status)
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Error(status, "llama runner process has terminated: exit status 2"));
        using var client = OllamaServerClients.Create(server);

        var e = await Assert.ThrowsAsync<ParleyApiException>(() => client.GetResponseAsync("hi"));

        Assert.Equal(status, e.StatusCode);
        Assert.Equal("llama runner process has terminated: exit status 2", e.Message);
    }

    [Fact]
    public async Task Ollama_ErrorLineMidStream_ThrowsWithPartialAnswer()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("one two three four").WithStreamError("out of memory", afterChunks: 2));
        using var client = OllamaServerClients.Create(server);
        var received = new List<string>();

        var e = await Assert.ThrowsAsync<ParleyApiException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("hi"))
            {
                received.Add(update.Text);
            }
        });

        Assert.Equal("out of memory", e.Message);
        Assert.Equal("one two ", e.PartialText);
        Assert.Equal("one two ", string.Concat(received));
    }

    [Fact]
    public async Task Ollama_StreamCutBeforeDone_ThrowsInterrupted()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("one two three four").DropAfterChunks(2));
        using var client = OllamaServerClients.Create(server);

        var e = await Assert.ThrowsAsync<ParleyApiException>(async () =>
        {
            await foreach (var _ in client.GetStreamingResponseAsync("hi"))
            {
            }
        });

        Assert.Equal(ApiFailureKind.StreamInterrupted, e.Kind);
        Assert.Equal("one two ", e.PartialText);
    }

    [Fact]
    public async Task Ollama_SmallPrompt_SendsSmallestNumCtx()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var client = OllamaServerClients.Create(server);

        await client.GetResponseAsync("hi");

        Assert.Equal(2048, server.Requests.Single(r => r.Path == "/api/chat").NumCtx);
    }

    [Fact]
    public async Task Ollama_GrowingConversation_RoundsUpAndNeverShrinks()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var client = OllamaServerClients.Create(server);
        var longText = string.Join(' ', Enumerable.Repeat("context", 5000));

        await client.GetResponseAsync("hi");
        await client.GetResponseAsync([new ChatMessage(ChatRole.User, longText)]);
        await client.GetResponseAsync("hi again");

        var sizes = server.Requests.Where(r => r.Path == "/api/chat").Select(r => r.NumCtx).ToList();
        Assert.Equal(2048, sizes[0]);
        Assert.Contains(sizes[1]!.Value, OllamaContextSizeChatClient.DefaultSizes);
        Assert.True(sizes[1] >= 8192, $"num_ctx {sizes[1]} for ~5000 words");
        Assert.Equal(sizes[1], sizes[2]);
        Assert.Single(server.Requests, r => r.Path == "/api/show");
    }

    [Fact]
    public async Task Ollama_PromptLargerThanWindow_CapsNumCtxAtShowContextLength()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var client = OllamaServerClients.Create(server, model: "llama3");
        var longText = string.Join(' ', Enumerable.Repeat("context", 20000));

        await client.GetResponseAsync(longText);

        Assert.Equal(8192, server.Requests.Single(r => r.Path == "/api/chat").NumCtx);
    }

    [Fact]
    public async Task Ollama_MaxOutputTokens_IsReservedAndSentAsNumPredict()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var client = OllamaServerClients.Create(server);

        await client.GetResponseAsync("hi", new ChatOptions { MaxOutputTokens = 3000 });

        var request = server.Requests.Single(r => r.Path == "/api/chat");
        Assert.Equal(4096, request.NumCtx);
        Assert.Equal(3000, request.MaxTokens);
    }

    [Fact]
    public async Task Ollama_NumCtxInAdditionalProperties_IsSentAsGiven()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var client = OllamaServerClients.Create(server);

        await client.GetResponseAsync("hi", new ChatOptions { AdditionalProperties = new() { ["num_ctx"] = 12345 } });

        Assert.Equal(12345, server.Requests.Single(r => r.Path == "/api/chat").NumCtx);
    }

    [Fact]
    public async Task Ollama_ModelIdInOptions_OverridesDefaultModel()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var client = OllamaServerClients.Create(server);

        var response = await client.GetResponseAsync("hi", new ChatOptions { ModelId = "gemma3:1b" });

        Assert.Equal("gemma3:1b", server.Requests.Single(r => r.Path == "/api/chat").Model);
        Assert.Equal("gemma3:1b", response.ModelId);
    }

    [Fact]
    public async Task Ollama_ChatSession_RecordsUsageFreeCostAndServerSpeed()
    {
        await using var server = await LoopbackServer.StartAsync(new LoopbackServerOptions { OllamaModels = [new OllamaModel("tinyllama") { ContextLength = 2048 }] });
        server.Enqueue(ScriptedResponse.Text("a b c d", promptTokens: 12, completionTokens: 4));
        var provider = OllamaServerClients.Provider(server, model: "tinyllama");
        using var client = ChatClientFactory.Create(provider);
        var session = new ChatSession(client, new ChatSessionOptions
        {
            Model = provider.Model,
            Catalog = ChatClientFactory.CatalogFor(provider, ModelCatalog.BuiltIn),
        });

        var chunks = new List<string>();
        await foreach (var update in session.StreamAsync("hello"))
        {
            chunks.Add(update.Text);
        }

        var turn = session.LastTurn!;
        Assert.Equal("a b c d", turn.Text);
        Assert.Equal(12, turn.Usage?.InputTokenCount);
        Assert.Equal(4, turn.Usage?.OutputTokenCount);
        Assert.Equal(0m, turn.CostUsd);
        Assert.Equal(1000, turn.OutputTokensPerSecond!.Value, precision: 6);
        Assert.Equal(ChatFinishReason.Stop, turn.FinishReason);
    }

    private static async Task<ChatResponse> Ask(IChatClient client, string prompt, bool streaming)
    {
        if (!streaming)
        {
            return await client.GetResponseAsync(prompt);
        }

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync(prompt))
        {
            updates.Add(update);
        }

        return updates.ToChatResponse();
    }
}
