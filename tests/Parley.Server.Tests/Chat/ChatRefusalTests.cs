using System.Net;
using System.Text;
using Parley.TestServer;

namespace Parley.Server.Tests;

public sealed class ChatRefusalTests
{
    [Theory]
    [InlineData("no-such-model")]
    [InlineData("nosuchprovider:gpt-4o-mini")]
    public async Task ChatCompletions_UnknownModel_404ModelNotFoundWithoutUpstreamCall(string model)
    {
        await using var upstream = await LoopbackServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(upstream);

        using var response = await GatewayJson.PostAsync(gateway.Client, GatewayJson.Chat(model, "hi"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var error = await GatewayJson.ErrorAsync(response);
        Assert.Equal("model_not_found", error.GetProperty("code").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.DoesNotContain(upstream.Requests, r => r.Path == "/v1/chat/completions");
    }

    [Fact]
    public async Task ChatCompletions_PromptLargerThanTheWindow_ContextLengthExceededWithoutUpstreamCall()
    {
        await using var upstream = await LoopbackServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(upstream);
        var text = string.Join(' ', Enumerable.Repeat("lorem", 9000)); // gpt-4's window is 8,192 tokens

        using var response = await GatewayJson.PostAsync(gateway.Client, GatewayJson.Chat("gpt-4", text));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await GatewayJson.ErrorAsync(response);
        Assert.Equal("context_length_exceeded", error.GetProperty("code").GetString());
        Assert.Contains("8192", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(upstream.Requests, r => r.Path == "/v1/chat/completions");
    }

    [Fact]
    public async Task ChatCompletions_MaxTokensBeyondTheWindow_ContextLengthExceeded()
    {
        await using var upstream = await LoopbackServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(upstream);

        using var response = await GatewayJson.PostAsync(gateway.Client, GatewayJson.Chat("gpt-4", "hi", extra: ",\"max_tokens\":8190"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("context_length_exceeded", (await GatewayJson.ErrorAsync(response)).GetProperty("code").GetString());
        Assert.DoesNotContain(upstream.Requests, r => r.Path == "/v1/chat/completions");
    }

    [Theory]
    [InlineData("{\"model\":\"gpt-4o-mini\",\"messages\":[")]
    [InlineData("not json at all")]
    public async Task ChatCompletions_MalformedJson_400InOpenAIShape(string body)
    {
        await using var upstream = await LoopbackServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(upstream);

        using var response = await GatewayJson.PostAsync(gateway.Client, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await GatewayJson.ErrorAsync(response);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.DoesNotContain("   at ", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(upstream.Requests);
    }

    [Fact]
    public async Task ChatCompletions_BodyOverTheLimit_413()
    {
        await using var upstream = await LoopbackServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(upstream, o => o.MaxRequestBodyBytes = 2048);
        var body = GatewayJson.Chat("gpt-4o-mini", new string('a', 4096));

        using var response = await GatewayJson.PostAsync(gateway.Client, body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("request_too_large", (await GatewayJson.ErrorAsync(response)).GetProperty("code").GetString());
        Assert.Empty(upstream.Requests);
    }

    [Fact]
    public async Task ChatCompletions_ChunkedBodyGrowingOverTheLimit_413()
    {
        await using var upstream = await LoopbackServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(upstream, o => o.MaxRequestBodyBytes = 2048);
        var bytes = Encoding.UTF8.GetBytes(GatewayJson.Chat("gpt-4o-mini", new string('a', 64 * 1024)));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StreamContent(new MemoryStream(bytes)) };
        request.Headers.TransferEncodingChunked = true; // no Content-Length: the limit holds while reading

        using var response = await gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(upstream.Requests);
    }

    [Fact]
    public async Task ChatCompletions_Upstream429EveryTime_RetriedThen429InOpenAIShape()
    {
        await using var upstream = await LoopbackServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(upstream);
        for (var i = 0; i < 3; i++)
        {
            upstream.Enqueue(ScriptedResponse.RateLimited(0.01));
        }

        using var response = await GatewayJson.PostAsync(gateway.Client, GatewayJson.Chat("gpt-4o-mini", "hi"));

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        var error = await GatewayJson.ErrorAsync(response);
        Assert.Equal("rate_limit_exceeded", error.GetProperty("code").GetString());
        Assert.Equal(3, upstream.Requests.Count(r => r.Path == "/v1/chat/completions")); // the first attempt and 2 retries
    }

    [Fact]
    public async Task ChatCompletions_Upstream500ThenSuccess_RetriedAndAnswered()
    {
        await using var upstream = await LoopbackServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(upstream);
        upstream.Enqueue(ScriptedResponse.ServerError(500));
        upstream.Enqueue(ScriptedResponse.Text("recovered"));

        using var response = await GatewayJson.PostAsync(gateway.Client, GatewayJson.Chat("gpt-4o-mini", "hi"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("recovered", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChatCompletions_Upstream500EveryTime_500InOpenAIShapeAndFailedTurnSaved()
    {
        await using var upstream = await LoopbackServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(upstream);
        for (var i = 0; i < 3; i++)
        {
            upstream.Enqueue(ScriptedResponse.ServerError(500));
        }

        using var response = await GatewayJson.PostAsync(gateway.Client, GatewayJson.Chat("gpt-4o-mini", "hi"));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var error = await GatewayJson.ErrorAsync(response);
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        Assert.Equal(3, upstream.Requests.Count(r => r.Path == "/v1/chat/completions"));
        var saved = Assert.Single(await gateway.WaitForSavedAsync(1));
        Assert.Equal(TurnStatus.Failed, Assert.Single(saved.Turns).Status);
    }

    [Fact]
    public async Task ChatCompletions_UpstreamErrorQuotingItsKey_KeyMaskedInTheAnswer()
    {
        await using var upstream = await LoopbackServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(upstream);
        upstream.Enqueue(ScriptedResponse.Error(401, $"Incorrect API key provided: {GatewayHost.UpstreamKey}.", "invalid_request_error", "invalid_api_key"));

        using var response = await GatewayJson.PostAsync(gateway.Client, GatewayJson.Chat("gpt-4o-mini", "hi"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain(GatewayHost.UpstreamKey, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChatCompletions_UpstreamDown_502AfterRetries()
    {
        await using var upstream = await LoopbackServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(upstream);
        upstream.Enqueue(ScriptedResponse.ConnectionReset());
        upstream.Enqueue(ScriptedResponse.ConnectionReset());
        upstream.Enqueue(ScriptedResponse.ConnectionReset());

        using var response = await GatewayJson.PostAsync(gateway.Client, GatewayJson.Chat("gpt-4o-mini", "hi"));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("upstream_unreachable", (await GatewayJson.ErrorAsync(response)).GetProperty("code").GetString());
    }
}
