using System.Net;
using System.Text.Json;

namespace Parley.Server.Tests.WebApi;

/// <summary><c>/v1/parley/conversations</c>: a key lists, reads, renames, deletes and truncates its own conversations, and only those.</summary>
public sealed class ConversationsApiTests
{
    private static string[] Ids(JsonElement list) => [.. list.GetProperty("data").EnumerateArray().Select(c => c.GetProperty("id").GetString()!)];

    private static string[] Lines(JsonElement conversation) =>
        [.. conversation.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("role").GetString() + ":" + m.GetProperty("content").GetString())];

    [Fact]
    public async Task Conversations_TwoChats_ListedNewestFirstWithTotals()
    {
        await using var server = await WebChatGateway.StartAsync();
        var ada = await server.KeyAsync("ada");
        var answer = await ada.ChatAsync("chat-1", "first question");
        await ada.ChatAsync("chat-2", "other question");
        await ada.ChatAsync("chat-1", "second question");

        var list = await ada.GetAsync("/v1/parley/conversations");

        Assert.Equal(["chat-1", "chat-2"], Ids(list));
        var first = list.GetProperty("data")[0];
        Assert.Equal("first question", first.GetProperty("title").GetString());
        Assert.Equal("gpt-4o-mini", first.GetProperty("model").GetString());
        Assert.Equal(4, first.GetProperty("message_count").GetInt32());
        Assert.True(first.GetProperty("cost_usd").GetDecimal() > answer.GetProperty("usage").GetProperty("cost_usd").GetDecimal());
        Assert.True(first.GetProperty("updated_at").GetDateTimeOffset() >= first.GetProperty("created_at").GetDateTimeOffset());
        Assert.Equal(["chat-2"], Ids(await ada.GetAsync("/v1/parley/conversations?limit=1&q=other")));
    }

    [Fact]
    public async Task Conversation_Get_MessagesWithStatusAndTheirTurnsUsage()
    {
        await using var server = await WebChatGateway.StartAsync();
        var ada = await server.KeyAsync("ada");
        var answer = await ada.ChatAsync("chat-1", "hello there");

        var conversation = await ada.GetAsync("/v1/parley/conversations/chat-1");

        Assert.Equal("chat-1", conversation.GetProperty("id").GetString());
        Assert.Equal(["user:hello there", "assistant:Echo: hello there"], Lines(conversation));
        var messages = conversation.GetProperty("messages");
        Assert.Equal([0, 1], messages.EnumerateArray().Select(m => m.GetProperty("index").GetInt32()));
        Assert.All(messages.EnumerateArray(), m => Assert.Equal("complete", m.GetProperty("status").GetString()));
        Assert.Equal(JsonValueKind.Null, messages[0].GetProperty("usage").ValueKind);
        var sent = answer.GetProperty("usage");
        var usage = messages[1].GetProperty("usage");
        Assert.Equal(sent.GetProperty("prompt_tokens").GetInt64(), usage.GetProperty("prompt_tokens").GetInt64());
        Assert.Equal(sent.GetProperty("completion_tokens").GetInt64(), usage.GetProperty("completion_tokens").GetInt64());
        Assert.Equal(sent.GetProperty("cost_usd").GetDecimal(), usage.GetProperty("cost_usd").GetDecimal());
        Assert.Equal(sent.GetProperty("cost_usd").GetDecimal(), conversation.GetProperty("usage").GetProperty("cost_usd").GetDecimal());
    }

    [Fact]
    public async Task Conversation_RenameThenDelete_TitleChangesThenGone()
    {
        await using var server = await WebChatGateway.StartAsync();
        var ada = await server.KeyAsync("ada");
        await ada.ChatAsync("chat-1", "hello there");

        var (renamed, summary, _) = await ada.SendAsync(HttpMethod.Patch, "/v1/parley/conversations/chat-1", """{"title":"  Greetings  "}""");
        var listed = await ada.GetAsync("/v1/parley/conversations");
        var (deleted, receipt, _) = await ada.SendAsync(HttpMethod.Delete, "/v1/parley/conversations/chat-1");
        var (after, error, _) = await ada.SendAsync(HttpMethod.Get, "/v1/parley/conversations/chat-1");

        Assert.Equal(HttpStatusCode.OK, renamed);
        Assert.Equal("Greetings", summary.GetProperty("title").GetString());
        Assert.Equal(2, summary.GetProperty("message_count").GetInt32());
        Assert.Equal("Greetings", listed.GetProperty("data")[0].GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.OK, deleted);
        Assert.Equal("""{"id":"chat-1","object":"conversation.deleted","deleted":true}""", receipt.GetRawText());
        Assert.Equal(HttpStatusCode.NotFound, after);
        Assert.Equal("conversation_not_found", error.GetProperty("error").GetProperty("code").GetString());
        Assert.Empty(await server.Gateway.Store.ListAsync());
    }

    [Fact]
    public async Task Conversation_TruncateThenAskAgain_NextRequestCarriesOnlyTheKeptMessages()
    {
        await using var server = await WebChatGateway.StartAsync();
        var ada = await server.KeyAsync("ada");
        var first = await ada.ChatAsync("chat-1", "one");
        var second = await ada.ChatAsync("chat-1", "two");

        var (status, truncated, _) = await ada.SendAsync(HttpMethod.Post, "/v1/parley/conversations/chat-1/truncate", """{"keep":2}""");
        await ada.ChatAsync("chat-1", "two again");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["user:one", "assistant:Echo: one"], Lines(truncated));
        var sent = server.Upstream.Requests.Where(r => r.Path == "/v1/chat/completions").Last();
        Assert.Equal([("user", "one"), ("assistant", "Echo: one"), ("user", "two again")], sent.Messages);
        var conversation = await ada.GetAsync("/v1/parley/conversations/chat-1");
        Assert.Equal(["user:one", "assistant:Echo: one", "user:two again", "assistant:Echo: two again"], Lines(conversation));
        // The removed answer was paid for: the conversation's cost still counts it.
        var paid = new[] { first, second }.Sum(a => a.GetProperty("usage").GetProperty("cost_usd").GetDecimal());
        Assert.True(conversation.GetProperty("usage").GetProperty("cost_usd").GetDecimal() > paid);
    }

    [Fact]
    public async Task Conversations_OtherKeysConversation_NotFoundAndUntouched()
    {
        await using var server = await WebChatGateway.StartAsync();
        var ada = await server.KeyAsync("ada");
        var bob = await server.KeyAsync("bob");
        await ada.ChatAsync("chat-1", "secret of ada");

        var list = await bob.GetAsync("/v1/parley/conversations");
        var search = await bob.GetAsync("/v1/parley/conversations?q=secret");
        var attempts = new[]
        {
            await bob.SendAsync(HttpMethod.Get, "/v1/parley/conversations/chat-1"),
            await bob.SendAsync(HttpMethod.Patch, "/v1/parley/conversations/chat-1", """{"title":"mine"}"""),
            await bob.SendAsync(HttpMethod.Post, "/v1/parley/conversations/chat-1/truncate", """{"keep":0}"""),
            await bob.SendAsync(HttpMethod.Get, "/v1/parley/conversations/chat-1/export"),
            await bob.SendAsync(HttpMethod.Delete, "/v1/parley/conversations/chat-1"),
        };

        Assert.Empty(Ids(list));
        Assert.Empty(Ids(search));
        Assert.All(attempts, a =>
        {
            Assert.Equal(HttpStatusCode.NotFound, a.Status);
            Assert.Equal("conversation_not_found", a.Json.GetProperty("error").GetProperty("code").GetString());
        });
        var mine = await ada.GetAsync("/v1/parley/conversations/chat-1");
        Assert.Equal("secret of ada", mine.GetProperty("title").GetString());
        Assert.Equal(2, mine.GetProperty("messages").GetArrayLength());
    }

    [Theory]
    [InlineData("GET", "/v1/parley/conversations?limit=0", null, "limit")]
    [InlineData("GET", "/v1/parley/conversations?limit=abc", null, "limit")]
    [InlineData("GET", "/v1/parley/conversations/bad%20id", null, "id")]
    [InlineData("PATCH", "/v1/parley/conversations/chat-1", """{"title":""}""", "title")]
    [InlineData("PATCH", "/v1/parley/conversations/chat-1", """{"name":"x"}""", "title")]
    [InlineData("PATCH", "/v1/parley/conversations/chat-1", "not json", null)]
    [InlineData("POST", "/v1/parley/conversations/chat-1/truncate", """{"keep":-1}""", "keep")]
    [InlineData("POST", "/v1/parley/conversations/chat-1/truncate", """{"keep":"2"}""", "keep")]
    [InlineData("POST", "/v1/parley/conversations/chat-1/truncate", "[]", null)]
    [InlineData("GET", "/v1/parley/conversations/chat-1/export?format=pdf", null, "format")]
    public async Task Conversations_BadInput_400WithTheParameter(string method, string path, string? body, string? param)
    {
        await using var server = await WebChatGateway.StartAsync();
        var ada = await server.KeyAsync("ada");
        await ada.ChatAsync("chat-1", "hello");

        var (status, json, _) = await ada.SendAsync(new HttpMethod(method), path, body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var error = json.GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Equal(2, (await ada.GetAsync("/v1/parley/conversations/chat-1")).GetProperty("messages").GetArrayLength());
    }

    [Theory]
    [InlineData("GET", "/v1/parley/me")]
    [InlineData("GET", "/v1/parley/conversations")]
    [InlineData("GET", "/v1/parley/conversations/chat-1")]
    [InlineData("PATCH", "/v1/parley/conversations/chat-1")]
    [InlineData("DELETE", "/v1/parley/conversations/chat-1")]
    [InlineData("POST", "/v1/parley/conversations/chat-1/truncate")]
    [InlineData("GET", "/v1/parley/conversations/chat-1/export")]
    [InlineData("POST", "/v1/parley/context")]
    public async Task WebApi_NoKeyOrWrongKey_401(string method, string path)
    {
        await using var server = await WebChatGateway.StartAsync();
        var ada = await server.KeyAsync("ada");
        await ada.ChatAsync("chat-1", "hello");

        var none = await server.Client().SendAsync(new HttpMethod(method), path, """{"title":"x","keep":0}""");
        var wrong = await server.Client("pk-wrong").SendAsync(new HttpMethod(method), path, """{"title":"x","keep":0}""");

        Assert.All(new[] { none, wrong }, r =>
        {
            Assert.Equal(HttpStatusCode.Unauthorized, r.Status);
            Assert.Equal("invalid_api_key", r.Json.GetProperty("error").GetProperty("code").GetString());
        });
        Assert.Equal(2, (await ada.GetAsync("/v1/parley/conversations/chat-1")).GetProperty("messages").GetArrayLength());
    }

    [Fact]
    public async Task Conversations_NoAuthGateway_ServesTheAnonymousConversations()
    {
        await using var server = await WebChatGateway.StartAsync(anonymous: true);
        var anyone = server.Client();
        await anyone.ChatAsync("chat-1", "hello");

        var list = await anyone.GetAsync("/v1/parley/conversations");
        var me = await anyone.GetAsync("/v1/parley/me");

        Assert.Equal(["chat-1"], Ids(list));
        Assert.Equal("anonymous", me.GetProperty("key_name").GetString());
    }
}
