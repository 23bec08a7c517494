using Parley.TestServer;

namespace Parley.Cli.Tests;

/// <summary>Saved conversations continue with full memory: <c>-c</c>, <c>--cid</c>, <c>/reset</c>, and <c>--no-log</c> saves nothing.</summary>
public class PersistenceContinueTests
{
    [Fact]
    public async Task Persistence_ContinueLatest_SendsTheEarlierTurns()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        await parley.RunAsync("", "-s", "sys", "old conversation");
        await parley.RunAsync("", "What is artificial intelligence?");

        var r = await parley.RunAsync("", "-c", "Can you elaborate more on that?");
        var chat = await parley.RunAsync("And once more?\n", "chat", "-c");

        Assert.Equal(0, r.ExitCode);
        Assert.Equal(
            [("user", "What is artificial intelligence?"), ("assistant", "Echo: What is artificial intelligence?"), ("user", "Can you elaborate more on that?")],
            server.Requests[2].Messages);
        Assert.Equal(0, chat.ExitCode);
        Assert.Equal(5, server.Requests[3].Messages.Count);
        var conversations = await ParleyDatabase.ListAsync(parley);
        Assert.Equal([3, 1], conversations.Select(c => c.TurnCount));
    }

    [Fact]
    public async Task Persistence_CidPrefix_ContinuesThatConversationWithItsSystemPrompt()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        await parley.RunAsync("", "-s", "You are a pirate.", "alpha");
        await parley.RunAsync("", "beta");
        var alpha = (await ParleyDatabase.ListAsync(parley)).Single(c => c.Title == "alpha").Id;

        var r = await parley.RunAsync("", "--cid", alpha[..14], "again");

        Assert.Equal(0, r.ExitCode);
        Assert.Equal(
            [("system", "You are a pirate."), ("user", "alpha"), ("assistant", "Echo: alpha"), ("user", "again")],
            server.Requests[2].Messages);
        Assert.Equal(2, (await ParleyDatabase.LoadAsync(parley, alpha)).Turns.Count);
    }

    [Fact]
    public async Task Persistence_CidAmbiguousPrefix_Exit2ListsCandidatesAndSendsNothing()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        await ParleyDatabase.AddConversationAsync(parley, "first", "ok");
        await ParleyDatabase.AddConversationAsync(parley, "second", "ok");
        var ids = (await ParleyDatabase.ListAsync(parley)).Select(c => c.Id).ToArray();
        Assert.True(ids[0].AsSpan().CommonPrefixLength(ids[1]) >= 4, "UUID v7 ids made seconds apart share their first characters");

        var r = await parley.RunAsync("", "--cid", ids[0][..4], "hello");
        var unknown = await parley.RunAsync("", "--cid", "ffffffff", "hello");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("matches several conversations", r.Stderr);
        Assert.Contains($"{ids[0]}  second", r.Stderr);
        Assert.Contains($"{ids[1]}  first", r.Stderr);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Persistence_ContinueWithNothingSaved_Exit2()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync("", "-c", "hello");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("there is no saved conversation to continue", r.Stderr);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Persistence_NoLog_SavesNothing()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var oneShot = await parley.RunAsync("", "--no-log", "secret question");
        var chat = await parley.RunAsync("one\ntwo\n", "chat", "--no-log");

        Assert.Equal(0, oneShot.ExitCode);
        Assert.Equal(0, chat.ExitCode);
        Assert.Equal(3, server.Requests.Count);
        Assert.False(File.Exists(ParleyDatabase.PathOf(parley)), "--no-log must not even create the database");
        var history = await parley.RunAsync("", "history", "--json");
        Assert.Equal("[]\n", history.Stdout);
    }

    [Fact]
    public async Task Persistence_ResetInSavedRepl_StartsANewConversationAndKeepsTheOld()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync("before reset\n/reset\nafter reset\n", "chat", "-s", "sys");

        Assert.Equal(0, r.ExitCode);
        var conversations = await ParleyDatabase.ListAsync(parley);
        Assert.Equal(["after reset", "before reset"], conversations.Select(c => c.Title));
        var old = await ParleyDatabase.LoadAsync(parley, conversations[1].Id);
        var fresh = await ParleyDatabase.LoadAsync(parley, conversations[0].Id);
        Assert.Equal(["before reset", "Echo: before reset"], old.Messages.Select(m => m.Message.Text));
        Assert.Equal(["after reset", "Echo: after reset"], fresh.Messages.Select(m => m.Message.Text));
        Assert.Equal("sys", fresh.Conversation.SystemPrompt);
        Assert.Equal([("system", "sys"), ("user", "after reset")], server.Requests[1].Messages);
    }
}
