using System.Net.Http.Headers;
using System.Text.Json;
using Parley.TestServer;

namespace Parley.Tests.TestServer;

public sealed class LoopbackServerApiKeyTests : LoopbackServerTestBase
{
    private const string Key = "sk-test-0123456789abcdef";

    protected override LoopbackServerOptions Options => new() { ApiKey = Key };

    [Fact]
    public async Task ApiKey_Missing_Returns401()
    {
        using var response = await Client.PostAsync("v1/chat/completions", ChatRequest.OpenAI("hi"));

        Assert.Equal(401, (int)response.StatusCode);
        Assert.Contains("You didn't provide an API key", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiKey_Wrong_Returns401InvalidApiKeyWithMaskedKey()
    {
        const string wrong = "sk-wrong-secret-value-9876";
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = ChatRequest.OpenAI("hi") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", wrong);

        using var response = await Client.SendAsync(request);

        Assert.Equal(401, (int)response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(wrong, body, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(body);
        Assert.Equal("invalid_api_key", doc.RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("sk-*", doc.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiKey_Right_IsAccepted()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = ChatRequest.OpenAI("hi") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key);

        using var response = await Client.SendAsync(request);

        Assert.Equal(200, (int)response.StatusCode);
    }
}
