using System.Text.Json;
using Parley.TestServer;

namespace Parley.Tests.TestServer;

public sealed class LoopbackServerChatCompletionsTests : LoopbackServerTestBase
{
    [Fact]
    public async Task StartAsync_Default_ListensOnLoopbackWithV1BaseUrl()
    {
        Assert.Equal("127.0.0.1", Server.BaseAddress.Host);
        Assert.NotEqual(0, Server.BaseAddress.Port);
        Assert.EndsWith("/", Server.BaseAddress.ToString(), StringComparison.Ordinal);
        Assert.Equal(Server.BaseAddress + "v1", Server.OpenAIBaseUrl.ToString());

        using var response = await Client.GetAsync("v1/models");
        Assert.Equal(200, (int)response.StatusCode);
    }

    [Fact]
    public async Task ChatCompletions_NonStreamingDefault_ReturnsEchoCompletion()
    {
        using var response = await Client.PostAsync("v1/chat/completions", ChatRequest.OpenAI("hello world", system: "be brief", model: "gpt-4o"));

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.Contains("x-request-id"));
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = doc.RootElement;
        Assert.StartsWith("chatcmpl-", root.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("chat.completion", root.GetProperty("object").GetString());
        Assert.True(root.GetProperty("created").GetInt64() > 1_700_000_000);
        Assert.Equal("gpt-4o", root.GetProperty("model").GetString());
        Assert.Equal(JsonValueKind.String, root.GetProperty("system_fingerprint").ValueKind);
        var choice = root.GetProperty("choices")[0];
        Assert.Equal(0, choice.GetProperty("index").GetInt32());
        Assert.Equal("assistant", choice.GetProperty("message").GetProperty("role").GetString());
        Assert.Equal("Echo: hello world", choice.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        var usage = root.GetProperty("usage");
        // 2 + 2 words, 2 messages * 3, + 3
        Assert.Equal(13, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(3, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(16, usage.GetProperty("total_tokens").GetInt32());
        Assert.False(usage.TryGetProperty("prompt_tokens_details", out _));
        Assert.False(usage.TryGetProperty("completion_tokens_details", out _));
    }

    [Fact]
    public async Task ChatCompletions_StreamingWithoutIncludeUsage_SendsRoleContentFinishAndDone()
    {
        using var response = await ChatRequest.PostStreamingAsync(Client, "v1/chat/completions", ChatRequest.OpenAI("hello world", stream: true));

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.EndsWith("data: [DONE]\n\n", body, StringComparison.Ordinal);
        Assert.StartsWith("data: {", body, StringComparison.Ordinal);

        using var reader = new SseReader(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(body)));
        var frames = await reader.ReadAllAsync();
        Assert.Equal("[DONE]", frames[^1]);
        var chunks = frames[..^1].Select(f => JsonDocument.Parse(f).RootElement).ToList();

        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
        Assert.All(chunks, c => Assert.False(c.TryGetProperty("usage", out _)));
        Assert.Single(chunks.Select(c => c.GetProperty("id").GetString()).Distinct());

        var first = chunks[0].GetProperty("choices")[0].GetProperty("delta");
        Assert.Equal("assistant", first.GetProperty("role").GetString());
        Assert.Equal("", first.GetProperty("content").GetString());

        var pieces = chunks.Skip(1).SkipLast(1).Select(c => c.GetProperty("choices")[0].GetProperty("delta").GetProperty("content").GetString()).ToList();
        Assert.Equal(["Echo: ", "hello ", "world"], pieces);

        var last = chunks[^1].GetProperty("choices")[0];
        Assert.Equal("stop", last.GetProperty("finish_reason").GetString());
        Assert.Empty(last.GetProperty("delta").EnumerateObject());
    }

    [Fact]
    public async Task ChatCompletions_StreamingWithIncludeUsage_SendsUsageChunkBeforeDone()
    {
        using var response = await ChatRequest.PostStreamingAsync(Client, "v1/chat/completions", ChatRequest.OpenAI("one two three", stream: true, includeUsage: true));
        using var reader = new SseReader(await response.Content.ReadAsStreamAsync());
        var frames = await reader.ReadAllAsync();

        Assert.Equal("[DONE]", frames[^1]);
        var chunks = frames[..^1].Select(f => JsonDocument.Parse(f).RootElement).ToList();
        var usageChunk = chunks[^1];
        Assert.Empty(usageChunk.GetProperty("choices").EnumerateArray());
        var usage = usageChunk.GetProperty("usage");
        Assert.Equal(3 + 3 + 3, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(4, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(13, usage.GetProperty("total_tokens").GetInt32());
        Assert.All(chunks[..^1], c => Assert.Equal(JsonValueKind.Null, c.GetProperty("usage").ValueKind));
        Assert.Equal("stop", chunks[^2].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task Enqueue_TextWithChunksAndCounts_ServesThemStreamed()
    {
        Server.Enqueue(ScriptedResponse.Text("ignored", finishReason: "length", promptTokens: 100, completionTokens: 7, cachedTokens: 64, reasoningTokens: 5, model: "gpt-4o-2024-08-06")
            .WithChunks("Hel", "lo", " wor", "ld"));

        using var response = await ChatRequest.PostStreamingAsync(Client, "v1/chat/completions", ChatRequest.OpenAI("hi", stream: true, includeUsage: true));
        using var reader = new SseReader(await response.Content.ReadAsStreamAsync());
        var chunks = (await reader.ReadAllAsync()).SkipLast(1).Select(f => JsonDocument.Parse(f).RootElement).ToList();

        Assert.All(chunks, c => Assert.Equal("gpt-4o-2024-08-06", c.GetProperty("model").GetString()));
        var pieces = chunks.Skip(1).Take(4).Select(c => c.GetProperty("choices")[0].GetProperty("delta").GetProperty("content").GetString());
        Assert.Equal(["Hel", "lo", " wor", "ld"], pieces);
        Assert.Equal("length", chunks[5].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        var usage = chunks[6].GetProperty("usage");
        Assert.Equal(100, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(7, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(107, usage.GetProperty("total_tokens").GetInt32());
        Assert.Equal(64, usage.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32());
        Assert.Equal(5, usage.GetProperty("completion_tokens_details").GetProperty("reasoning_tokens").GetInt32());
    }

    [Fact]
    public async Task Enqueue_Text_NonStreamingRequestGetsJson()
    {
        Server.Enqueue(ScriptedResponse.Text("Paris.", cachedTokens: 3));

        using var response = await Client.PostAsync("v1/chat/completions", ChatRequest.OpenAI("capital of France?"));
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal("Paris.", doc.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        Assert.Equal(3, doc.RootElement.GetProperty("usage").GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32());
        Assert.Equal(1, doc.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Enqueue_SeveralResponses_ServedInOrderThenDefault()
    {
        Server.Enqueue(ScriptedResponse.Text("first"));
        Server.Enqueue(ScriptedResponse.Text("second"));
        Assert.Equal(2, Server.QueuedCount);

        var replies = new List<string?>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await Client.PostAsync("v1/chat/completions", ChatRequest.OpenAI("again"));
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            replies.Add(doc.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        }

        Assert.Equal(["first", "second", "Echo: again"], replies);
        Assert.Equal(0, Server.QueuedCount);
    }

    [Fact]
    public async Task Enqueue_Many_StreamsEveryChunk()
    {
        const int count = 100_000;
        Server.Enqueue(ScriptedResponse.Many(count, "x"));

        using var response = await ChatRequest.PostStreamingAsync(Client, "v1/chat/completions", ChatRequest.OpenAI("go", stream: true, includeUsage: true));
        using var reader = new SseReader(await response.Content.ReadAsStreamAsync());
        var frames = await reader.ReadAllAsync();

        // role + content + finish + usage + [DONE]
        Assert.Equal(count + 4, frames.Count);
        Assert.Equal("[DONE]", frames[^1]);
        Assert.Equal(count, frames.Count(f => f.Contains("\"content\":\"x\"", StringComparison.Ordinal)));
        using var usage = JsonDocument.Parse(frames[^2]);
        Assert.Equal(count, usage.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Models_Get_ReturnsOpenAIListShape()
    {
        using var doc = JsonDocument.Parse(await Client.GetStringAsync("v1/models"));

        Assert.Equal("list", doc.RootElement.GetProperty("object").GetString());
        var ids = doc.RootElement.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()).ToList();
        Assert.Contains("gpt-4o-mini", ids);
        Assert.All(doc.RootElement.GetProperty("data").EnumerateArray(), m => Assert.Equal("model", m.GetProperty("object").GetString()));
    }

    [Fact]
    public async Task UnknownPath_Request_Returns404InvalidUrl()
    {
        using var response = await Client.PostAsync("v1/embeddingz", ChatRequest.Json(new { }));

        Assert.Equal(404, (int)response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Invalid URL (POST /v1/embeddingz)", doc.RootElement.GetProperty("error").GetProperty("message").GetString());
    }
}
