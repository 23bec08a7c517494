using Microsoft.Extensions.AI;
using Parley.TestServer;

namespace Parley.Tests;

public class ChatSessionTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Turn_ScriptedReply_ReadsContentModelFinishReasonAndUsage(bool streaming)
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("Hello there!", promptTokens: 20, completionTokens: 3, cachedTokens: 0, model: "gpt-4o-mini-2024-07-18")
            .WithChunks("Hel", "lo ", "there!"));
        var session = new ChatSession(ServerClients.Create(server), new ChatSessionOptions { Model = "gpt-4o-mini", SystemPrompt = "You are a helpful assistant." });

        var turn = await RunTurn(session, "Hello, how are you?", streaming);

        Assert.Equal("Hello there!", turn.Text);
        Assert.Equal("gpt-4o-mini-2024-07-18", turn.ModelId);
        Assert.Equal(ChatFinishReason.Stop, turn.FinishReason);
        Assert.Equal(20, turn.Usage!.InputTokenCount);
        Assert.Equal(3, turn.Usage.OutputTokenCount);
        Assert.Equal(23, turn.Usage.TotalTokenCount);
        Assert.Equal(TurnStatus.Complete, turn.Status);
        var request = Assert.Single(server.Requests);
        Assert.Equal(streaming, request.Stream);
        Assert.Equal(streaming, request.IncludeUsage);
        Assert.Equal([("system", "You are a helpful assistant."), ("user", "Hello, how are you?")], request.Messages);
    }

    [Fact]
    public async Task StreamAsync_Streaming_RecordsTimeToFirstToken()
    {
        await using var server = await LoopbackServer.StartAsync();
        var session = new ChatSession(ServerClients.Create(server));

        var turn = await RunTurn(session, "one two three", streaming: true);

        Assert.NotNull(turn.TimeToFirstToken);
        Assert.True(turn.TimeToFirstToken <= turn.Latency);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task SecondTurn_WithMemory_CarriesFirstTurn(bool streaming)
    {
        await using var server = await LoopbackServer.StartAsync();
        var session = new ChatSession(ServerClients.Create(server), new ChatSessionOptions { SystemPrompt = "sys" });

        await RunTurn(session, "What is artificial intelligence?", streaming);
        await RunTurn(session, "Can you elaborate more on that?", streaming);

        var second = server.Requests[1].Messages;
        Assert.Equal(
            [("system", "sys"), ("user", "What is artificial intelligence?"), ("assistant", "Echo: What is artificial intelligence?"), ("user", "Can you elaborate more on that?")],
            second);
        Assert.Equal(5, session.History.Count);
        Assert.Equal(2, session.Usage.Calls);
    }

    [Fact]
    public async Task SecondTurn_WithoutMemory_SendsOnlySystemAndQuestion()
    {
        await using var server = await LoopbackServer.StartAsync();
        var session = new ChatSession(ServerClients.Create(server), new ChatSessionOptions { SystemPrompt = "sys", Memory = false });

        await session.SendAsync("first");
        await session.SendAsync("second");

        Assert.Equal([("system", "sys"), ("user", "second")], server.Requests[1].Messages);
    }

    [Fact]
    public async Task ResetAsync_AfterTurns_KeepsOnlySystemMessage()
    {
        await using var server = await LoopbackServer.StartAsync();
        var session = new ChatSession(ServerClients.Create(server), new ChatSessionOptions { SystemPrompt = "sys" });
        await session.SendAsync("hello");

        await session.ResetAsync();
        await session.SendAsync("again");

        Assert.Equal([("system", "sys"), ("user", "again")], server.Requests[1].Messages);
        Assert.Single(session.Turns);
    }

    [Fact]
    public async Task SendAsync_ServerError_DropsQuestionFromMemoryAndRecordsFailedTurn()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.ServerError(500));
        var session = new ChatSession(ServerClients.Create(server), new ChatSessionOptions { SystemPrompt = "sys" });

        var e = await Assert.ThrowsAsync<ParleyApiException>(() => session.SendAsync("lost?"));
        await session.SendAsync("next");

        Assert.Equal(500, e.StatusCode);
        Assert.Equal(TurnStatus.Failed, session.Turns[0].Status);
        Assert.Equal([("system", "sys"), ("user", "next")], server.Requests[1].Messages);
    }

    [Fact]
    public async Task StreamAsync_ConnectionDroppedMidStream_KeepsPartialAnswerAsInterrupted()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("alpha beta gamma delta").WithChunks("alpha ", "beta ", "gamma ", "delta").DropAfterChunks(2));
        var session = new ChatSession(ServerClients.Create(server));
        var seen = "";

        var e = await Assert.ThrowsAsync<ParleyApiException>(async () =>
        {
            await foreach (var update in session.StreamAsync("go"))
            {
                seen += update.Text;
            }
        });

        Assert.Equal(ApiFailureKind.StreamInterrupted, e.Kind);
        Assert.Equal("alpha beta ", seen);
        var turn = Assert.Single(session.Turns);
        Assert.Equal(TurnStatus.Interrupted, turn.Status);
        Assert.Equal("alpha beta ", turn.Text);
        Assert.Equal(ChatRole.Assistant, session.History[^1].Role);
    }

    [Fact]
    public async Task StreamAsync_CancelledMidStream_KeepsPartialAnswerAsInterrupted()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("one two three").WithChunks("one ", "two ", "three").StallAfterChunks(1));
        var session = new ChatSession(ServerClients.Create(server));
        using var cts = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in session.StreamAsync("go", cts.Token))
            {
                if (update.Text.Length > 0)
                {
                    cts.Cancel();
                }
            }
        });

        var turn = Assert.Single(session.Turns);
        Assert.Equal(TurnStatus.Interrupted, turn.Status);
        Assert.Equal("one ", turn.Text);
    }

    [Fact]
    public async Task UndoLastTurn_AfterTurn_RemovesBothMessagesAndReturnsQuestion()
    {
        await using var server = await LoopbackServer.StartAsync();
        var session = new ChatSession(ServerClients.Create(server), new ChatSessionOptions { SystemPrompt = "sys" });
        await session.SendAsync("question");

        var question = session.UndoLastTurn();

        Assert.Equal("question", question);
        Assert.Single(session.History);
        Assert.Equal(1, session.Usage.Calls);
    }

    [Fact]
    public async Task SendAsync_InitialFewShotMessages_AreSentBeforeQuestion()
    {
        await using var server = await LoopbackServer.StartAsync();
        var session = new ChatSession(ServerClients.Create(server), new ChatSessionOptions
        {
            SystemPrompt = "You are a pirate.",
            InitialMessages = [new ChatMessage(ChatRole.User, "Hello"), new ChatMessage(ChatRole.Assistant, "Ahoy, matey!")],
        });

        await session.SendAsync("How are you?");

        Assert.Equal(
            [("system", "You are a pirate."), ("user", "Hello"), ("assistant", "Ahoy, matey!"), ("user", "How are you?")],
            server.Requests[0].Messages);
    }

    [Fact]
    public void Constructor_NullClient_ThrowsWithParameterName()
    {
        var e = Assert.Throws<ArgumentNullException>(() => new ChatSession(null!));

        Assert.Equal("client", e.ParamName);
    }

    private static async Task<ChatTurn> RunTurn(ChatSession session, string text, bool streaming)
    {
        if (!streaming)
        {
            return await session.SendAsync(text);
        }

        await foreach (var _ in session.StreamAsync(text))
        {
        }

        return session.LastTurn!;
    }
}
