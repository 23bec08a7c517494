using System.Net.Http.Headers;
using Parley.TestServer;

namespace Parley.Tests.TestServer;

public sealed class LoopbackServerRequestLogTests : LoopbackServerTestBase
{
    [Fact]
    public async Task Requests_ChatCompletion_RecordsWhatTheClientSent()
    {
        var before = DateTimeOffset.UtcNow;
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions?api-version=1")
        {
            Content = ChatRequest.Json(new
            {
                model = "gpt-4o",
                stream = true,
                stream_options = new { include_usage = true },
                max_completion_tokens = 256,
                messages = new object[]
                {
                    new { role = "system", content = "be brief" },
                    new { role = "user", content = new object[] { new { type = "text", text = "first part" }, new { type = "image_url", image_url = new { url = "data:," } }, new { type = "text", text = "second part" } } },
                    new { role = "assistant", content = (string?)null },
                },
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sk-test");
        request.Headers.Add("X-Custom", "yes");

        using var response = await Client.SendAsync(request);
        await response.Content.ReadAsStringAsync();

        var recorded = Assert.Single(Server.Requests);
        Assert.Equal("POST", recorded.Method);
        Assert.Equal("/v1/chat/completions?api-version=1", recorded.Path);
        Assert.Equal("Bearer sk-test", recorded.Headers["authorization"]);
        Assert.Equal("yes", recorded.Headers["x-custom"]);
        Assert.Contains("\"max_completion_tokens\":256", recorded.Body, StringComparison.Ordinal);
        Assert.NotNull(recorded.Json);
        Assert.Equal("gpt-4o", recorded.Model);
        Assert.True(recorded.Stream);
        Assert.True(recorded.IncludeUsage);
        Assert.Equal(256, recorded.MaxTokens);
        Assert.Equal(
            [("system", "be brief"), ("user", "first part\nsecond part"), ("assistant", "")],
            recorded.Messages);
        Assert.InRange(recorded.ReceivedAt, before.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
    }

    [Fact]
    public async Task Requests_MaxTokens_ReadsLegacyField()
    {
        using var response = await Client.PostAsync("v1/chat/completions", ChatRequest.Json(new { model = "m", max_tokens = 5, messages = Array.Empty<object>() }));

        var recorded = Assert.Single(Server.Requests);
        Assert.Equal(5, recorded.MaxTokens);
        Assert.False(recorded.Stream);
        Assert.Empty(recorded.Messages);
    }

    [Fact]
    public async Task Requests_ErrorResponses_AreRecordedToo()
    {
        Server.ContextWindow = 1;
        Server.Enqueue(ScriptedResponse.Text("x").ResetConnection());

        using var tooLarge = await Client.PostAsync("v1/chat/completions", ChatRequest.OpenAI("big request"));
        using var notFound = await Client.GetAsync("v1/nope");

        Assert.Equal(400, (int)tooLarge.StatusCode);
        Assert.Equal(["/v1/chat/completions", "/v1/nope"], Server.Requests.Select(r => r.Path));
        Assert.Null(Server.Requests[1].Json);
        Assert.Equal("", Server.Requests[1].Body);
    }

    [Fact]
    public async Task ClearRequests_AfterRequests_EmptiesTheLog()
    {
        using var response = await Client.GetAsync("v1/models");
        Assert.Single(Server.Requests);

        Server.ClearRequests();

        Assert.Empty(Server.Requests);
    }

    [Fact]
    public async Task Requests_Snapshot_DoesNotChangeAfterwards()
    {
        using (await Client.GetAsync("v1/models")) { }
        var snapshot = Server.Requests;

        using (await Client.GetAsync("v1/models")) { }

        Assert.Single(snapshot);
        Assert.Equal(2, Server.Requests.Count);
    }
}
