using Microsoft.Extensions.AI;
using Parley.TestServer;

namespace Parley.Tests.Models;

/// <summary>What <see cref="ModelCapabilitiesChatClient"/> puts on the wire, checked in the loopback server's request log.</summary>
public class ModelCapabilitiesChatClientTests
{
    private static readonly ChatRole Developer = new("developer");

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task DeveloperRoleModel_SystemMessage_IsSentAsDeveloper(bool streaming)
    {
        await using var server = await LoopbackServer.StartAsync();
        using var client = Client(server);
        List<ChatMessage> messages = [new(ChatRole.System, "Be brief."), new(ChatRole.User, "hi")];

        await Send(client, messages, new ChatOptions { ModelId = "o3-mini" }, streaming);

        Assert.Equal([("developer", "Be brief."), ("user", "hi")], Assert.Single(server.Requests).Messages);
        Assert.Equal(ChatRole.System, messages[0].Role); // the caller's message is not changed
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task UserRoleModel_SystemMessage_IsSentAsUser(bool streaming)
    {
        await using var server = await LoopbackServer.StartAsync();
        using var client = Client(server);

        await Send(client, [new(ChatRole.System, "Be brief."), new(ChatRole.User, "hi")], new ChatOptions { ModelId = "o1-mini" }, streaming);

        Assert.Equal([("user", "Be brief."), ("user", "hi")], Assert.Single(server.Requests).Messages);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task SystemRoleModel_DeveloperMessage_IsSentAsSystem(bool streaming)
    {
        await using var server = await LoopbackServer.StartAsync();
        using var client = Client(server);

        await Send(client, [new(Developer, "Be brief."), new(ChatRole.User, "hi")], new ChatOptions { ModelId = "llama3.2" }, streaming);

        Assert.Equal([("system", "Be brief."), ("user", "hi")], Assert.Single(server.Requests).Messages);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task WithoutMiddleware_DeveloperRole_IsSerializedAsDeveloperByMicrosoftExtensionsAI(bool streaming)
    {
        // The wire finding the middleware relies on: Microsoft.Extensions.AI's OpenAI client sends ChatRole("developer") as is.
        await using var server = await LoopbackServer.StartAsync();
        using var client = ServerClients.Create(server);

        await Send(client, [new(Developer, "Be brief."), new(ChatRole.User, "hi")], new ChatOptions { ModelId = "gpt-4o-mini" }, streaming);

        Assert.Equal([("developer", "Be brief."), ("user", "hi")], Assert.Single(server.Requests).Messages);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task NoTemperatureModel_TemperatureAndTopP_AreDroppedAndReported(bool streaming)
    {
        await using var server = await LoopbackServer.StartAsync();
        var log = new RecordingLogger();
        using var client = Client(server, log);
        var options = new ChatOptions { ModelId = "gpt-5-mini", Temperature = 0.2f, TopP = 0.5f, Seed = 7 };

        await Send(client, [new(ChatRole.User, "hi")], options, streaming);

        var json = Assert.Single(server.Requests).Json!.Value;
        Assert.False(json.TryGetProperty("temperature", out _));
        Assert.False(json.TryGetProperty("top_p", out _));
        Assert.Equal(7, json.GetProperty("seed").GetInt32());
        Assert.Equal(
            [new UnsupportedOptionNotice("gpt-5-mini", "temperature"), new UnsupportedOptionNotice("gpt-5-mini", "top_p")],
            log.DroppedOptions);
        Assert.Equal(0.2f, options.Temperature); // the caller's options are not changed
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task TemperatureModel_Temperature_IsSent(bool streaming)
    {
        await using var server = await LoopbackServer.StartAsync();
        var log = new RecordingLogger();
        using var client = Client(server, log);

        await Send(client, [new(ChatRole.User, "hi")], new ChatOptions { ModelId = "gpt-4o-mini", Temperature = 0.2f }, streaming);

        Assert.Equal(0.2, Assert.Single(server.Requests).Json!.Value.GetProperty("temperature").GetDouble(), 3);
        Assert.Empty(log.DroppedOptions);
    }

    [Theory]
    [InlineData(true, ReasoningEffort.Low, "low")]
    [InlineData(false, ReasoningEffort.Medium, "medium")]
    [InlineData(true, ReasoningEffort.High, "high")]
    public async Task ReasoningModel_Effort_IsSentAsReasoningEffort(bool streaming, ReasoningEffort effort, string wire)
    {
        await using var server = await LoopbackServer.StartAsync();
        using var client = Client(server);

        await Send(client, [new(ChatRole.User, "hi")], new ChatOptions { ModelId = "o4-mini", Reasoning = new ReasoningOptions { Effort = effort } }, streaming);

        Assert.Equal(wire, Assert.Single(server.Requests).Json!.Value.GetProperty("reasoning_effort").GetString());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ChatModel_Effort_IsDroppedAndReported(bool streaming)
    {
        await using var server = await LoopbackServer.StartAsync();
        var log = new RecordingLogger();
        using var client = Client(server, log);

        await Send(client, [new(ChatRole.User, "hi")], new ChatOptions { ModelId = "gpt-4o", Reasoning = new ReasoningOptions { Effort = ReasoningEffort.High } }, streaming);

        Assert.False(Assert.Single(server.Requests).Json!.Value.TryGetProperty("reasoning_effort", out _));
        Assert.Equal([new UnsupportedOptionNotice("gpt-4o", "reasoning_effort")], log.DroppedOptions);
    }

    [Theory]
    [InlineData(ProviderKind.OpenAI, "gpt-4o-mini", "max_completion_tokens")]
    [InlineData(ProviderKind.OpenAICompatible, "gpt-4o-mini", "max_completion_tokens")]
    [InlineData(ProviderKind.OpenAI, "llama3.2:3b", "max_tokens")]
    [InlineData(ProviderKind.OpenAICompatible, "llama3.2", "max_tokens")]
    [InlineData(ProviderKind.OpenAI, "no-such-model", "max_completion_tokens")]
    [InlineData(ProviderKind.OpenAICompatible, "no-such-model", "max_tokens")]
    public async Task MaxTokens_KnownModel_UsesCatalogFieldElseProviderDefault(ProviderKind kind, string model, string field)
    {
        foreach (var streaming in new[] { true, false })
        {
            await using var server = await LoopbackServer.StartAsync();
            using var client = Client(server, kind: kind);

            await Send(client, [new(ChatRole.User, "hi")], new ChatOptions { ModelId = model, MaxOutputTokens = 50 }, streaming);

            var json = Assert.Single(server.Requests).Json!.Value;
            var other = field == "max_tokens" ? "max_completion_tokens" : "max_tokens";
            Assert.Equal(50, json.GetProperty(field).GetInt32());
            Assert.False(json.TryGetProperty(other, out _), $"{other} was sent too (streaming: {streaming})");
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task UnknownModel_Request_IsPassedThroughUnchanged(bool streaming)
    {
        await using var server = await LoopbackServer.StartAsync();
        var log = new RecordingLogger();
        using var client = Client(server, log);

        await Send(client, [new(ChatRole.System, "sys"), new(ChatRole.User, "hi")],
            new ChatOptions { ModelId = "my-vllm-model", Temperature = 0.3f, Reasoning = new ReasoningOptions { Effort = ReasoningEffort.Low } }, streaming);

        var request = Assert.Single(server.Requests);
        Assert.Equal([("system", "sys"), ("user", "hi")], request.Messages);
        Assert.Equal(0.3, request.Json!.Value.GetProperty("temperature").GetDouble(), 3);
        Assert.Equal("low", request.Json!.Value.GetProperty("reasoning_effort").GetString());
        Assert.Empty(log.DroppedOptions);
    }

    [Fact]
    public async Task NoOptions_ModelFromClientMetadata_IsShaped()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var client = ChatClientFactory.Create(ServerClients.OpenAI(server, "o3-mini")).AsBuilder().UseModelCapabilities().Build();

        await client.GetResponseAsync([new(ChatRole.System, "sys"), new(ChatRole.User, "hi")]);

        Assert.Equal([("developer", "sys"), ("user", "hi")], Assert.Single(server.Requests).Messages);
    }

    [Fact]
    public void Guards_NullArguments_NameTheParameter()
    {
        using var inner = new Resilience.FakeChatClient();
        Assert.Equal("catalog", Assert.Throws<ArgumentNullException>(() => new ModelCapabilitiesChatClient(inner, null!)).ParamName);
        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => ParleyChatClientBuilderExtensions.UseModelCapabilities(null!)).ParamName);
        using var client = new ModelCapabilitiesChatClient(inner, ModelCatalog.BuiltIn);
        Assert.Equal("messages", Assert.Throws<ArgumentNullException>(() => client.GetStreamingResponseAsync(null!)).ParamName);
    }

    // The logger reaches the middleware as the pipeline's services' ILoggerFactory.
    private static IChatClient Client(LoopbackServer server, RecordingLogger? log = null, ProviderKind kind = ProviderKind.OpenAI) =>
        ChatClientFactory.Create(ServerClients.OpenAI(server) with { Kind = kind })
            .AsBuilder()
            .UseModelCapabilities(ModelCatalog.BuiltIn)
            .Build(log);

    private static async Task Send(IChatClient client, List<ChatMessage> messages, ChatOptions options, bool streaming)
    {
        if (streaming)
        {
            await foreach (var _ in client.GetStreamingResponseAsync(messages, options))
            {
            }
        }
        else
        {
            await client.GetResponseAsync(messages, options);
        }
    }
}
