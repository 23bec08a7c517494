using System.Diagnostics;
using System.Text.Json;
using Parley.TestServer;

namespace Parley.Tests.TestServer;

public sealed class LoopbackServerFaultTests : LoopbackServerTestBase
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(400);

    private async Task<SseReader> StreamAsync(string message = "hi", bool includeUsage = false)
    {
        var response = await ChatRequest.PostStreamingAsync(Client, "v1/chat/completions", ChatRequest.OpenAI(message, stream: true, includeUsage: includeUsage));
        Assert.Equal(200, (int)response.StatusCode);
        return new SseReader(await response.Content.ReadAsStreamAsync());
    }

    private static string? ContentOf(string frame) =>
        JsonDocument.Parse(frame).RootElement.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("content", out var c) ? c.GetString() : null;

    private static void AssertConnectionFailure(Exception? e)
    {
        Assert.NotNull(e);
        Assert.True(e is IOException or HttpRequestException, $"expected a connection failure, got {e}");
    }

    [Fact]
    public async Task DropAfterChunks_Streaming_EndsAbruptlyWithoutDone()
    {
        Server.Enqueue(ScriptedResponse.Text("one two three four").DropAfterChunks(2));
        using var reader = await StreamAsync();

        var frames = new List<string>();
        var failure = await Record.ExceptionAsync(async () =>
        {
            while (await reader.NextAsync() is { } frame)
                frames.Add(frame);
        });

        AssertConnectionFailure(failure);
        Assert.Equal(3, frames.Count); // role + 2 content frames
        Assert.Equal(["one ", "two "], frames.Skip(1).Select(ContentOf));
        Assert.DoesNotContain("[DONE]", frames);
    }

    [Fact]
    public async Task DropAfterChunks_NonStreaming_TruncatesBody()
    {
        Server.Enqueue(ScriptedResponse.Text("one two three four").DropAfterChunks(1));

        var failure = await Record.ExceptionAsync(async () =>
        {
            using var response = await Client.PostAsync("v1/chat/completions", ChatRequest.OpenAI("hi"));
            await response.Content.ReadAsStringAsync();
        });

        AssertConnectionFailure(failure);
    }

    [Fact]
    public async Task HoldAfterFirstChunk_BeforeRelease_WithholdsTheRest()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Server.Enqueue(ScriptedResponse.Text("one two three").HoldAfterFirstChunk(release.Task));
        using var reader = await StreamAsync();

        var role = await reader.NextAsync();
        var first = await reader.NextAsync();
        Assert.Equal("assistant", JsonDocument.Parse(role!).RootElement.GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        Assert.Equal("one ", ContentOf(first!));

        var next = reader.NextAsync();
        var winner = await Task.WhenAny(next, Task.Delay(Quiet));
        Assert.NotSame(next, winner);

        release.SetResult();
        var rest = new List<string> { (await next.WaitAsync(TimeSpan.FromSeconds(10)))! };
        rest.AddRange(await reader.ReadAllAsync());
        Assert.Equal("two ", ContentOf(rest[0]));
        Assert.Equal("three", ContentOf(rest[1]));
        Assert.Equal("[DONE]", rest[^1]);
    }

    [Fact]
    public async Task StallAfterChunks_UntilServerDisposed_KeepsConnectionSilentThenCloses()
    {
        Server.Enqueue(ScriptedResponse.Text("one two three").StallAfterChunks(1));
        using var reader = await StreamAsync();

        await reader.NextAsync();
        Assert.Equal("one ", ContentOf((await reader.NextAsync())!));
        var next = reader.NextAsync();
        var winner = await Task.WhenAny(next, Task.Delay(Quiet));
        Assert.NotSame(next, winner);

        var disposing = Stopwatch.StartNew();
        await Server.DisposeAsync();
        Assert.True(disposing.Elapsed < TimeSpan.FromSeconds(5), $"dispose took {disposing.Elapsed}");

        string? tail = "not read";
        var ended = await Record.ExceptionAsync(async () => tail = await next.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(ended is IOException or HttpRequestException || (ended is null && tail is null), $"stream should end, got {ended?.ToString() ?? tail}");
    }

    [Fact]
    public async Task ResetConnection_Request_FailsBeforeAnyResponse()
    {
        Server.Enqueue(ScriptedResponse.Text("never").ResetConnection());
        using var fresh = new HttpClient { BaseAddress = Server.BaseAddress };

        var failure = await Record.ExceptionAsync(() => fresh.PostAsync("v1/chat/completions", ChatRequest.OpenAI("hi")));

        Assert.IsType<HttpRequestException>(failure);
        Assert.Single(Server.Requests);
    }

    [Fact]
    public async Task WithMalformedChunk_Streaming_InjectsInvalidJsonAndContinues()
    {
        Server.Enqueue(ScriptedResponse.Text("one two").WithMalformedChunk());
        using var reader = await StreamAsync();

        var frames = await reader.ReadAllAsync();

        Assert.Equal("[DONE]", frames[^1]);
        var invalid = frames.SkipLast(1).Where(f => !IsJson(f)).ToList();
        Assert.Single(invalid);
        Assert.Equal(2, frames.IndexOf(invalid[0])); // after role + first content frame
    }

    [Fact]
    public async Task WithStreamError_Streaming_SendsErrorFrameAndNoDone()
    {
        Server.Enqueue(ScriptedResponse.Text("one two three").WithStreamError("The server had an error while processing your request.", "server_error"));
        using var reader = await StreamAsync();

        var frames = await reader.ReadAllAsync();

        Assert.Equal(3, frames.Count);
        Assert.DoesNotContain("[DONE]", frames);
        using var error = JsonDocument.Parse(frames[^1]);
        Assert.Equal("The server had an error while processing your request.", error.RootElement.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal("server_error", error.RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task WithDelay_Request_WaitsBeforeHeaders()
    {
        Server.Enqueue(ScriptedResponse.Text("late").WithDelay(TimeSpan.FromMilliseconds(300)));
        var watch = Stopwatch.StartNew();

        using var response = await ChatRequest.PostStreamingAsync(Client, "v1/chat/completions", ChatRequest.OpenAI("hi"));

        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(280), $"took {watch.Elapsed}");
        Assert.Equal(200, (int)response.StatusCode);
    }

    [Fact]
    public async Task WithChunkDelay_Streaming_SpacesFrames()
    {
        Server.Enqueue(ScriptedResponse.Text("a b c").WithChunkDelay(TimeSpan.FromMilliseconds(80)));
        var watch = Stopwatch.StartNew();
        using var reader = await StreamAsync();

        var frames = await reader.ReadAllAsync();

        // role, 3 content, finish, [DONE]: 5 gaps
        Assert.Equal(6, frames.Count);
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(380), $"took {watch.Elapsed}");
    }

    private static bool IsJson(string text)
    {
        try
        {
            using var _ = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
