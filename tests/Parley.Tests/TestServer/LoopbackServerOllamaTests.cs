using System.Text.Json;
using Parley.TestServer;

namespace Parley.Tests.TestServer;

public sealed class LoopbackServerOllamaTests : LoopbackServerTestBase
{
    [Fact]
    public async Task Chat_StreamByDefault_SendsNdjsonEndingWithDoneStats()
    {
        using var response = await ChatRequest.PostStreamingAsync(Client, "api/chat", ChatRequest.Ollama("hello world", numCtx: 8192));

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.EndsWith("\n", body, StringComparison.Ordinal);
        var lines = body.TrimEnd('\n').Split('\n').Select(l => JsonDocument.Parse(l).RootElement).ToList();

        var parts = lines.SkipLast(1).Select(l => l.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal(["Echo: ", "hello ", "world"], parts);
        Assert.All(lines.SkipLast(1), l => Assert.False(l.GetProperty("done").GetBoolean()));
        Assert.All(lines, l => Assert.Equal("llama3.2", l.GetProperty("model").GetString()));
        Assert.All(lines, l => Assert.Equal("assistant", l.GetProperty("message").GetProperty("role").GetString()));
        Assert.All(lines, l => Assert.EndsWith("Z", l.GetProperty("created_at").GetString(), StringComparison.Ordinal));

        var final = lines[^1];
        Assert.True(final.GetProperty("done").GetBoolean());
        Assert.Equal("stop", final.GetProperty("done_reason").GetString());
        Assert.Equal(2 + 3 + 3, final.GetProperty("prompt_eval_count").GetInt32());
        Assert.Equal(3, final.GetProperty("eval_count").GetInt32());
        foreach (var name in new[] { "total_duration", "load_duration", "prompt_eval_duration", "eval_duration" })
            Assert.True(final.GetProperty(name).GetInt64() > 0, name);

        var recorded = Assert.Single(Server.Requests);
        Assert.Equal(8192, recorded.NumCtx);
        Assert.True(recorded.Stream);
    }

    [Fact]
    public async Task Chat_StreamFalse_SendsOneJsonObject()
    {
        Server.Enqueue(ScriptedResponse.Text("Short answer.", finishReason: "length", promptTokens: 40, completionTokens: 2));

        using var response = await Client.PostAsync("api/chat", ChatRequest.Ollama("hi", model: "gemma3:1b", stream: false));

        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = doc.RootElement;
        Assert.Equal("gemma3:1b", root.GetProperty("model").GetString());
        Assert.Equal("Short answer.", root.GetProperty("message").GetProperty("content").GetString());
        Assert.True(root.GetProperty("done").GetBoolean());
        Assert.Equal("length", root.GetProperty("done_reason").GetString());
        Assert.Equal(40, root.GetProperty("prompt_eval_count").GetInt32());
        Assert.Equal(2, root.GetProperty("eval_count").GetInt32());
        Assert.False(Server.Requests[0].Stream);
    }

    [Fact]
    public async Task Chat_UnknownModel_Returns404AndKeepsQueue()
    {
        Server.Enqueue(ScriptedResponse.Text("kept"));

        using var response = await Client.PostAsync("api/chat", ChatRequest.Ollama("hi", model: "nosuch"));

        Assert.Equal(404, (int)response.StatusCode);
        Assert.Equal("{\"error\":\"model \\\"nosuch\\\" not found, try pulling it first\"}", await response.Content.ReadAsStringAsync());
        Assert.Equal(1, Server.QueuedCount);
        Assert.Single(Server.Requests);
    }

    [Fact]
    public async Task Chat_ScriptedError_UsesOllamaErrorShape()
    {
        Server.Enqueue(ScriptedResponse.Error(500, "llama runner process has terminated"));

        using var response = await Client.PostAsync("api/chat", ChatRequest.Ollama("hi"));

        Assert.Equal(500, (int)response.StatusCode);
        Assert.Equal("{\"error\":\"llama runner process has terminated\"}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Chat_DropAfterChunks_EndsWithoutDoneLine()
    {
        Server.Enqueue(ScriptedResponse.Text("a b c d").DropAfterChunks(2));
        using var response = await ChatRequest.PostStreamingAsync(Client, "api/chat", ChatRequest.Ollama("hi"));
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        var lines = new List<string>();
        var failure = await Record.ExceptionAsync(async () =>
        {
            while (await reader.ReadLineAsync() is { } line)
                lines.Add(line);
        });

        Assert.True(failure is IOException or HttpRequestException, $"got {failure}");
        Assert.Equal(2, lines.Count);
        Assert.All(lines, l => Assert.Contains("\"done\":false", l, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Tags_Get_ListsInstalledModels()
    {
        using var doc = JsonDocument.Parse(await Client.GetStringAsync("api/tags"));

        var models = doc.RootElement.GetProperty("models").EnumerateArray().ToList();
        Assert.Contains(models, m => m.GetProperty("name").GetString() == "llama3.2:latest");
        Assert.All(models, m =>
        {
            Assert.Equal(m.GetProperty("name").GetString(), m.GetProperty("model").GetString());
            Assert.Equal(64, m.GetProperty("digest").GetString()!.Length);
            Assert.True(m.GetProperty("size").GetInt64() > 0);
            Assert.True(m.TryGetProperty("modified_at", out _));
            var details = m.GetProperty("details");
            Assert.False(string.IsNullOrEmpty(details.GetProperty("family").GetString()));
            Assert.False(string.IsNullOrEmpty(details.GetProperty("parameter_size").GetString()));
            Assert.False(string.IsNullOrEmpty(details.GetProperty("quantization_level").GetString()));
        });
    }

    [Fact]
    public async Task Show_InstalledModel_ReportsContextLength()
    {
        using var response = await Client.PostAsync("api/show", ChatRequest.Json(new { model = "gemma3:1b" }));

        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(32_768, doc.RootElement.GetProperty("model_info").GetProperty("gemma3.context_length").GetInt32());
        Assert.Equal("gemma3", doc.RootElement.GetProperty("details").GetProperty("family").GetString());
    }

    [Fact]
    public async Task Show_UnknownModel_Returns404()
    {
        using var response = await Client.PostAsync("api/show", ChatRequest.Json(new { model = "nosuch:7b" }));

        Assert.Equal(404, (int)response.StatusCode);
        Assert.Contains("not found", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Version_Get_ReturnsVersion()
    {
        using var doc = JsonDocument.Parse(await Client.GetStringAsync("api/version"));

        Assert.Equal("0.12.3", doc.RootElement.GetProperty("version").GetString());
    }
}
