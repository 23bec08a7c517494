using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Parley.Server.Tests.Sdk;
using Parley.TestServer;

namespace Parley.Server.Tests;

/// <summary>
/// <c>X-Parley-Context: summarize</c>: the core's summarizing policy with the request's own upstream as the summarizer;
/// the summary call passes the key's gate, is charged and counted, and a failed one fails the request before anything
/// reaches the main model.
/// </summary>
public sealed class SummarizeContextTests
{
    private const string Model = "gpt-4"; // a window of 8,192 tokens: the first question below does not fit with the rest
    private const string SummaryText = "Ada introduced herself and asked about tea.";
    private const string SummaryPrefix = "Summary of the earlier conversation: ";

    private static readonly ModelInfo Info = ModelCatalog.BuiltIn.Find(Model)!;

    /// <summary>
    /// Six questions, so one old turn can be summarized while the newest four turns and the question stay as they are:
    /// together over the window's prompt budget (6,144 tokens), the old turn alone small enough for one summary call.
    /// </summary>
    private static JsonArray Turns(int firstWords = 5600) =>
    [
        new JsonObject { ["role"] = "system", ["content"] = "be brief" },
        User("my name is Ada " + Words(firstWords)), Assistant("noted"),
        User("two " + Words(200)), Assistant("2"),
        User("three " + Words(200)), Assistant("3"),
        User("four " + Words(200)), Assistant("4"),
        User("five " + Words(200)), Assistant("5"),
        User("six?"),
    ];

    private static string Words(int count) => string.Join(' ', Enumerable.Repeat("lorem", count));

    /// <summary>The messages the model should get once the first turn is summarized.</summary>
    private static string[] Summarized(JsonArray turns) =>
        ["system:be brief", "system:" + SummaryPrefix + SummaryText, .. turns.Skip(3).Select(m => m!["role"] + ":" + m["content"])];

    private static JsonObject User(string text) => new() { ["role"] = "user", ["content"] = text };

    private static JsonObject Assistant(string text) => new() { ["role"] = "assistant", ["content"] = text };

    private static string Body(JsonArray messages) => new JsonObject { ["model"] = Model, ["messages"] = messages }.ToJsonString();

