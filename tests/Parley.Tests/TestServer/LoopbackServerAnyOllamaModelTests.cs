using Parley.TestServer;

namespace Parley.Tests.TestServer;

public sealed class LoopbackServerAnyOllamaModelTests : LoopbackServerTestBase
{
    protected override LoopbackServerOptions Options => new() { OllamaModels = [] };

    [Fact]
    public async Task Chat_NoInstalledModelsConfigured_AcceptsAnyModel()
    {
        using var response = await Client.PostAsync("api/chat", ChatRequest.Ollama("hi", model: "whatever:70b", stream: false));

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Contains("Echo: hi", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
