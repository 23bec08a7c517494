using Parley.TestServer;

namespace Parley.Tests.Sessions;

/// <summary>A turn's reasoning (<c>reasoning_content</c>, Ollama's <c>thinking</c>) is on <see cref="ChatTurn.Reasoning"/>, not in the conversation.</summary>
public sealed class ChatSessionReasoningTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Turn_StreamedReasoning_OnTheTurnButNotSentBack(bool stream)
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("Hello there!").WithReasoning("The user greets me; ", "a greeting back."));
        var session = new ChatSession(ServerClients.Create(server), new ChatSessionOptions { Model = "gpt-4o-mini" });

        ChatTurn turn;
        if (stream)
        {
            var turnStream = session.StreamAsync("hi");
            await foreach (var _ in turnStream)
            {
            }

            turn = await turnStream.Turn;
        }
        else
        {
            turn = await session.SendAsync("hi");
        }

        await session.SendAsync("again");

        Assert.Equal("The user greets me; a greeting back.", turn.Reasoning);
        Assert.Equal("Hello there!", turn.Text);
        Assert.Contains("Hello there!", server.Requests[1].Body, StringComparison.Ordinal);
        Assert.DoesNotContain("greets", server.Requests[1].Body, StringComparison.Ordinal);
        Assert.All(session.History, m => Assert.DoesNotContain("greets", m.Text, StringComparison.Ordinal));
    }
}