    private static string[] Contents(RecordedRequest sent) =>
        [.. sent.Json!.Value.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("role").GetString() + ":" + m.GetProperty("content").GetString())];

    private static bool IsSummaryCall(RecordedRequest request) =>
        request.Json!.Value.GetProperty("messages")[0].GetProperty("content").GetString()!.StartsWith("You keep a running summary", StringComparison.Ordinal);

    private static List<RecordedRequest> Chats(LoopbackServer upstream) => [.. upstream.Requests.Where(r => r.Path == "/v1/chat/completions")];

    private static decimal Cost(int prompt, int completion) =>
        Info.CostOf(new Microsoft.Extensions.AI.UsageDetails { InputTokenCount = prompt, OutputTokenCount = completion })!.Value;

    [Fact]
    public async Task ChatCompletions_SummarizeOnAStatelessRequest_OldTurnSummarizedHeadersSayItAndSummaryCallSaved()
    {
        await using var upstream = await LoopbackServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(upstream);
        upstream.Enqueue(ScriptedResponse.Text(SummaryText, promptTokens: 1000, completionTokens: 20));

        using var response = await PostAsync(gateway.Client, Body(Turns()), "summarize");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("2", Assert.Single(response.Headers.GetValues("X-Parley-Context-Dropped")));
        Assert.Equal("2", Assert.Single(response.Headers.GetValues("X-Parley-Context-Summarized")));
        Assert.Equal(Cost(1000, 20).ToString(CultureInfo.InvariantCulture), Assert.Single(response.Headers.GetValues("X-Parley-Summary-Cost-Usd")));
        var chats = Chats(upstream);
        Assert.Equal(2, chats.Count);
        Assert.True(IsSummaryCall(chats[0]));
        Assert.Contains("my name is Ada", Contents(chats[0])[1], StringComparison.Ordinal);
        Assert.Equal(Summarized(Turns()), Contents(chats[1]));

        var saved = Assert.Single(await gateway.WaitForSavedAsync(1));
        var summaryTurn = Assert.Single(saved.Turns, t => t.IsSummary);
        Assert.Equal(Cost(1000, 20), summaryTurn.CostUsd);
        Assert.Equal(2, Assert.Single(saved.Turns, t => !t.IsSummary).MessagesSummarized);
        Assert.Null(saved.Conversation.Summary); // a stateless request's summary is for that request only

        var metrics = await gateway.Client.GetStringAsync("/metrics");
        Assert.Contains("parley_gateway_summary_calls_total{model=\"gpt-4\",key=\"anonymous\"} 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains("parley_gateway_summary_cost_usd_total{model=\"gpt-4\",key=\"anonymous\"} " + Cost(1000, 20).ToString(CultureInfo.InvariantCulture) + "\n", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChatCompletions_SummarizeOnAStreamedRequest_HeadersBeforeTheStreamAndTheAnswerStreamed()
    {
        await using var upstream = await LoopbackServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(upstream);
        upstream.Enqueue(ScriptedResponse.Text(SummaryText, promptTokens: 1000, completionTokens: 20));
        var body = new JsonObject { ["model"] = Model, ["messages"] = Turns(), ["stream"] = true }.ToJsonString();

        using var response = await PostAsync(gateway.Client, body, "summarize");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("2", Assert.Single(response.Headers.GetValues("X-Parley-Context-Summarized")));
        Assert.Contains("six?", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(Summarized(Turns()), Contents(Chats(upstream)[1]));
        Assert.False(Chats(upstream)[0].Stream);
    }

    [Fact]
    public async Task ChatCompletions_SummarizeInANamedConversation_SecondRequestReusesTheSavedSummary()
    {
        await using var upstream = await LoopbackServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(upstream);
        upstream.Enqueue(ScriptedResponse.Text(SummaryText, promptTokens: 1000, completionTokens: 20));

        using var first = await PostAsync(gateway.Client, Body(Turns()), "summarize", conversation: "sum-1");
        using var second = await PostAsync(gateway.Client, Body([User("what is my name?")]), "summarize", conversation: "sum-1");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var chats = Chats(upstream);
        Assert.Equal(3, chats.Count); // one summary call, then two answers: the second request summarizes nothing again
        Assert.True(IsSummaryCall(chats[0]));
        var sent = Contents(chats[2]);
        Assert.Equal([.. Summarized(Turns()), "assistant:Echo: six?", "user:what is my name?"], sent);
        Assert.DoesNotContain(sent, m => m.Contains("my name is Ada", StringComparison.Ordinal) || m == "assistant:noted");
        Assert.Equal("2", Assert.Single(second.Headers.GetValues("X-Parley-Context-Summarized")));
        Assert.False(second.Headers.Contains("X-Parley-Summary-Cost-Usd"));

        var saved = Assert.Single(await gateway.WaitForSavedAsync(1));
        Assert.Equal(SummaryText, saved.Conversation.Summary);
        Assert.Equal("noted", saved.Messages.Single(m => m.Sequence == saved.Conversation.SummaryThroughSequence).Message.Text);
        Assert.Single(saved.Turns, t => t.IsSummary);
    }

    [Fact]
    public async Task ChatCompletions_NamedConversationOutgrowsItsSummary_SavedSummaryFoldedIntoANewOneThroughASavedMessage()
    {
        await using var upstream = await LoopbackServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(upstream);
        upstream.Enqueue(ScriptedResponse.Text(SummaryText, promptTokens: 1000, completionTokens: 20));
        using var first = await PostAsync(gateway.Client, Body(Turns()), "summarize", conversation: "sum-2");
        upstream.Enqueue(ScriptedResponse.Text("Ada asked about tea, then two.", promptTokens: 300, completionTokens: 8));

        using var second = await PostAsync(gateway.Client, Body([User("seven " + Words(5400))]), "summarize", conversation: "sum-2");

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("4", Assert.Single(second.Headers.GetValues("X-Parley-Context-Summarized")));
        var chats = Chats(upstream);
        Assert.Equal(4, chats.Count);
        Assert.True(IsSummaryCall(chats[2]));
        Assert.Contains("Summary so far:\n" + SummaryText, Contents(chats[2])[1], StringComparison.Ordinal);
        Assert.Equal("system:" + SummaryPrefix + "Ada asked about tea, then two.", Contents(chats[3])[1]);
        Assert.StartsWith("user:three", Contents(chats[3])[2], StringComparison.Ordinal);

        var saved = Assert.Single(await gateway.WaitForSavedAsync(1));
        Assert.Equal("Ada asked about tea, then two.", saved.Conversation.Summary);
        Assert.Equal("2", saved.Messages.Single(m => m.Sequence == saved.Conversation.SummaryThroughSequence).Message.Text);
        Assert.Equal(2, saved.Turns.Count(t => t.IsSummary));
    }

    [Fact]
    public async Task ChatCompletions_SummarizeWithARealKey_KeySpendIsTheAnswerPlusTheSummaryCall()
    {
        await using var gateway = await KeyedGateway.StartAsync();
        var key = await gateway.CreateKeyAsync("team", new ApiKeyLimits(DailyUsd: 10m));
        gateway.Upstream.Enqueue(ScriptedResponse.Text(SummaryText, promptTokens: 1000, completionTokens: 20));

        using var response = await PostAsync(gateway.Gateway.Client, Body(Turns()), "summarize", token: key);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var answerCost = answer.RootElement.GetProperty("usage").GetProperty("cost_usd").GetDecimal();
        await gateway.Gateway.WaitForSavedAsync(1); // the answer's reservation is settled before the exchange is queued for saving
        // The key's own view (GET /v1/parley/me): on SQLite the store also counts the unused part of the gateway's budget lease.
        using var me = new HttpRequestMessage(HttpMethod.Get, "/v1/parley/me");
        me.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        using var meResponse = await gateway.Gateway.Client.SendAsync(me);
        using var budget = JsonDocument.Parse(await meResponse.Content.ReadAsStringAsync());
        Assert.Equal(answerCost + Cost(1000, 20), budget.RootElement.GetProperty("budget").GetProperty("daily").GetProperty("spent_usd").GetDecimal());
    }

    [Fact]
    public async Task ChatCompletions_SummaryCallOverTheKeysBudget_429InsufficientQuotaAndNothingSentUpstream()
    {
        await using var gateway = await KeyedGateway.StartAsync();
        var key = await gateway.CreateKeyAsync("team", new ApiKeyLimits(DailyUsd: 0.10m)); // the summary call's worst case is about $0.22

        using var response = await PostAsync(gateway.Gateway.Client, Body(Turns()), "summarize", token: key);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("insufficient_quota", (await GatewayJson.ErrorAsync(response)).GetProperty("code").GetString());
        Assert.Equal(0, gateway.ChatRequestsForwarded);
        Assert.Equal(0m, Assert.Single(await ((IApiKeyStore)gateway.Gateway.Store).ListKeysAsync()).SpentTodayUsd);
    }

    [Fact]
    public async Task ChatCompletions_BudgetCoversTheSummaryCallButNotTheAnswerAfterIt_429BeforeTheSummaryIsPaidFor()
    {
        await using var gateway = await KeyedGateway.StartAsync();
        var key = await gateway.CreateKeyAsync("team", new ApiKeyLimits(DailyUsd: 0.30m)); // summary up to ~$0.22, then the answer up to ~$0.43

        using var response = await PostAsync(gateway.Gateway.Client, Body(Turns()), "summarize", token: key);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        var error = await GatewayJson.ErrorAsync(response);
        Assert.Equal("insufficient_quota", error.GetProperty("code").GetString());
        Assert.Contains("summarize", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, gateway.ChatRequestsForwarded);
        Assert.Equal(0m, Assert.Single(await ((IApiKeyStore)gateway.Gateway.Store).ListKeysAsync()).SpentTodayUsd);
    }

    [Fact]
    public async Task ChatCompletions_SummaryCallFailsAfterRetries_UpstreamStatusSummaryFailedNothingSentToTheModelNothingSaved()
    {
        await using var upstream = await LoopbackServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(upstream); // 2 retries
        for (var i = 0; i < 3; i++)
        {
            upstream.Enqueue(ScriptedResponse.ServerError(503));
        }

        using var response = await PostAsync(gateway.Client, Body(Turns()), "summarize", conversation: "fails");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var error = await GatewayJson.ErrorAsync(response);
        Assert.Equal("summary_failed", error.GetProperty("code").GetString());
        Assert.DoesNotContain(GatewayHost.UpstreamKey, error.GetProperty("message").GetString()!, StringComparison.Ordinal);
        var chats = Chats(upstream);
        Assert.Equal(3, chats.Count);
        Assert.All(chats, c => Assert.True(IsSummaryCall(c)));
        var conversation = Assert.Single(await gateway.Store.ListAsync());
        var saved = await gateway.Store.LoadAsync(conversation.Id);
        Assert.Empty(saved.Messages);
        Assert.Empty(saved.Turns);
        Assert.Null(saved.Conversation.Summary);
    }

    [Fact]
    public async Task ChatCompletions_SummarizeWhenTheQuestionAloneCannotFit_ContextLengthExceededWithoutAnyUpstreamCall()
    {
        await using var upstream = await LoopbackServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(upstream);
        var turns = Turns(10);
        turns[^1] = User(string.Join(' ', Enumerable.Repeat("lorem", 9000)));

        using var response = await PostAsync(gateway.Client, Body(turns), "summarize");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("context_length_exceeded", (await GatewayJson.ErrorAsync(response)).GetProperty("code").GetString());
        Assert.Empty(Chats(upstream));
    }

    [Fact]
    public async Task ChatCompletions_KeyWhoseDefaultIsSummarize_SummarizedWithoutAHeader()
    {
        await using var upstream = await LoopbackServer.StartAsync();
        var gate = new TestGate { DefaultContext = "summarize" };
        await using var gateway = await GatewayHost.StartAsync(upstream, gate: gate);
        upstream.Enqueue(ScriptedResponse.Text(SummaryText, promptTokens: 1000, completionTokens: 20));

        using var response = await PostAsync(gateway.Client, Body(Turns()), null, token: gate.KnownToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("2", Assert.Single(response.Headers.GetValues("X-Parley-Context-Summarized")));
        Assert.Equal(2, gate.Admitted.Count); // the summary call passed the gate, then the answer
        Assert.Equal((1000L, 20L, Cost(1000, 20)), gate.Settled[0]);
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string body, string? context, string? conversation = null, string token = "client-key-not-for-upstream")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (context is not null)
        {
            request.Headers.Add("X-Parley-Context", context);
        }

        if (conversation is not null)
        {
            request.Headers.Add("X-Parley-Conversation", conversation);
        }

        return client.SendAsync(request);
    }
}
