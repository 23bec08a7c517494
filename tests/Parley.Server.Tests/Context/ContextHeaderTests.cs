using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Parley.TestServer;

namespace Parley.Server.Tests;

/// <summary><c>X-Parley-Context</c> on a stateless request: trimmed with a header that says so, instead of refused.</summary>
public sealed class ContextHeaderTests
{
    // gpt-4's window is 8,192 tokens: the first question alone does not fit with the second.
    private static readonly string Long = string.Join(' ', Enumerable.Repeat("lorem", 9000));

    private static string History(string model) =>
        $$"""{"model":"{{model}}","messages":[{"role":"system","content":"be brief"},{"role":"user","content":"{{Long}}"},{"role":"assistant","content":"ok"},{"role":"user","content":"and now?"}]}""";

    [Fact]
    public async Task ChatCompletions_BudgetHeaderOnAnOverflowingRequest_TrimmedAndDroppedHeaderSet()
    {
        await using var upstream = await LoopbackServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(upstream);

        using var response = await PostAsync(gateway.Client, History("gpt-4"), "budget");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("2", Assert.Single(response.Headers.GetValues("X-Parley-Context-Dropped")));
        var sent = Assert.Single(upstream.Requests, r => r.Path == "/v1/chat/completions");
        var messages = sent.Json!.Value.GetProperty("messages");
        Assert.Equal(2, messages.GetArrayLength());
        Assert.Equal("be brief", messages[0].GetProperty("content").GetString());
        Assert.Equal("and now?", messages[1].GetProperty("content").GetString());
    }

    [Fact]
    public async Task ChatCompletions_LastMessagesHeader_KeepsTheLastMessagesAndSaysHowManyWereDropped()
    {
        await using var upstream = await LoopbackServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(upstream);
        const string body = """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"one"},{"role":"assistant","content":"1"},{"role":"user","content":"two"},{"role":"assistant","content":"2"},{"role":"user","content":"three"}]}""";

        using var response = await PostAsync(gateway.Client, body, "last:3");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("2", Assert.Single(response.Headers.GetValues("X-Parley-Context-Dropped")));
        var sent = Assert.Single(upstream.Requests, r => r.Path == "/v1/chat/completions");
        var messages = sent.Json!.Value.GetProperty("messages");
        Assert.Equal(["two", "2", "three"], messages.EnumerateArray().Select(m => m.GetProperty("content").GetString()));
    }

    [Fact]
    public async Task ChatCompletions_KeyWithADefaultPolicyAndNoHeader_TrimmedByTheKeysPolicy()
    {
        await using var upstream = await LoopbackServer.StartAsync();
        var gate = new TestGate { DefaultContext = "budget" };
        await using var gateway = await GatewayHost.StartAsync(upstream, gate: gate);

        using var response = await PostAsync(gateway.Client, History("gpt-4"), null, gate.KnownToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("2", Assert.Single(response.Headers.GetValues("X-Parley-Context-Dropped")));
    }

    [Fact]
    public async Task ChatCompletions_BudgetHeaderOnARequestThatFits_ForwardedAsIsWithoutDroppedHeader()
    {
        await using var upstream = await LoopbackServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(upstream);
        var body = GatewayJson.Chat("gpt-4o-mini", "hi");

        using var response = await PostAsync(gateway.Client, body, "budget");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("X-Parley-Context-Dropped"));
        Assert.Equal(body, Assert.Single(upstream.Requests, r => r.Path == "/v1/chat/completions").Body);
    }

    [Theory]
    [InlineData("everything")]
    [InlineData("last:0")]
    [InlineData("last:x")]
    public async Task ChatCompletions_InvalidContextHeader_400InvalidValueWithoutUpstreamCall(string value)
    {
        await using var upstream = await LoopbackServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(upstream);

        using var response = await PostAsync(gateway.Client, GatewayJson.Chat("gpt-4o-mini", "hi"), value);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await GatewayJson.ErrorAsync(response);
        Assert.Equal("invalid_value", error.GetProperty("code").GetString());
        Assert.Contains("X-Parley-Context", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(upstream.Requests, r => r.Path == "/v1/chat/completions");
    }

    [Fact]
    public async Task ChatCompletions_NoContextHeaderOnAnOverflowingRequest_StillRefused()
    {
        await using var upstream = await LoopbackServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(upstream);

        using var response = await PostAsync(gateway.Client, History("gpt-4"), null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("context_length_exceeded", (await GatewayJson.ErrorAsync(response)).GetProperty("code").GetString());
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string body, string? context, string token = "client-key-not-for-upstream")
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

        return client.SendAsync(request);
    }
}
