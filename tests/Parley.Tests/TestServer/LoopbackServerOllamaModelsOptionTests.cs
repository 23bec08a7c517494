using System.Text.Json;
using Parley.TestServer;

namespace Parley.Tests.TestServer;

public sealed class LoopbackServerOllamaModelsOptionTests : LoopbackServerTestBase
{
    protected override LoopbackServerOptions Options => new()
    {
        OllamaModels = [new OllamaModel("tiny") { Family = "qwen2", ContextLength = 2048, ParameterSize = "0.5B" }],
    };

    [Fact]
    public async Task OllamaModels_Configured_TagsAndShowUseThem()
    {
        using var tags = JsonDocument.Parse(await Client.GetStringAsync("api/tags"));
        var model = Assert.Single(tags.RootElement.GetProperty("models").EnumerateArray());
        Assert.Equal("tiny:latest", model.GetProperty("name").GetString());
        Assert.Equal("0.5B", model.GetProperty("details").GetProperty("parameter_size").GetString());

        using var show = await Client.PostAsync("api/show", ChatRequest.Json(new { model = "tiny" }));
        using var info = JsonDocument.Parse(await show.Content.ReadAsStringAsync());
        Assert.Equal(2048, info.RootElement.GetProperty("model_info").GetProperty("qwen2.context_length").GetInt32());
    }

    [Fact]
    public async Task Chat_NameWithoutTag_MatchesLatest()
    {
        using var response = await Client.PostAsync("api/chat", ChatRequest.Ollama("hi", model: "tiny", stream: false));

        Assert.Equal(200, (int)response.StatusCode);
    }
}
