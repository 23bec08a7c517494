using Microsoft.Extensions.AI;
using Parley.TestServer;

namespace Parley.Tests;

/// <summary><see cref="ChatSessionOptions.MaxCostUsd"/>: the budget is checked before each request is sent.</summary>
public class ChatSessionCostBudgetTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Turn_CouldCostMoreThanTheBudget_IsRefusedAndNothingIsSent(bool streaming)
    {
        await using var server = await LoopbackServer.StartAsync();
        // No --max-tokens: the worst case uses gpt-4o-mini's 16,384-token maximum output (about $0.0098).
        var session = new ChatSession(ServerClients.Create(server), new ChatSessionOptions { Model = "gpt-4o-mini", SystemPrompt = "sys", MaxCostUsd = 0.005m });

        var e = await Assert.ThrowsAsync<CostBudgetExceededException>(() => RunTurn(session, "hello", streaming));

        Assert.Empty(server.Requests);
        Assert.Single(session.History); // only the system message
        Assert.Empty(session.Turns);
        Assert.True(e.WorstCaseUsd > 0.009m);
        Assert.Equal(0m, e.SpentUsd);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task SecondTurn_AfterTheFirstSpentTheBudget_IsRefused(bool streaming)
    {
        await using var server = await LoopbackServer.StartAsync();
        // 100,000 × $0.15/M + 1,000 × $0.60/M = $0.0156.
        server.Enqueue(ScriptedResponse.Text("first", promptTokens: 100_000, completionTokens: 1_000));
        var session = new ChatSession(ServerClients.Create(server), new ChatSessionOptions
        {
            Model = "gpt-4o-mini",
            MaxCostUsd = 0.015m,
            ChatOptions = new ChatOptions { MaxOutputTokens = 100 },
        });

        await RunTurn(session, "one", streaming);
        var e = await Assert.ThrowsAsync<CostBudgetExceededException>(() => RunTurn(session, "two", streaming));

        Assert.Single(server.Requests);
        Assert.Equal(0.0156m, e.SpentUsd);
        Assert.Contains("$0.0156 spent", e.Message);
    }

    [Fact]
    public async Task ResumedConversation_SavedCostCountsAgainstTheBudget()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("first", promptTokens: 100_000, completionTokens: 1_000));
        await using var store = await SqliteConversationStore.OpenInMemoryAsync();
        var first = new ChatSession(ServerClients.Create(server), new ChatSessionOptions { Model = "gpt-4o-mini", Store = store });
        await first.SendAsync("one");

        var resumed = await ChatSession.ResumeAsync(ServerClients.Create(server), store, first.ConversationId!, new ChatSessionOptions
        {
            MaxCostUsd = 0.01m,
            ChatOptions = new ChatOptions { MaxOutputTokens = 10 },
        });
        var e = await Assert.ThrowsAsync<CostBudgetExceededException>(() => resumed.SendAsync("two"));

        Assert.Single(server.Requests);
        Assert.Equal(0.0156m, e.SpentUsd);
    }

    [Fact]
    public async Task UnknownModel_WithBudget_IsRefusedAsUnenforceable()
    {
        await using var server = await LoopbackServer.StartAsync();
        var session = new ChatSession(ServerClients.Create(server), new ChatSessionOptions { Model = "my-vllm-model", MaxCostUsd = 1m });

        var e = await Assert.ThrowsAsync<CostBudgetExceededException>(() => session.SendAsync("hello"));

        Assert.True(e.IsUnenforceable);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Budget_Enough_TurnIsSent()
    {
        await using var server = await LoopbackServer.StartAsync();
        var session = new ChatSession(ServerClients.Create(server), new ChatSessionOptions { Model = "gpt-4o-mini", MaxCostUsd = 0.05m });

        var turn = await session.SendAsync("hello");

        Assert.Equal("Echo: hello", turn.Text);
        Assert.Equal(0.05m, session.MaxCostUsd);
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
