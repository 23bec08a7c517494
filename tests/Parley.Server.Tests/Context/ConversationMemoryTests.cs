using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Parley.TestServer;

namespace Parley.Server.Tests;

/// <summary><c>X-Parley-Conversation</c>: the gateway keeps the history for a stateless client, per key.</summary>
public sealed class ConversationMemoryTests
{
    private static string Chat(string model, string text, string extra = "") =>
        $$"""{"model":"{{model}}","messages":[{"role":"user","content":"{{text}}"}]{{extra}}}""";

    private static string[] Contents(RecordedRequest sent) =>
        [.. sent.Json!.Value.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("role").GetString() + ":" + m.GetProperty("content").GetString())];

    private static List<RecordedRequest> Chats(LoopbackServer upstream) => [.. upstream.Requests.Where(r => r.Path == "/v1/chat/completions")];

    [Fact]
    public async Task ChatCompletions_TwoTurnsOnOneConversation_SecondRequestCarriesTheFirstTurn()
    {
        await using var upstream = await LoopbackServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(upstream);

        using var first = await PostAsync(gateway.Client, Chat("gpt-4o-mini", "my name is Ada"), conversation: "chat-1");
        using var second = await PostAsync(gateway.Client, Chat("gpt-4o-mini", "what is my name?"), conversation: "chat-1");

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(["user:my name is Ada", "assistant:Echo: my name is Ada", "user:what is my name?"], Contents(Chats(upstream)[1]));
        var saved = Assert.Single(await gateway.WaitForSavedAsync(1));
        Assert.Equal(2, saved.Turns.Count);
        Assert.Equal(4, saved.Messages.Count);
    }

    [Fact]
    public async Task ChatCompletions_StreamedTurnOnAConversation_EndsWithItsUsageChunkThenDoneLikeAnyStream()
    {
        await using var upstream = await LoopbackServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(upstream);
        const string Streamed = ""","stream":true,"stream_options":{"include_usage":true}""";

        using var plain = await PostAsync(gateway.Client, Chat("gpt-4o-mini", "hello", Streamed));
        using var named = await PostAsync(gateway.Client, Chat("gpt-4o-mini", "hello", Streamed), conversation: "chat-stream");

        // The closing events of a named conversation are held until its turn is saved, then sent as they came.
        var expected = Events(await plain.Content.ReadAsStringAsync());
        var events = Events(await named.Content.ReadAsStringAsync());
        Assert.Equal(expected.Select(Shape), events.Select(Shape));
        Assert.Equal("data: [DONE]", events[^1]);
        Assert.Contains("\"cost_usd\"", events[^2], StringComparison.Ordinal);
        Assert.Equal(2, (await gateway.WaitForSavedAsync(2)).Count);

        static string[] Events(string body) => body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        static string Shape(string sse) => sse.StartsWith("data: {", StringComparison.Ordinal)
            ? string.Join(',', JsonDocument.Parse(sse[6..]).RootElement.EnumerateObject().Select(p => p.Name))
            : sse;
    }

    [Fact]
    public async Task ChatCompletions_ConversationInMetadata_RemovedBeforeForwardingAndRemembered()
    {
        await using var upstream = await LoopbackServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(upstream);

        using var first = await PostAsync(gateway.Client, Chat("gpt-4o-mini", "one", ",\"metadata\":{\"parley_conversation\":\"m-1\",\"team\":\"x\"},\"user\":\"u\""));
        using var second = await PostAsync(gateway.Client, Chat("gpt-4o-mini", "two", ",\"metadata\":{\"parley_conversation\":\"m-1\"}"));

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var sent = Chats(upstream);
        Assert.Equal(Chat("gpt-4o-mini", "one", ",\"metadata\":{\"team\":\"x\"},\"user\":\"u\""), sent[0].Body);
        Assert.DoesNotContain("parley_conversation", sent[1].Body, StringComparison.Ordinal);
        Assert.Equal(["user:one", "assistant:Echo: one", "user:two"], Contents(sent[1]));
    }

    [Fact]
    public async Task ChatCompletions_SystemMessageInALaterTurn_ReplacesTheSavedSystemPrompt()
    {
        await using var upstream = await LoopbackServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(upstream);
        const string withSystem = """{"model":"gpt-4o-mini","messages":[{"role":"system","content":"be brief"},{"role":"user","content":"one"}]}""";
        const string newSystem = """{"model":"gpt-4o-mini","messages":[{"role":"system","content":"be formal"},{"role":"user","content":"two"}]}""";

        using var first = await PostAsync(gateway.Client, withSystem, conversation: "s-1");
        using var second = await PostAsync(gateway.Client, Chat("gpt-4o-mini", "two"), conversation: "s-1");
        using var third = await PostAsync(gateway.Client, newSystem, conversation: "s-1");

        var sent = Chats(upstream);
        Assert.Equal(["system:be brief", "user:one", "assistant:Echo: one", "user:two"], Contents(sent[1]));
        Assert.Equal(["system:be formal", "user:one", "assistant:Echo: one", "user:two", "assistant:Echo: two", "user:two"], Contents(sent[2]));
    }

    [Fact]
    public async Task ChatCompletions_SameConversationIdTwoKeys_NeitherSeesTheOthersHistory()
    {
        await using var upstream = await LoopbackServer.StartAsync();
        var gate = new TestGate { OtherToken = "vk-other" };
        await using var gateway = await GatewayHost.StartAsync(upstream, gate: gate);

        using var a = await PostAsync(gateway.Client, Chat("gpt-4o-mini", "secret of a"), conversation: "shared", token: gate.KnownToken);
        using var b = await PostAsync(gateway.Client, Chat("gpt-4o-mini", "hello from b"), conversation: "shared", token: "vk-other");

        Assert.Equal(HttpStatusCode.OK, b.StatusCode);
        Assert.Equal(["user:hello from b"], Contents(Chats(upstream)[1]));
        var saved = await gateway.WaitForSavedAsync(2);
        Assert.Equal(["team-a", "team-b"], saved.Select(c => c.Conversation.KeyName).Order());
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("a/b")]
    public async Task ChatCompletions_InvalidConversationId_400InvalidValueWithoutUpstreamCall(string id)
    {
        await using var upstream = await LoopbackServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(upstream);

        using var response = await PostAsync(gateway.Client, Chat("gpt-4o-mini", "hi"), conversation: id);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await GatewayJson.ErrorAsync(response);
        Assert.Equal("invalid_value", error.GetProperty("code").GetString());
        Assert.Empty(Chats(upstream));
    }

    [Fact]
    public async Task ChatCompletions_InvalidConversationIdInMetadata_400WithParam()
    {
        await using var upstream = await LoopbackServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(upstream);

        using var response = await PostAsync(gateway.Client, Chat("gpt-4o-mini", "hi", $",\"metadata\":{{\"parley_conversation\":\"{new string('x', 129)}\"}}"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("metadata.parley_conversation", (await GatewayJson.ErrorAsync(response)).GetProperty("param").GetString());
        Assert.Empty(Chats(upstream));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("budget")]
    [InlineData("last:1")]
    public async Task ChatCompletions_ConversationOutgrowsTheWindow_OlderTurnsDroppedWithHeader(string? policy)
    {
        await using var upstream = await LoopbackServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(upstream);
        var half = string.Join(' ', Enumerable.Repeat("lorem", 4500)); // gpt-4's window is 8,192 tokens

        using var first = await PostAsync(gateway.Client, Chat("gpt-4", half), conversation: "big", context: policy);
        using var second = await PostAsync(gateway.Client, Chat("gpt-4", "short"), conversation: "big", context: policy);

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("2", Assert.Single(second.Headers.GetValues("X-Parley-Context-Dropped")));
        Assert.Equal(["user:short"], Contents(Chats(upstream)[1]));
        var saved = Assert.Single(await gateway.WaitForSavedAsync(1));
        Assert.Equal([0, 2], saved.Turns.Select(t => t.MessagesDropped ?? -1));
    }

    [Fact]
    public async Task ChatCompletions_ConcurrentRequestsOnOneConversation_BothSavedInOrder()
    {
        await using var upstream = await LoopbackServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(upstream);

        var responses = await Task.WhenAll(
            PostAsync(gateway.Client, Chat("gpt-4o-mini", "alpha"), conversation: "c-1"),
            PostAsync(gateway.Client, Chat("gpt-4o-mini", "beta"), conversation: "c-1"));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var saved = Assert.Single(await gateway.WaitForSavedAsync(1));
        var texts = saved.Messages.Select(m => m.Message.Text).ToList();
        Assert.Equal(4, texts.Count);
        Assert.Equal("Echo: " + texts[0], texts[1]);
        Assert.Equal("Echo: " + texts[2], texts[3]);
        var later = Chats(upstream)[1];
        Assert.Equal(3, later.Json!.Value.GetProperty("messages").GetArrayLength()); // the second saw the first's turn
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string body, string? conversation = null, string? context = null, string token = "client-key-not-for-upstream")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (conversation is not null)
        {
            request.Headers.Add("X-Parley-Conversation", conversation);
        }

        if (context is not null)
        {
            request.Headers.Add("X-Parley-Context", context);
        }

        return client.SendAsync(request);
    }
}
