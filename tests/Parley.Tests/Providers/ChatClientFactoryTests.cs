using Microsoft.Extensions.AI;
using Parley.TestServer;

namespace Parley.Tests;

public class ChatClientFactoryTests
{
    [Fact]
    public async Task Create_OpenAIKind_SendsBearerKeyToBaseUrl()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var client = ServerClients.Create(server);

        await client.GetResponseAsync("hi");

        var request = Assert.Single(server.Requests);
        Assert.Equal("/v1/chat/completions", request.Path);
        Assert.Equal("Bearer " + ServerClients.TestKey, request.Headers["Authorization"]);
        Assert.Equal("gpt-4o-mini", request.Model);
    }

    [Fact]
    public async Task Create_NoKey_SendsNoAuthorizationHeader()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var client = ChatClientFactory.Create(ServerClients.OpenAI(server, key: null) with { Kind = ProviderKind.OpenAICompatible, Name = "ollama" });

        await client.GetResponseAsync("hi");

        Assert.False(server.Requests[0].Headers.ContainsKey("Authorization"));
    }

    [Fact]
    public async Task Create_AzureKind_UsesDeploymentUrlApiVersionAndApiKeyHeader()
    {
        await using var server = await LoopbackServer.StartAsync();
        var provider = ServerClients.OpenAI(server, model: "my-deployment") with
        {
            Kind = ProviderKind.AzureOpenAI,
            BaseUrl = server.BaseAddress,
            ApiVersion = "2024-10-21",
        };
        using var client = ChatClientFactory.Create(provider);

        await Assert.ThrowsAnyAsync<Exception>(() => client.GetResponseAsync("hi"));

        var request = Assert.Single(server.Requests);
        Assert.Equal("/openai/deployments/my-deployment/chat/completions?api-version=2024-10-21", request.Path);
        Assert.Equal(ServerClients.TestKey, request.Headers["api-key"]);
        Assert.False(request.Headers.ContainsKey("Authorization"));
    }

    [Theory]
    [InlineData(ProviderKind.OpenAI, "max_completion_tokens", "max_tokens")]
    [InlineData(ProviderKind.OpenAICompatible, "max_tokens", "max_completion_tokens")]
    public async Task Create_MaxOutputTokens_UsesTheKindsFieldName(ProviderKind kind, string expected, string absent)
    {
        await using var server = await LoopbackServer.StartAsync();
        using var client = ChatClientFactory.Create(ServerClients.OpenAI(server) with { Kind = kind });

        await client.GetResponseAsync("hi", new ChatOptions { MaxOutputTokens = 42 });

        var json = server.Requests[0].Json!.Value;
        Assert.Equal(42, json.GetProperty(expected).GetInt32());
        Assert.False(json.TryGetProperty(absent, out _));
    }

    [Fact]
    public async Task Create_GenerationOptions_AreSentAsOpenAIFields()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var client = ServerClients.Create(server);

        await client.GetResponseAsync("hi", new ChatOptions { Temperature = 0.5f, TopP = 0.9f, Seed = 7, StopSequences = ["END", "STOP"] });

        var json = server.Requests[0].Json!.Value;
        Assert.Equal(0.5, json.GetProperty("temperature").GetDouble(), 3);
        Assert.Equal(0.9, json.GetProperty("top_p").GetDouble(), 3);
        Assert.Equal(7, json.GetProperty("seed").GetInt64());
        Assert.Equal(["END", "STOP"], json.GetProperty("stop").EnumerateArray().Select(e => e.GetString()));
    }
}
