using Microsoft.Extensions.AI;
using Parley.TestServer;

namespace Parley.Tests;

/// <summary>A session reads its options once: one options object can start many sessions, and it is never changed.</summary>
public class ChatSessionOptionsTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Constructor_OneOptionsForTwoSessionsWithAStore_KeepsTwoSeparateConversations(bool streaming)
    {
        await using var server = await LoopbackServer.StartAsync();
        using var folder = new TempDirectory();
        await using var store = await SqliteConversationStore.OpenAsync(folder.File("parley.db"));
        var options = new ChatSessionOptions
        {
            Model = "gpt-4o-mini",
            SystemPrompt = "sys",
            InitialMessages = [new ChatMessage(ChatRole.User, "example question"), new ChatMessage(ChatRole.Assistant, "example answer")],
            Store = store,
        };
        var before = Snapshot(options);

        var first = new ChatSession(ServerClients.Create(server), options);
        await RunTurn(first, "first question", streaming);
        var second = new ChatSession(ServerClients.Create(server), options);
        await RunTurn(second, "second question", streaming);

        Assert.NotNull(first.ConversationId);
        Assert.NotNull(second.ConversationId);
        Assert.NotEqual(first.ConversationId, second.ConversationId);
        Assert.Equal(
            [("system", "sys"), ("user", "example question"), ("assistant", "example answer"), ("user", "second question")],
            server.Requests[1].Messages);
        Assert.Equal(
            ["example question", "example answer", "first question", "Echo: first question"],
            (await store.LoadAsync(first.ConversationId!)).Messages.Select(m => m.Message.Text));
        Assert.Equal(
            ["example question", "example answer", "second question", "Echo: second question"],
            (await store.LoadAsync(second.ConversationId!)).Messages.Select(m => m.Message.Text));
        Assert.Equal(before, Snapshot(options));
        Assert.Equal(2, options.InitialMessages.Count);
    }

    [Fact]
    public async Task ResumeAsync_GivenOptions_LeavesThemUnchanged()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var folder = new TempDirectory();
        await using var store = await SqliteConversationStore.OpenAsync(folder.File("parley.db"));
        var started = new ChatSession(ServerClients.Create(server), new ChatSessionOptions { Model = "gpt-4o-mini", SystemPrompt = "sys", Store = store });
        await started.SendAsync("first question");
        var options = new ChatSessionOptions { Memory = true };
        var before = Snapshot(options);

        var resumed = await ChatSession.ResumeAsync(ServerClients.Create(server), store, started.ConversationId!, options);
        await resumed.SendAsync("second question");

        Assert.Equal(before, Snapshot(options));
        Assert.Empty(options.InitialMessages);
        Assert.Equal("gpt-4o-mini", resumed.Model);
        Assert.Equal(
            [("system", "sys"), ("user", "first question"), ("assistant", "Echo: first question"), ("user", "second question")],
            server.Requests[1].Messages);
        Assert.Equal(started.ConversationId, resumed.ConversationId);
    }

    // Every public property of the options, by reference for objects: a session that writes any of them changes this.
    private static string Snapshot(ChatSessionOptions options) => string.Join(
        "\n",
        typeof(ChatSessionOptions).GetProperties().OrderBy(p => p.Name).Select(p => p.GetValue(options) switch
        {
            null => $"{p.Name}=null",
            string or bool or int or decimal => $"{p.Name}={p.GetValue(options)}",
            var value => $"{p.Name}=#{System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(value)}",
        }));

    private static async Task RunTurn(ChatSession session, string text, bool streaming)
    {
        if (!streaming)
        {
            await session.SendAsync(text);
            return;
        }

        await foreach (var _ in session.StreamAsync(text))
        {
        }
    }
}
