using Microsoft.Extensions.AI;
using Parley.Tests.Resilience;
using static Parley.Tests.Context.ContextHistories;

namespace Parley.Tests.Context;

/// <summary>
/// A turn whose prompt is far below the window is settled by its size: nothing is tokenized (so a process that sends
/// only such prompts never loads a vocabulary), yet every count that is read is the exact one.
/// </summary>
public class TokenizerDemandTests
{
    public static TheoryData<string> Policies => new() { "keep-all", "budget", "summarize", "last:4" };

    [Theory]
    [MemberData(nameof(Policies))]
    public async Task ShortTurn_TokenizesNothing(string policy)
    {
        var counter = new TokenCounter();
        var session = new ChatSession(new FakeChatClient(), new ChatSessionOptions
        {
            Model = "gpt-4o-mini",
            SystemPrompt = "You are a helpful assistant.",
            TokenCounter = counter,
            Context = Policy(policy),
        });

        await session.SendAsync("hello there");
        await foreach (var _ in session.StreamAsync("and again"))
        {
        }

        Assert.Equal(2, session.Turns.Count);
        Assert.Equal(0, counter.MessageTokenizations);
    }

    [Fact]
    public async Task ShortTurn_ReportCountedWhenRead_IsTheExactCount()
    {
        var counter = new TokenCounter();
        var client = new FakeChatClient();
        var session = new ChatSession(client, new ChatSessionOptions { Model = "gpt-4o-mini", SystemPrompt = "Be brief.", TokenCounter = counter });

        var turn = await session.SendAsync("What is the capital of France?");

        Assert.Equal(0, counter.MessageTokenizations);
        var sent = client.ReceivedMessages.Single().ToList();
        Assert.Equal(Counter.CountPrompt(sent, Model).Value, turn.Context!.PromptTokens);
        Assert.False(turn.Context.PromptTokensEstimated);
        Assert.Equal(2, counter.MessageTokenizations);
    }

    [Fact]
    public async Task EstimatedModel_ReportKeepsTheRatioOfItsTurn()
    {
        var counter = new TokenCounter();
        var llama = ModelCatalog.BuiltIn.Find("llama3.2")!;
        var session = new ChatSession(new FakeChatClient(), new ChatSessionOptions { Model = "llama3.2", TokenCounter = counter });
        var turn = await session.SendAsync("Tell me about the sea.");
        var sent = turn.Context!.MessagesSent;
        var atTurnTime = counter.CountPrompt([session.History[0]], llama);

        // A server reporting twice the estimate moves the ratio from 1 to 2 after the turn.
        counter.Calibrate(llama, [session.History[0]], null, atTurnTime.Value * 2);

        Assert.Equal(1, sent);
        Assert.Equal(atTurnTime, new TokenCount(turn.Context.PromptTokens, turn.Context.PromptTokensEstimated));
        Assert.True(counter.CountPrompt([session.History[0]], llama).Value > atTurnTime.Value);
    }

    [Fact]
    public void Budget_HistoryLargerThanTheWindow_StillTrimsExactly()
    {
        var messages = Conversation(turns: 40, words: 60);
        var budget = Budget(window: 2000, reserve: 500);

        var start = TokenBudgetPolicy.Fit([messages[0]], messages.Skip(1).ToList(), budget);

        Assert.True(start > 0);
        Assert.True(PromptTokens(HistoryShape.Compose([messages[0]], null, messages.Skip(1).ToList(), start)) <= 1500);
        Assert.True(PromptTokens(HistoryShape.Compose([messages[0]], null, messages.Skip(1).ToList(), start - 2)) > 1500);
    }

    [Fact]
    public void UpperBound_ModelThatPrimesWithMore_RaisesTheBound()
    {
        List<ChatMessage> prompt = [User("hi")];
        var gptOss = ModelCatalog.BuiltIn.Find("gpt-oss")!;

        Assert.Equal(PromptPreflight.UpperBound(prompt) + 60, PromptPreflight.UpperBound(prompt, gptOss));
        Assert.True(PromptPreflight.UpperBound(prompt, gptOss) >= Counter.CountPrompt(prompt, gptOss).Value);
        Assert.Equal(PromptPreflight.UpperBound(prompt), PromptPreflight.UpperBound(prompt, Model));
    }

    private static ContextPolicy Policy(string name) => name switch
    {
        "keep-all" => ContextPolicy.KeepAll(),
        "budget" => ContextPolicy.TokenBudget(),
        "summarize" => ContextPolicy.Summarize(new FakeSummarizer()),
        _ => ContextPolicy.LastMessages(4),
    };
}
