using System.Text.Json;
using Parley.TestServer;

namespace Parley.Tests.TestServer;

public sealed class LoopbackServerErrorTests : LoopbackServerTestBase
{
    private static async Task<JsonElement> ErrorOf(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.GetProperty("error").Clone();
    }

    [Fact]
    public async Task Error_WithHeaders_ReturnsOpenAIErrorBodyAndHeaders()
    {
        Server.Enqueue(ScriptedResponse.Error(400, "Invalid value for 'x'.", code: "invalid_value", param: "x")
            .WithHeader("x-ratelimit-remaining-requests", "42"));

        using var response = await Client.PostAsync("v1/chat/completions", ChatRequest.OpenAI("hi"));

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("42", response.Headers.GetValues("x-ratelimit-remaining-requests").Single());
        var error = await ErrorOf(response);
        Assert.Equal("Invalid value for 'x'.", error.GetProperty("message").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal("x", error.GetProperty("param").GetString());
        Assert.Equal("invalid_value", error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Error_OnStreamingRequest_IsStillJson()
    {
        Server.Enqueue(ScriptedResponse.ServerError(503));

        using var response = await Client.PostAsync("v1/chat/completions", ChatRequest.OpenAI("hi", stream: true));

        Assert.Equal(503, (int)response.StatusCode);
        var error = await ErrorOf(response);
        Assert.Equal("server_error", error.GetProperty("type").GetString());
        Assert.Equal(JsonValueKind.Null, error.GetProperty("code").ValueKind);
        Assert.Equal(JsonValueKind.Null, error.GetProperty("param").ValueKind);
    }

    [Fact]
    public async Task RateLimited_Request_Returns429WithRetryAndRateLimitHeaders()
    {
        Server.Enqueue(ScriptedResponse.RateLimited(1.5));

        using var response = await Client.PostAsync("v1/chat/completions", ChatRequest.OpenAI("hi", model: "gpt-4o"));

        Assert.Equal(429, (int)response.StatusCode);
        Assert.Equal("2", response.Headers.GetValues("retry-after").Single());
        Assert.Equal("1500", response.Headers.GetValues("retry-after-ms").Single());
        Assert.Equal("0", response.Headers.GetValues("x-ratelimit-remaining-tokens").Single());
        Assert.Equal("1.5s", response.Headers.GetValues("x-ratelimit-reset-tokens").Single());
        var error = await ErrorOf(response);
        Assert.Equal("rate_limit_exceeded", error.GetProperty("code").GetString());
        Assert.StartsWith("Rate limit reached for gpt-4o in organization", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("Please try again in 1.5s.", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InsufficientQuota_Request_Returns429WithQuotaCode()
    {
        Server.Enqueue(ScriptedResponse.InsufficientQuota());

        using var response = await Client.PostAsync("v1/chat/completions", ChatRequest.OpenAI("hi"));

        Assert.Equal(429, (int)response.StatusCode);
        Assert.False(response.Headers.Contains("retry-after"));
        var error = await ErrorOf(response);
        Assert.Equal("insufficient_quota", error.GetProperty("type").GetString());
        Assert.Equal("insufficient_quota", error.GetProperty("code").GetString());
        Assert.Equal("You exceeded your current quota, please check your plan and billing details.", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task ContextLengthExceeded_Request_Returns400WithRealWording()
    {
        Server.Enqueue(ScriptedResponse.ContextLengthExceeded(4097, 4294));

        using var response = await Client.PostAsync("v1/chat/completions", ChatRequest.OpenAI("hi"));

        Assert.Equal(400, (int)response.StatusCode);
        var error = await ErrorOf(response);
        Assert.Equal(
            "This model's maximum context length is 4097 tokens. However, your messages resulted in 4294 tokens. Please reduce the length of the messages.",
            error.GetProperty("message").GetString());
        Assert.Equal("context_length_exceeded", error.GetProperty("code").GetString());
        Assert.Equal("messages", error.GetProperty("param").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
    }

    [Fact]
    public async Task ContextWindow_SetAtRuntime_RejectsOversizedRequestAndKeepsQueue()
    {
        Server.ContextWindow = 10;
        Server.Enqueue(ScriptedResponse.Text("kept"));

        // 5 words + 3 + 3 = 11 > 10
        using var tooBig = await Client.PostAsync("v1/chat/completions", ChatRequest.OpenAI("one two three four five"));
        Assert.Equal(400, (int)tooBig.StatusCode);
        var error = await ErrorOf(tooBig);
        Assert.Equal("context_length_exceeded", error.GetProperty("code").GetString());
        Assert.Equal(
            "This model's maximum context length is 10 tokens. However, your messages resulted in 11 tokens. Please reduce the length of the messages.",
            error.GetProperty("message").GetString());
        Assert.Equal(1, Server.QueuedCount);

        // 4 words + 3 + 3 = 10: fits, and gets the queued reply.
        using var fits = await Client.PostAsync("v1/chat/completions", ChatRequest.OpenAI("one two three four"));
        Assert.Equal(200, (int)fits.StatusCode);
        Assert.Contains("\"kept\"", await fits.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Server.ContextWindow = null;
        using var unlimited = await Client.PostAsync("v1/chat/completions", ChatRequest.OpenAI(string.Join(' ', Enumerable.Repeat("w", 1000))));
        Assert.Equal(200, (int)unlimited.StatusCode);
        Assert.Equal(3, Server.Requests.Count);
    }

    [Fact]
    public async Task InvalidJsonBody_Request_Returns400WithoutConsumingQueue()
    {
        Server.Enqueue(ScriptedResponse.Text("kept"));

        using var response = await Client.PostAsync("v1/chat/completions", new StringContent("{not json", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains("could not parse the JSON body", (await ErrorOf(response)).GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, Server.QueuedCount);
    }
}
