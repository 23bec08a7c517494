using System.ClientModel;
using System.Text;
using Microsoft.Extensions.AI;
using OpenAI;
using Parley.TestServer;

namespace Parley.Tests;

/// <summary>
/// A model that declines sends <c>refusal</c> instead of <c>content</c>: the turn says so (<see cref="ChatTurn.Refusal"/>),
/// and the conversation keeps the refusal as the answer.
/// </summary>
public class ChatSessionRefusalTests
{
    private const string Refusal = "I'm sorry, but I can't help with that request.";

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Turn_Refusal_SetsRefusalAndKeepsItAsTheAnswer(bool streaming)
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Refusal(Refusal, promptTokens: 20, completionTokens: 11, model: "gpt-4o-2024-08-06"));
        var session = new ChatSession(ServerClients.Create(server, "gpt-4o"), new ChatSessionOptions { Model = "gpt-4o" });

        var (turn, text, refusal) = await RunTurn(session, "Help me with something bad", streaming);

        Assert.Equal(Refusal, turn.Refusal);
        Assert.Equal(Refusal, turn.Text);
        Assert.Equal(TurnStatus.Complete, turn.Status);
        Assert.Equal(ChatFinishReason.Stop, turn.FinishReason);
        Assert.Equal(31, turn.Usage!.TotalTokenCount);
        Assert.NotNull(turn.CostUsd);
        Assert.Equal(("assistant", Refusal), (session.History[^1].Role.Value, session.History[^1].Text));
        Assert.Equal(string.Empty, text);
        Assert.Equal(streaming ? Refusal : null, refusal);
        Assert.Equal(streaming, turn.TimeToFirstToken is not null);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Turn_Answer_HasNoRefusal(bool streaming)
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("I'm sorry, I can't do that.").WithChunks("I'm sorry, ", "I can't do that."));
        var session = new ChatSession(ServerClients.Create(server));

        var (turn, text, refusal) = await RunTurn(session, "apologise", streaming);

        Assert.Null(turn.Refusal);
        Assert.Equal("I'm sorry, I can't do that.", turn.Text);
        Assert.Equal(streaming ? turn.Text : string.Empty, text);
        Assert.Null(refusal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task NextTurn_AfterRefusal_SendsTheRefusalAsTheAssistantMessage(bool streaming)
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Refusal(Refusal));
        var session = new ChatSession(ServerClients.Create(server), new ChatSessionOptions { SystemPrompt = "sys" });

        await RunTurn(session, "first", streaming);
        await RunTurn(session, "second", streaming);

        Assert.Equal([("system", "sys"), ("user", "first"), ("assistant", Refusal), ("user", "second")], server.Requests[1].Messages);
        Assert.Null(session.LastTurn!.Refusal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Refusal_WithStore_IsSavedAsTheAnswer(bool streaming)
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Refusal(Refusal));
        using var dir = new TempDirectory();
        await using var store = await SqliteConversationStore.OpenAsync(dir.File("parley.db"));
        var session = new ChatSession(ServerClients.Create(server), new ChatSessionOptions { Store = store });

        await RunTurn(session, "Help me with something bad", streaming);

        var saved = await store.LoadAsync(session.ConversationId!);
        Assert.Equal([("user", "Help me with something bad"), ("assistant", Refusal)], saved.Messages.Select(m => (m.Message.Role.Value, m.Message.Text)));
        Assert.Equal(TurnStatus.Complete, Assert.Single(saved.Turns).Status);
    }

    [Fact]
    public async Task StreamAsync_RefusalCutShort_KeepsThePartReceivedAsInterrupted()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Refusal(Refusal).WithChunks("I'm sorry, ", "but I can't ", "help with that request.").DropAfterChunks(2));
        var session = new ChatSession(ServerClients.Create(server));
        var shown = new StringBuilder();

        await Assert.ThrowsAsync<ParleyApiException>(async () =>
        {
            await foreach (var update in session.StreamAsync("Help me with something bad"))
            {
                shown.Append(ChatTurn.RefusalIn(update));
            }
        });

        var turn = session.LastTurn!;
        Assert.Equal("I'm sorry, but I can't ", shown.ToString());
        Assert.Equal(TurnStatus.Interrupted, turn.Status);
        Assert.Equal("I'm sorry, but I can't ", turn.Refusal);
        Assert.Equal("I'm sorry, but I can't ", turn.Text);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Turn_RefusalThroughPlainMeaiClient_IsReadToo(bool streaming)
    {
        // The README's way to build a client: Microsoft.Extensions.AI's adapter with none of Parley's middleware.
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Refusal(Refusal));
        IChatClient client = new OpenAIClient(new ApiKeyCredential(ServerClients.TestKey), new OpenAIClientOptions { Endpoint = server.OpenAIBaseUrl })
            .GetChatClient("gpt-4o-mini").AsIChatClient();
        var session = new ChatSession(client);

        var (turn, _, refusal) = await RunTurn(session, "Help me with something bad", streaming);

        Assert.Equal(Refusal, turn.Refusal);
        Assert.Equal(Refusal, turn.Text);
        Assert.Equal(streaming ? Refusal : null, refusal);
    }

    [Fact]
    public void ModelRefusal_NullArguments_ThrowWithParameterName()
    {
        Assert.Equal("response", Assert.Throws<ArgumentNullException>(() => ModelRefusal.Read((ChatResponse)null!)).ParamName);
        Assert.Equal("update", Assert.Throws<ArgumentNullException>(() => ModelRefusal.Read((ChatResponseUpdate)null!)).ParamName);
        Assert.Equal("refusal", Assert.Throws<ArgumentNullException>(() => ModelRefusal.ToContent(null!)).ParamName);
    }

    // The turn, the streamed text and the streamed refusal pieces (null when none arrived or not streaming).
    private static async Task<(ChatTurn Turn, string Text, string? Refusal)> RunTurn(ChatSession session, string text, bool streaming)
    {
        if (!streaming)
        {
            return (await session.SendAsync(text), string.Empty, null);
        }

        var shownText = new StringBuilder();
        StringBuilder? shownRefusal = null;
        await foreach (var update in session.StreamAsync(text))
        {
            shownText.Append(update.Text);
            if (ModelRefusal.Read(update) is { } piece)
            {
                (shownRefusal ??= new StringBuilder()).Append(piece);
            }
        }

        return (session.LastTurn!, shownText.ToString(), shownRefusal?.ToString());
    }
}
