using System.Net;
using System.Text.Json;
using Parley.TestServer;

namespace Parley.Server.Tests;

public sealed class ChatStreamingTests
{
    private const string Chunk1 = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",\"x_extra\":{\"kept\":true},\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hel\"},\"finish_reason\":null}],\"usage\":null}\n\n";
    private const string Chunk2 = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo!\"},\"finish_reason\":null}],\"usage\":null}\n\n";
    private const string Finish = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":null}\n\n";
    private const string UsageChunk = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",\"choices\":[],\"usage\":{\"prompt_tokens\":1000,\"completion_tokens\":500,\"total_tokens\":1500}}\n\n";
    private const string Done = "data: [DONE]\n\n";
    private const string Stream = Chunk1 + Chunk2 + Finish + UsageChunk + Done;

    [Fact]
    public async Task Stream_ClientDidNotAskForUsage_ChunksPassByteEqualWithoutTheUsageChunk()
    {
        await using var upstream = await LoopbackServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(upstream);
        upstream.Enqueue(ScriptedResponse.Raw(200, "text/event-stream", Stream));

        using var response = await GatewayJson.PostAsync(gateway.Client, GatewayJson.Chat("gpt-4o-mini", "hi", stream: true));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Chunk1 + Chunk2 + Finish + Done, await response.Content.ReadAsStringAsync());
        Assert.True(upstream.Requests.Single(r => r.Path == "/v1/chat/completions").IncludeUsage, "Parley always asks the upstream for usage");
    }

    [Fact]
    public async Task Stream_ClientAskedForUsage_UsageChunkForwardedWithCostUsd()
    {
        await using var upstream = await LoopbackServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(upstream);
        upstream.Enqueue(ScriptedResponse.Raw(200, "text/event-stream", Stream));
        var body = GatewayJson.Chat("gpt-4o-mini", "hi", stream: true, extra: ",\"stream_options\":{\"include_usage\":true}");

        using var response = await GatewayJson.PostAsync(gateway.Client, body);

        var events = GatewayJson.Events(await response.Content.ReadAsStringAsync());
        Assert.Equal([Chunk1, Chunk2, Finish], events.Take(3));
        Assert.Equal(Done, events[^1]);
        using var usage = JsonDocument.Parse(events[3]["data: ".Length..]);
        var cost = usage.RootElement.GetProperty("usage").GetProperty("cost_usd").GetDecimal();
        var model = ModelCatalog.BuiltIn.Find("gpt-4o-mini")!;
        Assert.Equal(((1000 * model.InputPerMillion!.Value) + (500 * model.OutputPerMillion!.Value)) / 1_000_000m, cost);
        Assert.Equal(body, upstream.Requests.Single(r => r.Path == "/v1/chat/completions").Body);
    }

    [Fact]
    public async Task Stream_GeneratedByUpstream_IsSavedWithTheWholeAnswer()
    {
        await using var upstream = await LoopbackServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(upstream);
        upstream.Enqueue(ScriptedResponse.Text("one two three").WithChunks("one ", "two ", "three"));

        using var response = await GatewayJson.PostAsync(gateway.Client, GatewayJson.Chat("gpt-4o-mini", "count", stream: true));
        await response.Content.ReadAsStringAsync();

        var saved = Assert.Single(await gateway.WaitForSavedAsync(1));
        Assert.Equal("one two three", saved.Messages[^1].Message.Text);
        var turn = Assert.Single(saved.Turns);
        Assert.Equal(TurnStatus.Complete, turn.Status);
        Assert.NotNull(turn.Usage.OutputTokenCount);
        Assert.NotNull(turn.TimeToFirstToken);
    }

    [Fact]
    public async Task Stream_ClientDisconnects_UpstreamCancelledAndTurnSavedInterrupted()
    {
        await using var upstream = await LoopbackServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(upstream);
        upstream.Enqueue(ScriptedResponse.Text("alpha beta gamma delta").WithChunks("alpha ", "beta ", "gamma ", "delta").StallAfterChunks(2));

        using (var response = await GatewayJson.PostAsync(gateway.Client, GatewayJson.Chat("gpt-4o-mini", "go", stream: true), HttpCompletionOption.ResponseHeadersRead))
        {
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            string? line;
            while ((line = await reader.ReadLineAsync()) is not null && !line.Contains("beta", StringComparison.Ordinal))
            {
            }
        }

        // The upstream stalls forever: the turn is only saved once the gateway cancelled its upstream request.
        var saved = Assert.Single(await gateway.WaitForSavedAsync(1));
        var turn = Assert.Single(saved.Turns);
        Assert.Equal(TurnStatus.Interrupted, turn.Status);
        Assert.Equal("alpha beta ", saved.Messages[^1].Message.Text);
    }
}
