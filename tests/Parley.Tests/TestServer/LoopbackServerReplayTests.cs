using System.Text.Json;
using Parley.TestServer;
using Parley.Tests.Tokens;

namespace Parley.Tests.TestServer;

public sealed class LoopbackServerReplayTests : LoopbackServerTestBase
{
    private const string Sse =
        "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n" +
        "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"six\"},\"finish_reason\":null}]}\n\n" +
        "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n" +
        "data: [DONE]\n\n";

    [Fact]
    public async Task Replay_SseBody_SentByteExactWithRecordedHeaders()
    {
        Server.Enqueue(ScriptedResponse.Replay(200, new Dictionary<string, string>
        {
            ["Content-Type"] = "text/event-stream; charset=utf-8",
            ["Transfer-Encoding"] = "chunked",
            ["Content-Length"] = "1",
            ["x-ratelimit-remaining-requests"] = "9999",
            ["X-Request-ID"] = "req_recorded",
        }, Sse));

        using var response = await ChatRequest.PostStreamingAsync(Client, "v1/chat/completions", ChatRequest.OpenAI("hi", stream: true));

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("9999", response.Headers.GetValues("x-ratelimit-remaining-requests").Single());
        Assert.Equal("req_recorded", response.Headers.GetValues("x-request-id").Single());
        Assert.Equal(Sse, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Replay_DropAfterChunks_CutsAtFrameBoundary()
    {
        Server.Enqueue(ScriptedResponse.Replay(200, new Dictionary<string, string> { ["content-type"] = "text/event-stream" }, Sse).DropAfterChunks(2));
        using var response = await ChatRequest.PostStreamingAsync(Client, "v1/chat/completions", ChatRequest.OpenAI("hi", stream: true));
        using var reader = new SseReader(await response.Content.ReadAsStreamAsync());

        var frames = new List<string>();
        var failure = await Record.ExceptionAsync(async () =>
        {
            while (await reader.NextAsync() is { } frame)
                frames.Add(frame);
        });

        Assert.True(failure is IOException or HttpRequestException, $"got {failure}");
        Assert.Equal(2, frames.Count);
    }

    [Fact]
    public async Task Raw_Body_SentAsGiven()
    {
        Server.Enqueue(ScriptedResponse.Raw(502, "text/html", "<html>Bad gateway</html>"));

        using var response = await Client.PostAsync("v1/chat/completions", ChatRequest.OpenAI("hi"));

        Assert.Equal(502, (int)response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("<html>Bad gateway</html>", await response.Content.ReadAsStringAsync());
    }

    [SkippableFact]
    public async Task FromFixture_RecordedStream_ReplaysBodyAndHeaders()
    {
        SharedFixtures.SkipWhenAbsent();
        const string name = "2_openai_stream/pai_gpt-4o-mini_stream_text_after_tool_include_usage";
        var expected = await File.ReadAllTextAsync(Path.Combine(SharedFixtures.Root, name + ".response.sse"));
        Server.Enqueue(ScriptedResponse.FromFixture(Path.Combine(SharedFixtures.Root, name)));

        using var response = await ChatRequest.PostStreamingAsync(Client, "v1/chat/completions", ChatRequest.OpenAI("hi", stream: true));

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("290", response.Headers.GetValues("openai-processing-ms").Single());
        Assert.Equal(expected, await response.Content.ReadAsStringAsync());
    }

    [SkippableFact]
    public async Task FromFixture_RecordedJsonWithStringHeaders_ReplaysStatusAndRateLimits()
    {
        SharedFixtures.SkipWhenAbsent();
        const string name = "1_openai_nonstream/dotnet_gpt-4o-mini_hello";
        Server.Enqueue(ScriptedResponse.FromFixture(Path.Combine(SharedFixtures.Root, name)));

        using var response = await Client.PostAsync("v1/chat/completions", ChatRequest.OpenAI("hi"));

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("29999", response.Headers.GetValues("x-ratelimit-remaining-requests").Single());
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Hello! How can I assist you today?", doc.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
    }

    [SkippableFact]
    public async Task FromFixture_OllamaStatusLineFormat_ReplaysNdjson()
    {
        SharedFixtures.SkipWhenAbsent();
        const string name = "4_ollama/lcgo_ollama_api_chat_gemma3-1b_stream_chunked_raw_http";
        var expected = await File.ReadAllTextAsync(Path.Combine(SharedFixtures.Root, name + ".response.ndjson"));
        Server.Enqueue(ScriptedResponse.FromFixture(Path.Combine(SharedFixtures.Root, name)));

        using var response = await Client.PostAsync("api/chat", ChatRequest.Ollama("hi", model: "gemma3:1b"));

        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(expected, await response.Content.ReadAsStringAsync());
    }
}
