using System.Net;
using System.Net.Http.Headers;
using Parley.TestServer;

namespace Parley.Server.Tests;

public sealed class RequestGateTests
{
    [Fact]
    public async Task ChatCompletions_UnknownKey_401InvalidApiKeyWithoutUpstreamCall()
    {
        await using var upstream = await LoopbackServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(upstream, gate: new TestGate { KnownToken = "vk-right" });

        using var response = await GatewayJson.PostAsync(gateway.Client, GatewayJson.Chat("gpt-4o-mini", "hi"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_api_key", (await GatewayJson.ErrorAsync(response)).GetProperty("code").GetString());
        Assert.Empty(upstream.Requests);
    }

    [Fact]
    public async Task ChatCompletions_Admitted_GateSeesExactCountsAndTicketSettledWithRealUsage()
    {
        await using var upstream = await LoopbackServer.StartAsync();
        var gate = new TestGate { KnownToken = "client-key-not-for-upstream" };
        await using var gateway = await GatewayHost.StartAsync(upstream, gate: gate);
        upstream.Enqueue(ScriptedResponse.Text("ok", promptTokens: 11, completionTokens: 1));

        using var response = await GatewayJson.PostAsync(gateway.Client, GatewayJson.Chat("gpt-4o-mini", "hello world", extra: ",\"max_tokens\":50"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var admitted = Assert.Single(gate.Admitted);
        Assert.Equal("gpt-4o-mini", admitted.Model);
        var counted = new TokenCounter().CountPrompt(OpenAIMessageFormat.Parse("""[{"role":"user","content":"hello world"}]""", "test"), ModelCatalog.BuiltIn.Find("gpt-4o-mini"));
        Assert.Equal(counted.Value, admitted.PromptTokens);
        Assert.Equal(50, admitted.MaxOutputTokens);
        Assert.NotNull(admitted.WorstCaseCostUsd);
        var settled = Assert.Single(gate.Settled);
        Assert.Equal((11L, 1L), (settled.Prompt, settled.Completion));
        Assert.NotNull(settled.Cost);
    }

    [Fact]
    public async Task ChatCompletions_GateRefuses_ItsErrorIsSentAndNothingGoesUpstream()
    {
        await using var upstream = await LoopbackServer.StartAsync();
        var refusal = new GatewayError(429, "insufficient_quota", "budget_exceeded", "The key's budget is spent.")
        {
            Headers = new Dictionary<string, string> { ["x-should-retry"] = "false" },
        };
        await using var gateway = await GatewayHost.StartAsync(upstream, gate: new TestGate { KnownToken = "client-key-not-for-upstream", Refusal = refusal });

        using var response = await GatewayJson.PostAsync(gateway.Client, GatewayJson.Chat("gpt-4o-mini", "hi"));

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("budget_exceeded", (await GatewayJson.ErrorAsync(response)).GetProperty("code").GetString());
        Assert.Equal("false", response.Headers.GetValues("x-should-retry").Single());
        Assert.Empty(upstream.Requests);
    }

    [Fact]
    public async Task ChatCompletions_GateThrows_500InOpenAIShapeWithoutStackTrace()
    {
        await using var upstream = await LoopbackServer.StartAsync();
        var gate = new TestGate { KnownToken = "client-key-not-for-upstream", Failure = new InvalidOperationException("budget store is offline") };
        await using var gateway = await GatewayHost.StartAsync(upstream, gate: gate);

        using var response = await GatewayJson.PostAsync(gateway.Client, GatewayJson.Chat("gpt-4o-mini", "hi"));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"code\":\"internal_error\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("budget store", text, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_CutBeforeItsUsageChunk_TicketSettledWithTheCountedPromptAndPartialAnswer()
    {
        await using var upstream = await LoopbackServer.StartAsync();
        var gate = new TestGate { KnownToken = "client-key-not-for-upstream" };
        await using var gateway = await GatewayHost.StartAsync(upstream, gate: gate);
        upstream.Enqueue(ScriptedResponse.Text("alpha beta gamma").WithChunks("alpha ", "beta ", "gamma").DropAfterChunks(2));

        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            using var response = await GatewayJson.PostAsync(gateway.Client, GatewayJson.Chat("gpt-4o-mini", "go", stream: true), HttpCompletionOption.ResponseHeadersRead);
            await response.Content.ReadAsStringAsync();
        });
        await gateway.WaitForSavedAsync(1);

        var settled = Assert.Single(gate.Settled);
        Assert.Equal(Assert.Single(gate.Admitted).PromptTokens, settled.Prompt);
        Assert.True(settled.Completion > 0);
        Assert.Equal(0, gate.Released);
    }

    [Fact]
    public async Task ChatCompletions_UpstreamFailsWithoutAnswer_ReservationReleased()
    {
        await using var upstream = await LoopbackServer.StartAsync();
        var gate = new TestGate { KnownToken = "client-key-not-for-upstream" };
        await using var gateway = await GatewayHost.StartAsync(upstream, o => o.Resilience = new ResilienceOptions { MaxRetries = 0 }, gate);
        upstream.Enqueue(ScriptedResponse.ServerError(503));

        using var response = await GatewayJson.PostAsync(gateway.Client, GatewayJson.Chat("gpt-4o-mini", "hi"));
        await gateway.WaitForSavedAsync(1);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Empty(gate.Settled);
        Assert.Equal(1, gate.Released);
    }

    [Fact]
    public async Task Models_WithoutKey_401()
    {
        await using var upstream = await LoopbackServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(upstream, gate: new TestGate());

        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "wrong");
        using var response = await gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
