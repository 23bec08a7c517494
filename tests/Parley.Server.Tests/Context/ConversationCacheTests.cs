using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.AI;
using Parley.TestServer;

namespace Parley.Server.Tests;

/// <summary>
/// The gateway keeps a loaded conversation between its turns: a turn reads only what the store gained since (another
/// replica's turns included), never the whole history again.
/// </summary>
public sealed class ConversationCacheTests
{
    private static string Chat(string text) =>
        $$"""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"{{text}}"}]}""";

    private static List<(string Role, string Content)> LastSent(LoopbackServer upstream) =>
        upstream.Requests.Where(r => r.Path == "/v1/chat/completions").Last().Messages.ToList();

    [Fact]
    public async Task ChatCompletions_SecondTurnOfA1000MessageConversation_ReadsOnlyTheNewMessages()
    {
        await using var upstream = await LoopbackServer.StartAsync();
        CountingConversationLog? log = null;
        await using var gateway = await GatewayHost.StartAsync(upstream, options => options.ConversationLog = log = new CountingConversationLog(options.ConversationLog!));
        var history = Enumerable.Range(0, 1000).Select(i => new ChatMessage(i % 2 == 0 ? ChatRole.User : ChatRole.Assistant, $"message {i}"));
        await gateway.Store.ImportAsync(new NewConversation { ClientId = "long" }, history);

        using var first = await PostAsync(gateway.Client, Chat("first"), "long");
        var readBefore = log!.MessagesRead;
        using var second = await PostAsync(gateway.Client, Chat("second"), "long");

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(1003, LastSent(upstream).Count);
        Assert.Equal(("user", "second"), LastSent(upstream)[^1]);
        Assert.InRange(log.MessagesRead - readBefore, 1, 10);
    }

    [Fact]
    public async Task ChatCompletions_TurnsOfA1000MessageConversation_UpstreamBodyIsTheBodyWrittenWithoutTheCacheByteForByte()
    {
        await using var upstream = await LoopbackServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(upstream);
        var history = Enumerable.Range(0, 1000).Select(i => new ChatMessage(
            i % 2 == 0 ? ChatRole.User : ChatRole.Assistant,
            i % 3 == 0 ? $"message {i}: \"quoted\", back\\slash,\nnew line, <b>café</b> 🙂" : $"message {i}"));
        var record = await gateway.Store.ImportAsync(new NewConversation { ClientId = "exact" }, history);
        string[] bodies =
        [
            """{"model":"gpt-4o-mini","messages":[{"role":"system","content":"Be \"brief\"."},{"role":"user","content":"one"}],"temperature":0.5}""",
            """{"model":"fast","messages":[{"role":"user","content":"two ü"}]}""",
            """{"stream":true,"model":"gpt-4o-mini","messages":[{"role":"user","content":"three"}]}""",
            """{"model":"gpt-4o-mini","messages":[{"role":"system","content":"Be long."},{"role":"user","content":"four"}]}""",
        ];

        foreach (var body in bodies)
        {
            using var response = await PostAsync(gateway.Client, body, "exact");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await response.Content.ReadAsStringAsync();
        }

        // Each body again, written the way the gateway wrote every message before it kept their JSON: the saved history
        // as it was before that turn (1,000 messages, then two per turn), with the system prompt of that turn.
        var saved = (await gateway.Store.LoadAsync(record.Id)).Messages.Select(m => m.Message).ToList();
        var sent = upstream.Requests.Where(r => r.Path == "/v1/chat/completions").ToList();
        string[] systems = ["Be \"brief\".", "Be \"brief\".", "Be \"brief\".", "Be long."];
        Assert.Equal(bodies.Length, sent.Count);
        for (var turn = 0; turn < bodies.Length; turn++)
        {
            using var request = ChatRequest.TryParse(Encoding.UTF8.GetBytes(bodies[turn]), out _)!;
            List<ChatMessage> messages = [new ChatMessage(ChatRole.System, systems[turn]), .. saved.Take(1000 + (2 * turn)), .. request.Messages.Where(m => m.Role != ChatRole.System)];
            var received = Encoding.UTF8.GetBytes(sent[turn].Body);
            Assert.Equal(Encoding.UTF8.GetString(UpstreamBody.Build(request, "gpt-4o-mini", messages)), sent[turn].Body);
            var (start, end) = JsonSplice.FindValue(received, "messages"u8)!.Value;
            Assert.Equal(MessageJsonTests.OneWriter(messages), Encoding.UTF8.GetString(received.AsSpan(start, end - start)));
        }
    }

