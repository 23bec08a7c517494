using Microsoft.Extensions.AI;
using Parley.TestServer;

namespace Parley.Tests;

/// <summary>How provider failures reach the caller, on both paths.</summary>
public class ProviderErrorTests
{
    public static TheoryData<bool> Paths => new() { true, false };

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Call_401_HttpErrorWithServerMessageAndNoKey(bool streaming)
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Error(401, $"Incorrect API key provided: {ServerClients.TestKey}.", "invalid_request_error", "invalid_api_key"));

        var e = await Call(server, streaming);

        Assert.Equal(ApiFailureKind.HttpError, e.Kind);
        Assert.Equal(401, e.StatusCode);
        Assert.Equal("invalid_api_key", e.ErrorCode);
        Assert.DoesNotContain(ServerClients.TestKey, e.Message);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Call_429WithRetryAfter_ReadsRetryAfter(bool streaming)
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.RateLimited(2.5));

        var e = await Call(server, streaming);

        Assert.Equal(429, e.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(2.5), e.RetryAfter);
        Assert.False(e.IsInsufficientQuota);
    }

    [Fact]
    public async Task Call_InsufficientQuota_IsRecognised()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.InsufficientQuota());

        var e = await Call(server, streaming: false);

        Assert.True(e.IsInsufficientQuota);
    }

    [Fact]
    public async Task Call_ContextLengthExceeded_IsRecognisedWithLimit()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.ContextLengthExceeded(4096, 5000));

        var e = await Call(server, streaming: false);

        Assert.True(e.IsContextLengthExceeded);
        Assert.Equal(4096, ContextLimitParser.TryReadLimit(e.Message));
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Call_HtmlErrorPageFromProxy_SaysSo(bool streaming)
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Raw(502, "text/html", "<html><body><h1>502 Bad Gateway</h1></body></html>"));

        var e = await Call(server, streaming);

        Assert.Equal(502, e.StatusCode);
        Assert.Contains("HTML", e.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("this is not json")]
    public async Task Call_200WithUnreadableBody_InvalidResponse(string body)
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Raw(200, "application/json", body));

        var e = await Call(server, streaming: false);

        Assert.Equal(ApiFailureKind.InvalidResponse, e.Kind);
    }

    [Fact]
    public async Task Stream_MalformedChunk_ReportedAsError()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("a b c").WithChunks("a ", "b ", "c").WithMalformedChunk(1));

        var e = await Call(server, streaming: true);

        Assert.Equal(ApiFailureKind.InvalidResponse, e.Kind);
    }

    [Fact]
    public async Task Stream_ErrorObjectInsideStream_ReportedWithItsMessage()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("a b c").WithChunks("a ", "b ", "c").WithStreamError("The server had an error while processing your request.", "server_error"));

        var e = await Call(server, streaming: true);

        Assert.Contains("The server had an error", e.Message);
    }

    private static async Task<ParleyApiException> Call(LoopbackServer server, bool streaming)
    {
        using var client = ServerClients.Create(server);
        return await Assert.ThrowsAsync<ParleyApiException>(async () =>
        {
            if (streaming)
            {
                await foreach (var _ in client.GetStreamingResponseAsync("hi"))
                {
                }
            }
            else
            {
                await client.GetResponseAsync("hi");
            }
        });
    }
}
