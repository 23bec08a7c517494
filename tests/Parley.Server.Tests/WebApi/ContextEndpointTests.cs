using System.Net;
using System.Text.Json;

namespace Parley.Server.Tests.WebApi;

/// <summary>
/// <c>POST /v1/parley/context</c>: the next request counted by the gateway's own path before it is sent; sending it for
/// real afterwards, the upstream's <c>usage.prompt_tokens</c> is the same number.
/// </summary>
public sealed class ContextEndpointTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("last:2")]
    public async Task Context_NextRequestOnAConversation_EqualsTheUpstreamsPromptTokens(string? policy)
    {
        await using var server = await WebChatGateway.StartAsync();
        var ada = await server.KeyAsync("ada");
        await ada.ChatAsync("chat-1", "My name is Ada and I like counting tokens.");
        await ada.ChatAsync("chat-1", "What did I say I like?");
        var next = WebApiClient.Chat("gpt-4o-mini", "And what is my name, exactly?");

        var (status, counted, _) = await ada.SendAsync(HttpMethod.Post, "/v1/parley/context", next, conversation: "chat-1", context: policy);
        var (_, answer, _) = await ada.SendAsync(HttpMethod.Post, "/v1/chat/completions", next, conversation: "chat-1", context: policy);

        Assert.Equal(HttpStatusCode.OK, status);
        var upstreamPrompt = answer.GetProperty("usage").GetProperty("prompt_tokens").GetInt32();
        Assert.Equal(upstreamPrompt, counted.GetProperty("prompt_tokens").GetInt32());
        Assert.False(counted.GetProperty("estimate").GetBoolean());
        Assert.Equal(ModelCatalog.BuiltIn.Find("gpt-4o-mini")!.ContextWindow, counted.GetProperty("context_window").GetInt32());
        Assert.Equal(ModelCatalog.BuiltIn.Find("gpt-4o-mini")!.MaxOutputTokens, counted.GetProperty("max_output_tokens").GetInt32());
        var sent = server.Upstream.Requests.Where(r => r.Path == "/v1/chat/completions").Last();
        Assert.Equal(sent.Messages.Count, counted.GetProperty("messages").GetInt32());
        if (policy is null)
        {
            Assert.Equal(5, sent.Messages.Count);
            Assert.Equal(JsonValueKind.Null, counted.GetProperty("dropped").ValueKind);
        }
        else
        {
            Assert.InRange(sent.Messages.Count, 1, 2);
            Assert.Equal($"{5 - sent.Messages.Count} earlier messages are left out by the context policy", counted.GetProperty("dropped").GetString());
        }
    }

    [Fact]
    public async Task Context_NewConversationId_CountsTheRequestAloneAndCreatesNothing()
    {
        await using var server = await WebChatGateway.StartAsync();
        var ada = await server.KeyAsync("ada");
        var next = WebApiClient.Chat("gpt-4o-mini", "A first question for a new chat.");

        var (_, counted, _) = await ada.SendAsync(HttpMethod.Post, "/v1/parley/context", next, conversation: "new-chat");
        var listed = await ada.GetAsync("/v1/parley/conversations");
        var stored = await server.Gateway.Store.ListAsync();
        var answer = await ada.ChatAsync("new-chat", "A first question for a new chat.");

        Assert.Equal(0, listed.GetProperty("data").GetArrayLength());
        Assert.Empty(stored);
        Assert.Equal(answer.GetProperty("usage").GetProperty("prompt_tokens").GetInt32(), counted.GetProperty("prompt_tokens").GetInt32());
    }

    [Fact]
    public async Task Context_AnotherKeysConversation_CountsWithoutItsHistory()
    {
        await using var server = await WebChatGateway.StartAsync();
        var ada = await server.KeyAsync("ada");
        var bob = await server.KeyAsync("bob");
        await ada.ChatAsync("chat-1", "A long secret that only ada should ever see in her history.");
        var next = WebApiClient.Chat("gpt-4o-mini", "hi");

        var (_, forBob, _) = await bob.SendAsync(HttpMethod.Post, "/v1/parley/context", next, conversation: "chat-1");
        var (_, alone, _) = await bob.SendAsync(HttpMethod.Post, "/v1/parley/context", next);

        Assert.Equal(alone.GetProperty("prompt_tokens").GetInt32(), forBob.GetProperty("prompt_tokens").GetInt32());
    }

    [Theory]
    [InlineData("""{"model":"gpt-4o-mini"}""", null, null, "messages")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}]}""", null, null, "model")]
    [InlineData("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"x"}]}""", "bad id!", null, "X-Parley-Conversation")]
    [InlineData("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"x"}]}""", null, "everything", null)]
    public async Task Context_BadRequest_400(string body, string? conversation, string? policy, string? param)
    {
        await using var server = await WebChatGateway.StartAsync();
        var ada = await server.KeyAsync("ada");

        var (status, json, _) = await ada.SendAsync(HttpMethod.Post, "/v1/parley/context", body, conversation, policy);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(param, json.GetProperty("error").GetProperty("param").GetString());
        Assert.DoesNotContain(server.Upstream.Requests, r => r.Path == "/v1/chat/completions");
    }

    [Fact]
    public async Task Context_UnknownModel_404ModelNotFound()
    {
        await using var server = await WebChatGateway.StartAsync();
        var ada = await server.KeyAsync("ada");

        var (status, json, _) = await ada.SendAsync(HttpMethod.Post, "/v1/parley/context", WebApiClient.Chat("nope:model", "x"));

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("model_not_found", json.GetProperty("error").GetProperty("code").GetString());
    }
}