    [Fact]
    public async Task ChatCompletions_AnotherWriterAppendedToTheConversation_NextRequestCarriesTheWholeHistoryInOrder()
    {
        await using var upstream = await LoopbackServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(upstream);
        using var first = await PostAsync(gateway.Client, Chat("one"), "shared");
        var id = (await gateway.Store.FindClientConversationAsync(null, "shared"))!;

        // Another replica's turn on the same conversation, written straight to the store.
        var turn = await gateway.Store.BeginTurnAsync(id, new ChatMessage(ChatRole.User, "two elsewhere"));
        await gateway.Store.CompleteTurnAsync(turn, new ChatMessage(ChatRole.Assistant, "answer elsewhere"), new TurnOutcome { Status = TurnStatus.Complete });
        using var third = await PostAsync(gateway.Client, Chat("three"), "shared");

        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
        Assert.Equal(
            [("user", "one"), ("assistant", "Echo: one"), ("user", "two elsewhere"), ("assistant", "answer elsewhere"), ("user", "three")],
            LastSent(upstream));
    }

    [Fact]
    public async Task ChatCompletions_AnotherWriterTruncatedAndRewroteTheTail_NextRequestCarriesTheStoresHistory()
    {
        await using var upstream = await LoopbackServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(upstream);
        using var first = await PostAsync(gateway.Client, Chat("one"), "rewritten");
        using var second = await PostAsync(gateway.Client, Chat("two"), "rewritten");
        var id = (await gateway.Store.FindClientConversationAsync(null, "rewritten"))!;

        // Another replica truncated it and saved a different turn: the same sequence numbers, other messages.
        await gateway.Store.TruncateAsync(id, 2);
        await gateway.Store.AppendMessagesAsync(id, [new ChatMessage(ChatRole.User, "two, asked again"), new ChatMessage(ChatRole.Assistant, "Echo: two")]);
        using var third = await PostAsync(gateway.Client, Chat("three"), "rewritten");

        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
        Assert.Equal(
            [("user", "one"), ("assistant", "Echo: one"), ("user", "two, asked again"), ("assistant", "Echo: two"), ("user", "three")],
            LastSent(upstream));
    }

    [Fact]
    public async Task ChatCompletions_ConversationDeletedInTheStore_NextRequestStartsANewOne()
    {
        await using var upstream = await LoopbackServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(upstream);
        using var first = await PostAsync(gateway.Client, Chat("one"), "gone");
        await gateway.Store.DeleteAsync((await gateway.Store.FindClientConversationAsync(null, "gone"))!);

        using var second = await PostAsync(gateway.Client, Chat("two"), "gone");

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal([("user", "two")], LastSent(upstream));
    }

    [Fact]
    public async Task ChatCompletions_MoreConversationsThanTheGatewayKeeps_EachCarriesItsOwnHistory()
    {
        await using var upstream = await LoopbackServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(upstream, options => options.CachedConversations = 2);
        string[] ids = ["a", "b", "c"];

        foreach (var round in new[] { "1", "2", "3" })
        {
            foreach (var id in ids)
            {
                using var response = await PostAsync(gateway.Client, Chat(id + round), id);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        }

        Assert.Equal(
            [("user", "c1"), ("assistant", "Echo: c1"), ("user", "c2"), ("assistant", "Echo: c2"), ("user", "c3")],
            LastSent(upstream));
        var sent = upstream.Requests.Where(r => r.Path == "/v1/chat/completions").ToList();
        Assert.Equal([("user", "a1"), ("assistant", "Echo: a1"), ("user", "a2"), ("assistant", "Echo: a2"), ("user", "a3")], sent[6].Messages);
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string body, string conversation)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "client-key-not-for-upstream");
        request.Headers.Add("X-Parley-Conversation", conversation);
        return client.SendAsync(request);
    }
}
