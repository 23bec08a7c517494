using System.Text.Json;
using Parley.TestServer;

namespace Parley.Tests.TestServer;

public sealed class LoopbackServerContextWindowOptionTests : LoopbackServerTestBase
{
    protected override LoopbackServerOptions Options => new() { ContextWindow = 20 };

    [Fact]
    public async Task ContextWindowOption_OversizedRequest_Returns400ContextLengthExceeded()
    {
        Assert.Equal(20, Server.ContextWindow);

        // 20 words + 3 + 3 = 26
        using var response = await Client.PostAsync("v1/chat/completions", ChatRequest.OpenAI(string.Join(' ', Enumerable.Repeat("word", 20))));

        Assert.Equal(400, (int)response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(
            "This model's maximum context length is 20 tokens. However, your messages resulted in 26 tokens. Please reduce the length of the messages.",
            doc.RootElement.GetProperty("error").GetProperty("message").GetString());
    }
}
