using System.Text.Json;

namespace Parley.Tests.TestServer;

public sealed class LoopbackServerControlApiTests : LoopbackServerTestBase
{
    [Fact]
    public async Task ControlEnqueue_TextAndError_ServedInOrderAndNotRecorded()
    {
        using var enqueue = await Client.PostAsync("_loopback/enqueue", ChatRequest.Json(new object[]
        {
            new { type = "text", content = "Hi there", chunks = new[] { "Hi", " there" } },
            new { type = "rate_limited", retry_after = 2 },
        }));
        Assert.Equal(200, (int)enqueue.StatusCode);
        Assert.Equal(2, Server.QueuedCount);

        using var first = await Client.PostAsync("v1/chat/completions", ChatRequest.OpenAI("x"));
        using var second = await Client.PostAsync("v1/chat/completions", ChatRequest.OpenAI("x"));

        Assert.Contains("\"Hi there\"", await first.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(429, (int)second.StatusCode);
        Assert.Equal("2", second.Headers.GetValues("retry-after").Single());
        Assert.All(Server.Requests, r => Assert.Equal("/v1/chat/completions", r.Path));
    }

    [Fact]
    public async Task ControlEnqueue_ManyWithTimes_QueuesCopies()
    {
        using var enqueue = await Client.PostAsync("_loopback/enqueue", ChatRequest.Json(new { type = "many", count = 5, piece = "ab", times = 2 }));

        using var doc = JsonDocument.Parse(await enqueue.Content.ReadAsStringAsync());
        Assert.Equal(2, doc.RootElement.GetProperty("queued").GetInt32());
        using var reply = await Client.PostAsync("v1/chat/completions", ChatRequest.OpenAI("x"));
        Assert.Contains("\"ababababab\"", await reply.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ControlEnqueue_UnknownType_Returns400()
    {
        using var response = await Client.PostAsync("_loopback/enqueue", ChatRequest.Json(new { type = "nope" }));

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal(0, Server.QueuedCount);
    }

    [Fact]
    public async Task ControlRequests_GetAndDelete_ReturnsAndClearsLog()
    {
        using (await Client.PostAsync("v1/chat/completions", ChatRequest.OpenAI("logged"))) { }

        using var list = JsonDocument.Parse(await Client.GetStringAsync("_loopback/requests"));
        var entry = Assert.Single(list.RootElement.EnumerateArray());
        Assert.Equal("/v1/chat/completions", entry.GetProperty("path").GetString());
        Assert.Contains("logged", entry.GetProperty("body").GetString(), StringComparison.Ordinal);

        using var cleared = await Client.DeleteAsync("_loopback/requests");
        Assert.Equal(204, (int)cleared.StatusCode);
        Assert.Empty(Server.Requests);
    }

    [Fact]
    public async Task ControlContextWindow_Put_SetsAndClears()
    {
        using (await Client.PutAsync("_loopback/context-window", ChatRequest.Json(new { value = 7 }))) { }
        Assert.Equal(7, Server.ContextWindow);

        using (await Client.PutAsync("_loopback/context-window", ChatRequest.Json(new { value = (int?)null }))) { }
        Assert.Null(Server.ContextWindow);
    }
}
