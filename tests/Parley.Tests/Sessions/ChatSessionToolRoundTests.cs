using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Parley.Tests.Resilience;
using Parley.Tests.Storage;

namespace Parley.Tests.Sessions;

/// <summary>
/// A turn whose response has several messages — a tool round as FunctionInvokingChatClient returns it: the assistant's
/// tool call, the tool's result, the final answer — is kept whole: in the history, in the store, and on resume.
/// </summary>
public sealed class ChatSessionToolRoundTests
{
    private static List<ChatMessage> Round() =>
    [
        new(ChatRole.Assistant, [new FunctionCallContent("call_1", "get_weather", new Dictionary<string, object?> { ["city"] = "Paris" })]) { MessageId = "m1" },
        new(ChatRole.Tool, [new FunctionResultContent("call_1", JsonDocument.Parse("""{"temp":21}""").RootElement)]) { MessageId = "m2" },
        new(ChatRole.Assistant, [new TextReasoningContent("they asked about weather"), new TextContent("It is 21 °C in Paris.")]) { MessageId = "m3" },
    ];

    /// <summary>The round as a stream: each message's contents as an update of its own (the tool loop's own shape).</summary>
    private static async IAsyncEnumerable<ChatResponseUpdate> Stream([EnumeratorCancellation] CancellationToken token)
    {
        foreach (var message in Round())
        {
            foreach (var content in message.Contents)
            {
                token.ThrowIfCancellationRequested();
                yield return new ChatResponseUpdate(message.Role, [content]) { MessageId = message.MessageId };
            }
        }

        await Task.CompletedTask.ConfigureAwait(false);
        yield return new ChatResponseUpdate { Role = ChatRole.Assistant, MessageId = "m3", FinishReason = ChatFinishReason.Stop };
    }

    private static FakeChatClient Client()
    {
        var fake = new FakeChatClient
        {
            OnResponse = (_, _, _) => Task.FromResult(new ChatResponse(Round()) { FinishReason = ChatFinishReason.Stop, Usage = new UsageDetails { InputTokenCount = 30, OutputTokenCount = 12 } }),
        };
        fake.OnStream = (_, _, token) => Stream(token);
        return fake;
    }

    private static readonly string[] Expected =
    [
        "text Weather in Paris?",
        "call call_1 get_weather {\"city\":\"Paris\"}",
        "result call_1 json:{\"temp\":21} error=",
        "text It is 21 °C in Paris.",
    ];

    private static IEnumerable<string> Shapes(IEnumerable<ChatMessage> messages) => messages.SelectMany(ContentShapes.Of);

    private static async Task<ChatTurn> TurnAsync(ChatSession session, string question, bool streaming)
    {
        if (!streaming)
        {
            return await session.SendAsync(question);
        }

        var stream = session.StreamAsync(question);
        await foreach (var _ in stream)
        {
        }

        return await stream.Turn;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Turn_ToolRoundResponse_HistoryStoreAndResumeKeepEveryMessage(bool streaming)
    {
        await using var store = await SqliteConversationStore.OpenInMemoryAsync();
        var session = new ChatSession(Client(), new ChatSessionOptions { Model = "gpt-4o-mini", Store = store });

        var turn = await TurnAsync(session, "Weather in Paris?", streaming);

        Assert.Equal("It is 21 °C in Paris.", turn.Text);
        Assert.Equal(3, turn.ResponseMessages.Count);
        Assert.Same(turn.AssistantMessage, turn.ResponseMessages[^1]);
        Assert.Equal(["user", "assistant", "tool", "assistant"], session.History.Select(m => m.Role.Value));
        Assert.Equal(Expected, Shapes(session.History)); // reasoning stays out of the history
        var saved = await store.LoadAsync(session.ConversationId!);
        Assert.Equal(Expected, Shapes(saved.Messages.Select(m => m.Message)));
        Assert.Equal((1L, 4L), (saved.Turns[0].UserSequence, saved.Turns[0].AssistantSequence));

        var resumed = await ChatSession.ResumeAsync(Client(), store, session.ConversationId!, new ChatSessionOptions { Model = "gpt-4o-mini" });
        var next = new FakeChatClient();
        await resumed.ChangeModelAsync("gpt-4o-mini", next);
        await resumed.SendAsync("And tomorrow?");

        Assert.Equal([.. Expected, "text And tomorrow?"], Shapes(Assert.Single(next.ReceivedMessages)));
        Assert.Equal(6, (await store.LoadAsync(session.ConversationId!)).Messages.Count);
    }

    [Fact]
    public async Task SendAsync_ToolRoundWithALogOfSomeoneElse_DefaultSavesEveryMessageInOrder()
    {
        await using var store = await SqliteConversationStore.OpenInMemoryAsync();
        var session = new ChatSession(Client(), new ChatSessionOptions { Model = "gpt-4o-mini", Store = new PassThroughConversationLog(store) });

        await session.SendAsync("Weather in Paris?");

        var saved = await store.LoadAsync(session.ConversationId!);
        Assert.Equal(Expected, Shapes(saved.Messages.Select(m => m.Message)));
        Assert.Equal((1L, 4L, TurnStatus.Complete), (saved.Turns[0].UserSequence, saved.Turns[0].AssistantSequence, saved.Turns[0].Status));
    }

    [Fact]
    public async Task UndoLastTurn_ToolRound_RemovesEveryMessageOfTheTurn()
    {
        var session = new ChatSession(Client(), new ChatSessionOptions { Model = "gpt-4o-mini" });
        await session.SendAsync("Weather in Paris?");

        Assert.Equal("Weather in Paris?", session.UndoLastTurn());
        Assert.Empty(session.History);
    }

    [Fact]
    public async Task StreamAsync_DroppedAfterAToolRound_KeepsTheRoundWithThePartialAnswerAsInterrupted()
    {
        await using var store = await SqliteConversationStore.OpenInMemoryAsync();
        var fake = new FakeChatClient { OnStream = (_, _, token) => DroppedAfterRound(token) };
        var session = new ChatSession(fake, new ChatSessionOptions { Model = "gpt-4o-mini", Store = store });

        var stream = session.StreamAsync("Weather in Paris?");
        await Assert.ThrowsAsync<HttpRequestException>(async () =>
        {
            await foreach (var _ in stream)
            {
            }
        });
        var turn = await stream.Turn;

        Assert.Equal(TurnStatus.Interrupted, turn.Status);
        string[] expected = [.. Expected.Take(3), "text It is 21"];
        Assert.Equal(expected, Shapes(session.History));
        var saved = await store.LoadAsync(session.ConversationId!);
        Assert.Equal(expected, Shapes(saved.Messages.Select(m => m.Message)));
        Assert.Equal(TurnStatus.Interrupted, Assert.Single(saved.Turns).Status);
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> DroppedAfterRound([EnumeratorCancellation] CancellationToken token)
    {
        var round = Round();
        yield return new ChatResponseUpdate(ChatRole.Assistant, [round[0].Contents[0]]) { MessageId = "m1" };
        yield return new ChatResponseUpdate(ChatRole.Tool, [round[1].Contents[0]]) { MessageId = "m2" };
        yield return new ChatResponseUpdate(ChatRole.Assistant, "It is 21") { MessageId = "m3" };
        await Task.Yield();
        token.ThrowIfCancellationRequested();
        throw new HttpRequestException("connection reset");
    }
}
