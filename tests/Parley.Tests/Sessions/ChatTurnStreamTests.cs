using Microsoft.Extensions.AI;
using Parley.TestServer;

namespace Parley.Tests;

/// <summary>A streamed turn's result comes from the stream itself: <c>await stream.Turn</c>.</summary>
public class ChatTurnStreamTests
{
    [Fact]
    public async Task Turn_StreamReadToTheEnd_IsTheRecordedTurnWithUsageAndCost()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("Hello there!", promptTokens: 20, completionTokens: 3, cachedTokens: 0).WithChunks("Hel", "lo ", "there!"));
        var session = new ChatSession(ServerClients.Create(server), new ChatSessionOptions { Model = "gpt-4o-mini" });

        var stream = session.StreamAsync("Hello?");
        var text = string.Empty;
        await foreach (var update in stream)
        {
            text += update.Text;
        }

        var turn = await stream.Turn;

        Assert.Same(session.LastTurn, turn);
        Assert.Equal(text, turn.Text);
        Assert.Equal(TurnStatus.Complete, turn.Status);
        Assert.Equal(23, turn.Usage!.TotalTokenCount);
        Assert.NotNull(turn.CostUsd);
        Assert.NotNull(turn.TimeToFirstToken);
    }

    [Fact]
    public async Task Turn_ServerFails_IsTheFailedTurnAndTheEnumerationThrows()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Error(400, "bad request"));
        var session = new ChatSession(ServerClients.Create(server), new ChatSessionOptions { Model = "gpt-4o-mini" });

        var stream = session.StreamAsync("Hello?");
        await Assert.ThrowsAsync<ParleyApiException>(async () =>
        {
            await foreach (var _ in stream)
            {
            }
        });

        var turn = await stream.Turn;
        Assert.Equal(TurnStatus.Failed, turn.Status);
        Assert.Same(session.LastTurn, turn);
    }

    [Fact]
    public async Task Turn_NothingSent_FaultsWithTheRefusal()
    {
        await using var server = await LoopbackServer.StartAsync();
        var session = new ChatSession(ServerClients.Create(server), new ChatSessionOptions { Model = "gpt-4", Context = ContextPolicy.KeepAll() });

        var stream = session.StreamAsync(new string('a', 100_000));
        await Assert.ThrowsAsync<ContextWindowExceededException>(async () =>
        {
            await foreach (var _ in stream)
            {
            }
        });

        await Assert.ThrowsAsync<ContextWindowExceededException>(() => stream.Turn);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Turn_EnumerationStoppedEarly_IsCancelledAndNoTurnIsRecorded()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("one two three").WithChunks("one ", "two ", "three"));
        var session = new ChatSession(ServerClients.Create(server));

        var stream = session.StreamAsync("count");
        await foreach (var _ in stream)
        {
            break;
        }

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stream.Turn);
        Assert.Null(session.LastTurn);
    }

    [Fact]
    public async Task GetAsyncEnumerator_SecondEnumeration_Throws()
    {
        await using var server = await LoopbackServer.StartAsync();
        var session = new ChatSession(ServerClients.Create(server));
        var stream = session.StreamAsync("once");
        await foreach (var _ in stream)
        {
        }

        Assert.Throws<InvalidOperationException>(() => stream.GetAsyncEnumerator());
        Assert.Single(server.Requests);
    }
}
