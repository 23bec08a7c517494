using System.ClientModel;
using OpenAI;
using OpenAI.Chat;
using Parley.TestServer;

namespace Parley.Server.Tests;

public sealed class OpenAIClientCompatibilityTests
{
    [Fact]
    public async Task OfficialOpenAIClient_NonStreamingAndStreaming_WorkUnchanged()
    {
        await using var upstream = await LoopbackServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(upstream);
        var client = new ChatClient("gpt-4o-mini", new ApiKeyCredential("any-key"), new OpenAIClientOptions { Endpoint = new Uri(gateway.BaseAddress, "v1") });

        ChatCompletion completion = await client.CompleteChatAsync([new UserChatMessage("hello sdk")]);
        var streamed = new System.Text.StringBuilder();
        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("stream sdk")]))
        {
            foreach (var part in update.ContentUpdate)
            {
                streamed.Append(part.Text);
            }
        }

        Assert.Equal("Echo: hello sdk", completion.Content[0].Text);
        Assert.True(completion.Usage.InputTokenCount > 0);
        Assert.Equal("Echo: stream sdk", streamed.ToString());
    }

    [Fact]
    public async Task OfficialOpenAIClient_UnknownModel_ThrowsWithStatus404()
    {
        await using var upstream = await LoopbackServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(upstream);
        var client = new ChatClient("gpt-5-typo", new ApiKeyCredential("any-key"), new OpenAIClientOptions { Endpoint = new Uri(gateway.BaseAddress, "v1") });

        var e = await Assert.ThrowsAsync<ClientResultException>(() => client.CompleteChatAsync([new UserChatMessage("hi")]));

        Assert.Equal(404, e.Status);
        Assert.Contains("model_not_found", e.Message, StringComparison.Ordinal);
    }
}
