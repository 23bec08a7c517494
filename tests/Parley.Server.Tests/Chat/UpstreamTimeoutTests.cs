using System.Net;
using Parley.TestServer;

namespace Parley.Server.Tests;

public sealed class UpstreamTimeoutTests
{
    [Fact]
    public async Task ChatCompletions_UpstreamStallsAfterHeaders_504AndFailedTurn()
    {
        await using var upstream = await LoopbackServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(upstream, o => o.Resilience = new ResilienceOptions { MaxRetries = 0, RequestTimeout = TimeSpan.FromMilliseconds(300) });
        upstream.Enqueue(ScriptedResponse.Text("never").StallAfterChunks(0));

        using var response = await GatewayJson.PostAsync(gateway.Client, GatewayJson.Chat("gpt-4o-mini", "hi"));

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal("upstream_timeout", (await GatewayJson.ErrorAsync(response)).GetProperty("code").GetString());
        Assert.Equal(TurnStatus.Failed, Assert.Single(Assert.Single(await gateway.WaitForSavedAsync(1)).Turns).Status);
    }

    [Fact]
    public async Task Stream_UpstreamFallsSilent_ClientConnectionCutAndPartialTurnSavedFailed()
    {
        await using var upstream = await LoopbackServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(upstream, o => o.Resilience = new ResilienceOptions { MaxRetries = 0, IdleTimeout = TimeSpan.FromSeconds(2) });
        // The idle timeout must not fire before the first chunk arrives, even on a loaded machine: the stall that
        // follows it is endless, so a longer timeout only makes the test wait longer.
        upstream.Enqueue(ScriptedResponse.Text("one two three").WithChunks("one ", "two ", "three").StallAfterChunks(1));

        using var response = await GatewayJson.PostAsync(gateway.Client, GatewayJson.Chat("gpt-4o-mini", "hi", stream: true), HttpCompletionOption.ResponseHeadersRead);
        var read = response.Content.ReadAsStringAsync();

        await Assert.ThrowsAnyAsync<Exception>(() => read); // cut, so the partial answer is not taken for a whole one
        var saved = Assert.Single(await gateway.WaitForSavedAsync(1));
        Assert.Equal(TurnStatus.Failed, Assert.Single(saved.Turns).Status);
        Assert.Equal("one ", saved.Messages[^1].Message.Text);
    }
}
