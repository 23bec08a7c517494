using System.Text.Json;
using Parley.TestServer;

namespace Parley.Tests.TestServer;

/// <summary>A scripted refusal has the recorded shapes: <c>content</c> null and <c>refusal</c> set, or <c>delta.refusal</c> chunks.</summary>
public sealed class LoopbackServerRefusalTests : LoopbackServerTestBase
{
    [Fact]
    public async Task Refusal_NonStreaming_ContentNullAndRefusalText()
    {
        Server.Enqueue(ScriptedResponse.Refusal("I can't help with that."));

        using var response = await Client.PostAsync("v1/chat/completions", ChatRequest.OpenAI("do something bad"));

        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var choice = doc.RootElement.GetProperty("choices")[0];
        var message = choice.GetProperty("message");
        Assert.Equal(JsonValueKind.Null, message.GetProperty("content").ValueKind);
        Assert.Equal("I can't help with that.", message.GetProperty("refusal").GetString());
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        Assert.Equal(5, doc.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Refusal_Streaming_RoleChunkThenRefusalDeltas()
    {
        Server.Enqueue(ScriptedResponse.Refusal("I can't help with that."));

        using var response = await ChatRequest.PostStreamingAsync(Client, "v1/chat/completions", ChatRequest.OpenAI("do something bad", stream: true));

        using var reader = new SseReader(await response.Content.ReadAsStreamAsync());
        var frames = await reader.ReadAllAsync();
        var deltas = frames[..^1].Select(f => JsonDocument.Parse(f).RootElement.GetProperty("choices")[0].GetProperty("delta").Clone()).ToList();
        Assert.Equal(JsonValueKind.Null, deltas[0].GetProperty("content").ValueKind);
        Assert.Equal("", deltas[0].GetProperty("refusal").GetString());
        Assert.Equal(["I ", "can't ", "help ", "with ", "that."], deltas.Skip(1).SkipLast(1).Select(d => d.GetProperty("refusal").GetString()));
        Assert.All(deltas.Skip(1), d => Assert.False(d.TryGetProperty("content", out _)));
    }

    [Fact]
    public async Task Refusal_ControlApi_QueuesARefusal()
    {
        using var queued = await Client.PostAsync("_loopback/enqueue", ChatRequest.Json(new { type = "refusal", content = "No." }));
        Assert.True(queued.IsSuccessStatusCode);

        using var response = await Client.PostAsync("v1/chat/completions", ChatRequest.OpenAI("do something bad"));

        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("No.", doc.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("refusal").GetString());
    }
}
