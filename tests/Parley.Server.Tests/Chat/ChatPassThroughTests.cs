using System.Net;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Parley.TestServer;

namespace Parley.Server.Tests;

public sealed class ChatPassThroughTests
{
    [Fact]
    public async Task ChatCompletions_FieldsParleyDoesNotUse_ReachUpstreamByteEqual()
    {
        await using var upstream = await LoopbackServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(upstream);
        const string unknown = "\"x_vendor_hint\":{\"tier\":\"gold\",\"weights\":[1.50,2e3],\"note\":\"caf\\u00e9 é\"}";
        var body = GatewayJson.Chat("gpt-4o-mini", "hello there", extra: ",\"user\":\"user-42\",\"logprobs\":true,\"top_logprobs\":2," + unknown);

        using var response = await GatewayJson.PostAsync(gateway.Client, body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = Assert.Single(upstream.Requests, r => r.Path == "/v1/chat/completions");
        Assert.Equal(body, sent.Body);
        Assert.Contains(unknown, sent.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChatCompletions_UpstreamKey_ReplacesTheClientsAndNeverComesBack()
    {
        await using var upstream = await LoopbackServer.StartAsync(new LoopbackServerOptions { ApiKey = GatewayHost.UpstreamKey });
        await using var gateway = await GatewayHost.StartAsync(upstream);

        using var response = await GatewayJson.PostAsync(gateway.Client, GatewayJson.Chat("gpt-4o-mini", "hi"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Bearer " + GatewayHost.UpstreamKey, upstream.Requests[^1].Headers["Authorization"]);
        Assert.DoesNotContain(GatewayHost.UpstreamKey, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChatCompletions_NonStreaming_UsageGainsCostUsd()
    {
        await using var upstream = await LoopbackServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(upstream);
        upstream.Enqueue(ScriptedResponse.Text("Four words right here", promptTokens: 1200, completionTokens: 300));

        using var response = await GatewayJson.PostAsync(gateway.Client, GatewayJson.Chat("gpt-4o-mini", "hi"));

        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var usage = document.RootElement.GetProperty("usage");
        var expected = ModelCatalog.BuiltIn.Find("gpt-4o-mini")?.CostOf(new UsageDetails { InputTokenCount = 1200, OutputTokenCount = 300 });
        Assert.NotNull(expected);
        Assert.Equal(expected.Value, usage.GetProperty("cost_usd").GetDecimal());
        Assert.Equal(1200, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal("Four words right here", document.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
    }

    [Fact]
    public async Task ChatCompletions_ModelOnlyTheUpstreamLists_IsServedWithCostUsdNull()
    {
        var options = new LoopbackServerOptions();
        options.Models.Add("house-model-7b");
        await using var upstream = await LoopbackServer.StartAsync(options);
        await using var gateway = await GatewayHost.StartAsync(upstream);

        using var response = await GatewayJson.PostAsync(gateway.Client, GatewayJson.Chat("house-model-7b", "hi"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(JsonValueKind.Null, document.RootElement.GetProperty("usage").GetProperty("cost_usd").ValueKind);
    }

    [Fact]
    public async Task ChatCompletions_Alias_SendsTheAliasedModelUpstream()
    {
        await using var upstream = await LoopbackServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(upstream);

        using var response = await GatewayJson.PostAsync(gateway.Client, GatewayJson.Chat("openai:fast", "hi", extra: ",\"user\":\"u\""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = upstream.Requests.Single(r => r.Path == "/v1/chat/completions");
        Assert.Equal("gpt-4o-mini", sent.Model);
        Assert.Equal(GatewayJson.Chat("gpt-4o-mini", "hi", extra: ",\"user\":\"u\""), sent.Body);
    }

    [Fact]
    public async Task ChatCompletions_Exchange_IsSavedInTheHistoryDatabase()
    {
        await using var upstream = await LoopbackServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(upstream);
        upstream.Enqueue(ScriptedResponse.Text("Saved answer", promptTokens: 20, completionTokens: 2));
        var body = """{"model":"gpt-4o-mini","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Remember me"}]}""";

        using var response = await GatewayJson.PostAsync(gateway.Client, body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var saved = Assert.Single(await gateway.WaitForSavedAsync(1));
        Assert.Equal(["Be brief.", "Remember me", "Saved answer"], saved.Messages.Select(m => m.Message.Text));
        var turn = Assert.Single(saved.Turns);
        Assert.Equal(TurnStatus.Complete, turn.Status);
        Assert.Equal(20, turn.Usage.InputTokenCount);
        Assert.NotNull(turn.CostUsd);
    }
}
