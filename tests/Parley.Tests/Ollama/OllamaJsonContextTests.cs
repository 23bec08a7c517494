using Microsoft.Extensions.AI;
using Parley.TestServer;

namespace Parley.Tests.Ollama;

public sealed class OllamaJsonContextTests
{
    [Fact]
    public void Resolver_IncludesOllamaSharpsOwnContext()
    {
        // OllamaSharp's tool-result type is internal: only its own context describes it under NativeAOT. This pins the
        // name Parley finds that context by, so an OllamaSharp upgrade that renames it fails here.
        Assert.True(OllamaJsonContext.HasOllamaSharpContext);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Ollama_ToolRoundTrip_SendsTheCallArgumentsAndTheResult(bool streaming)
    {
        await using var server = await LoopbackServer.StartAsync();
        using var client = OllamaServerClients.Create(server);
        ChatMessage[] messages =
        [
            new(ChatRole.User, "Capital of the UK?"),
            new(ChatRole.Assistant, [new FunctionCallContent("call_1", "get_capital", new Dictionary<string, object?> { ["country"] = "UK" })]),
            new(ChatRole.Tool, [new FunctionResultContent("call_1", new Dictionary<string, object> { ["capital"] = "London" })]),
        ];

        var response = streaming
            ? await client.GetStreamingResponseAsync(messages).ToChatResponseAsync()
            : await client.GetResponseAsync(messages);

        Assert.NotEmpty(response.Text);
        var body = server.Requests.Single(r => r.Path == "/api/chat").Body;
        Assert.Contains("get_capital", body, StringComparison.Ordinal);
        Assert.Contains("\"UK\"", body, StringComparison.Ordinal);
        Assert.Contains("London", body, StringComparison.Ordinal);
    }
}
