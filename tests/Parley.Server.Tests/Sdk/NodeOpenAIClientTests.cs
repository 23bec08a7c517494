using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Parley.TestServer;

namespace Parley.Server.Tests.Sdk;

/// <summary>The official <c>openai</c> npm client (base URL + virtual key) against the gateway with the real key gate.</summary>
public sealed class NodeOpenAIClientTests(NodeOpenAIClient node) : IClassFixture<NodeOpenAIClient>
{
    private const string Model = "gpt-4o-mini";

    private static ModelInfo Info => ModelCatalog.BuiltIn.Find(Model) ?? throw new InvalidOperationException(Model + " is not in the catalog");

    private static JsonObject Chat(string text, int? maxTokens = null)
    {
        var request = new JsonObject
        {
            ["model"] = Model,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = text }),
        };
        if (maxTokens is { } max)
        {
            request["max_tokens"] = max;
        }

        return request;
    }

    private static JsonObject Value(JsonObject results, string step)
    {
        var result = Assert.IsType<JsonObject>(results[step]);
        Assert.True(result["ok"]!.GetValue<bool>(), $"{step}: {result.ToJsonString()}");
        return Assert.IsType<JsonObject>(result["value"] is JsonArray list ? new JsonObject { ["list"] = list.DeepClone() } : result["value"]);
    }

    private static JsonObject Error(JsonObject results, string step)
    {
        var result = Assert.IsType<JsonObject>(results[step]);
        Assert.False(result["ok"]!.GetValue<bool>(), $"{step} succeeded: {result.ToJsonString()}");
        return Assert.IsType<JsonObject>(result["error"]);
    }

    private static decimal CostOf(JsonNode usage) =>
        Info?.CostOf(new UsageDetails { InputTokenCount = usage["prompt_tokens"]!.GetValue<long>(), OutputTokenCount = usage["completion_tokens"]!.GetValue<long>() }) ?? throw new InvalidOperationException("no price for " + Model);

    [SkippableFact]
    public async Task OpenAINpm_ModelsList_IdsWithParleyContextWindowAndPricing()
    {
        await using var gateway = await KeyedGateway.StartAsync();
        string key = await gateway.CreateKeyAsync("team");

        var results = await node.RunAsync(gateway.BaseUrl, NodeOpenAIClient.Step("models", "models", key));

        var models = Value(results, "models")["list"]!.AsArray();
        var model = Assert.Single(models, m => m!["id"]!.GetValue<string>() == Model)!;
        Assert.Equal(Info.ContextWindow, model["context_window"]!.GetValue<int>());
        Assert.Equal(Info.InputPerMillion, model["pricing"]!["input"]!.GetValue<decimal>());
        Assert.Equal(Info.OutputPerMillion, model["pricing"]!["output"]!.GetValue<decimal>());
        Assert.Contains(models, m => m!["id"]!.GetValue<string>() == "openai:fast");
    }

    [SkippableFact]
    public async Task OpenAINpm_Completion_TextAndUsageCostUsd()
    {
        await using var gateway = await KeyedGateway.StartAsync();
        string key = await gateway.CreateKeyAsync("team");

        var results = await node.RunAsync(gateway.BaseUrl, NodeOpenAIClient.Step("create", "create", key, Chat("hello npm")));

        var completion = Value(results, "create");
        Assert.Equal("Echo: hello npm", completion["choices"]![0]!["message"]!["content"]!.GetValue<string>());
        var usage = completion["usage"]!;
        Assert.Equal(CostOf(usage), usage["cost_usd"]!.GetValue<decimal>());
        Assert.True(usage["cost_usd"]!.GetValue<decimal>() > 0);
    }

    [SkippableFact]
    public async Task OpenAINpm_StreamWithIncludeUsage_TextAssembledAndUsageChunkWithCostUsd()
    {
        await using var gateway = await KeyedGateway.StartAsync();
        string key = await gateway.CreateKeyAsync("team");
        gateway.Upstream.Enqueue(ScriptedResponse.Text("Echo: streamed words").WithChunks("Echo: ", "streamed ", "words"));
        var request = Chat("stream npm");
        request["stream_options"] = new JsonObject { ["include_usage"] = true };

        var results = await node.RunAsync(gateway.BaseUrl, NodeOpenAIClient.Step("stream", "stream", key, request));

        var stream = Value(results, "stream");
        Assert.Equal("Echo: streamed words", stream["text"]!.GetValue<string>());
        Assert.Equal("stop", stream["finish_reason"]!.GetValue<string>());
        var usage = stream["usage"] ?? throw new Xunit.Sdk.XunitException("no usage chunk reached the client");
        Assert.Equal(CostOf(usage), usage["cost_usd"]!.GetValue<decimal>());
    }

    [SkippableFact]
    public async Task OpenAINpm_Refusals_TheSdksOwnTypedErrors()
    {
        await using var gateway = await KeyedGateway.StartAsync();
        string key = await gateway.CreateKeyAsync("team");
        var unknown = Chat("hi");
        unknown["model"] = "gpt-5-typo";

        var results = await node.RunAsync(
            gateway.BaseUrl,
            NodeOpenAIClient.Step("wrong-key", "create", "pk-wrong", Chat("hi")),
            NodeOpenAIClient.Step("unknown-model", "create", key, unknown),
            NodeOpenAIClient.Step("too-long", "create", key, Chat("hi", maxTokens: Info.ContextWindow!.Value + 1)));

        var wrongKey = Error(results, "wrong-key");
        Assert.Equal(("AuthenticationError", 401, "invalid_api_key"), (wrongKey["class"]!.GetValue<string>(), wrongKey["status"]!.GetValue<int>(), wrongKey["code"]!.GetValue<string>()));
        var unknownModel = Error(results, "unknown-model");
        Assert.Equal(("NotFoundError", 404, "model_not_found"), (unknownModel["class"]!.GetValue<string>(), unknownModel["status"]!.GetValue<int>(), unknownModel["code"]!.GetValue<string>()));
        var tooLong = Error(results, "too-long");
        Assert.Equal(("BadRequestError", 400, "context_length_exceeded"), (tooLong["class"]!.GetValue<string>(), tooLong["status"]!.GetValue<int>(), tooLong["code"]!.GetValue<string>()));
        Assert.Equal(0, gateway.ChatRequestsForwarded);
    }

    [SkippableFact]
    public async Task OpenAINpm_ExhaustedBudgetWithRetriesOn_RateLimitErrorInsufficientQuotaAndNoRetry()
    {
        await using var gateway = await KeyedGateway.StartAsync();
        string key = await gateway.CreateKeyAsync("broke", new ApiKeyLimits(DailyUsd: 0.000001m));

        var results = await node.RunAsync(gateway.BaseUrl, NodeOpenAIClient.Step("budget", "create", key, Chat("hi"), maxRetries: 2));

        var error = Error(results, "budget");
        Assert.Equal(("RateLimitError", 429, "insufficient_quota"), (error["class"]!.GetValue<string>(), error["status"]!.GetValue<int>(), error["code"]!.GetValue<string>()));
        Assert.Equal(1, await gateway.RequestsSeenAsync(Model, "broke"));
        Assert.Equal("false", error["shouldRetry"]?.GetValue<string>());
        Assert.Equal(0, gateway.ChatRequestsForwarded);
    }

    [SkippableFact]
    public async Task OpenAINpm_ConversationIdHeader_SecondRequestCarriesTheFirstTurnUpstream()
    {
        await using var gateway = await KeyedGateway.StartAsync();
        string key = await gateway.CreateKeyAsync("team");
        var headers = new JsonObject { ["X-Parley-Conversation"] = "npm-conversation-1" };

        var results = await node.RunAsync(
            gateway.BaseUrl,
            NodeOpenAIClient.Step("first", "create", key, Chat("my name is Ada"), headers: headers),
            NodeOpenAIClient.Step("second", "create", key, Chat("what is my name?"), headers: (JsonObject)headers.DeepClone()));

        Assert.Equal("Echo: what is my name?", Value(results, "second")["choices"]![0]!["message"]!["content"]!.GetValue<string>());
        var second = gateway.Upstream.Requests.Last(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal));
        Assert.Equal(
            ["my name is Ada", "Echo: my name is Ada", "what is my name?"],
            second.Messages.Where(m => m.Role != "system").Select(m => m.Content).ToArray());
    }
}
