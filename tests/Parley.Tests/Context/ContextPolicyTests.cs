using Microsoft.Extensions.AI;
using static Parley.Tests.Context.ContextHistories;

namespace Parley.Tests.Context;

public class ContextPolicyTests
{
    [Fact]
    public async Task KeepAll_LongHistory_SendsEverything()
    {
        var messages = Conversation(20);

        var result = await ContextPolicy.KeepAll().ApplyAsync(new ContextRequest { Messages = messages, Budget = Budget(500, 100) });

        Assert.Equal(messages, result.Messages);
        Assert.Equal(0, result.Dropped);
    }

    [Fact]
    public async Task LastMessages_LongHistory_SendsSystemAndLastN()
    {
        var messages = Conversation(5);

        var result = await ContextPolicy.LastMessages(3).ApplyAsync(new ContextRequest { Messages = messages });

        Assert.Equal([messages[0], .. messages[^3..]], result.Messages);
        Assert.Equal(8, result.Dropped);
    }

    [Fact]
    public async Task LastMessages_CutOnAnAnswer_StartsWithTheNextQuestion()
    {
        ChatMessage[] messages = [Sys(), User("q1"), Assistant("a1"), User("q2"), Assistant("a2"), User("q3")];

        var result = await ContextPolicy.LastMessages(4).ApplyAsync(new ContextRequest { Messages = messages });

        Assert.Equal([messages[0], messages[3], messages[4], messages[5]], result.Messages);
        Assert.Equal(2, result.Dropped);
    }

    [Fact]
    public async Task LastMessages_CutBetweenCallAndResult_DropsThemTogether()
    {
        ChatMessage[] messages = [Sys(), User("weather?"), Call("c1"), Result("c1"), Assistant("It is sunny."), User("q2"), Assistant("a2"), User("q3")];

        var result = await ContextPolicy.LastMessages(5).ApplyAsync(new ContextRequest { Messages = messages });

        Assert.Equal([messages[0], messages[5], messages[6], messages[7]], result.Messages);
        Assert.DoesNotContain(result.Messages, m => m.Contents.Any(c => c is FunctionResultContent));
    }

    [Fact]
    public async Task LastMessages_NewestTurnLongerThanN_KeepsTheWholeNewestTurn()
    {
        ChatMessage[] messages = [Sys(), User("q1"), Assistant("a1"), User("weather?"), Call("c1"), Result("c1")];

        var result = await ContextPolicy.LastMessages(1).ApplyAsync(new ContextRequest { Messages = messages });

        Assert.Equal([messages[0], messages[3], messages[4], messages[5]], result.Messages);
    }

    [Fact]
    public void LastMessages_ZeroCount_ThrowsWithParameterName()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ContextPolicy.LastMessages(0));
        Assert.Equal("count", error.ParamName);
    }

    [Fact]
    public async Task TokenBudget_LongHistory_FitsWindowMinusReserveWithSystemFirstAndQuestionLast()
    {
        var messages = Conversation(40);
        var budget = Budget(1000, 250);

        var result = await ContextPolicy.TokenBudget().ApplyAsync(new ContextRequest { Messages = messages, Budget = budget });

        Assert.True(PromptTokens(result.Messages) <= 750, $"{PromptTokens(result.Messages)} tokens");
        Assert.Same(messages[0], result.Messages[0]);
        Assert.Same(messages[^1], result.Messages[^1]);
        Assert.Equal(ChatRole.User, result.Messages[1].Role);
        Assert.Equal(messages.Count - result.Messages.Count, result.Dropped);

        // Greedy: one more turn would not have fit.
        var kept = result.Messages.Count - 1;
        List<ChatMessage> oneMore = [messages[0], .. messages[^(kept + 2)..]];
        Assert.True(PromptTokens(oneMore) > 750);
    }

    [Theory]
    [InlineData(0, 0)] // the window fits the prompt exactly: everything is sent
    [InlineData(-1, 2)] // one token short: the oldest turn goes
    public async Task TokenBudget_HistoryOverItsByteBoundNearTheLimit_KeepsWhatTheExactCountAllows(int slack, int dropped)
    {
        // Long words make the byte bound (every token at least a byte) far larger than the count: only counting settles it.
        var messages = Conversation(30, words: 20);
        var tokens = PromptTokens(messages);
        var budget = Budget(tokens + 100 + slack, 100);
        Assert.False(budget.FitsByBound(messages, budget.PromptBudget));

        var result = await ContextPolicy.TokenBudget().ApplyAsync(new ContextRequest { Messages = messages, Budget = budget });

        Assert.Equal(dropped, result.Dropped);
        Assert.Equal(messages.Count - dropped, result.Messages.Count);
        Assert.True(PromptTokens(result.Messages) <= budget.PromptBudget);
    }

    [Fact]
    public async Task TokenBudget_NoBudget_SendsEverything()
    {
        var messages = Conversation(40);

        var result = await ContextPolicy.TokenBudget().ApplyAsync(new ContextRequest { Messages = messages });

        Assert.Equal(messages, result.Messages);
    }

    [Fact]
    public async Task TokenBudget_ToolCallWithLargeResult_IsKeptOrDroppedWhole()
    {
        List<ChatMessage> messages =
        [
            Sys(), User("weather?"), Call("c1"), Result("c1", Words(300, "cloud")), Assistant("It is sunny."),
            User("q2 " + Words(100)), Assistant("a2 " + Words(100)), User("q3"),
        ];

        // Room for the last turns and the final answer of the tool turn, but not for its result.
        var budget = Budget(PromptTokens([messages[0], .. messages[4..]]) + 40 + 100, 100);
        var result = await ContextPolicy.TokenBudget().ApplyAsync(new ContextRequest { Messages = messages, Budget = budget });

        Assert.Equal([messages[0], messages[5], messages[6], messages[7]], result.Messages);
        Assert.Equal(4, result.Dropped);
    }

    [Fact]
    public async Task TokenBudget_LongQuestionShortAnswer_NeverStartsWithTheAnswer()
    {
        List<ChatMessage> messages = [Sys(), User("q1 " + Words(400)), Assistant("short answer"), User("q2")];
        var budget = Budget(PromptTokens([messages[0], messages[2], messages[3]]) + 10 + 100, 100);

        var result = await ContextPolicy.TokenBudget().ApplyAsync(new ContextRequest { Messages = messages, Budget = budget });

        Assert.Equal([messages[0], messages[3]], result.Messages);
        Assert.Equal(2, result.Dropped);
    }

    [Fact]
    public async Task TokenBudget_HugeSingleMessage_IsKeptAndRefusedByThePreflight()
    {
        List<ChatMessage> messages = [Sys(), User("q1"), Assistant("a1"), User(Words(5000))];
        var budget = Budget(2000, 500);

        var result = await ContextPolicy.TokenBudget().ApplyAsync(new ContextRequest { Messages = messages, Budget = budget });

        Assert.Equal([messages[0], messages[3]], result.Messages);
        var error = Assert.Throws<ContextWindowExceededException>(
            () => new PromptPreflight(Counter).Check(result.Messages, budget.Model, budget.ContextWindow, budget.ReservedOutput));
        Assert.True(error.PromptTokens > 5000);
    }

    [Fact]
    public void Preflight_ToolCallWithHugeArguments_IsCountedNotBoundedByItsEmptyText()
    {
        var call = new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("c1", "save", new Dictionary<string, object?> { ["text"] = Words(3000) })]);
        List<ChatMessage> messages = [Sys(), User("save this"), call, Result("c1", "saved")];

        Assert.Equal(long.MaxValue, PromptPreflight.UpperBound(messages));
        Assert.Throws<ContextWindowExceededException>(() => new PromptPreflight(Counter).Check(messages, Model, 2000, 500));
    }

    [Fact]
    public async Task ReduceAsync_AsPlainChatReducer_UsesItsBudget()
    {
        IChatReducer reducer = new TokenBudgetPolicy { Budget = Budget(600, 100) };

        var reduced = (await reducer.ReduceAsync(Conversation(30), CancellationToken.None)).ToList();

        Assert.True(PromptTokens(reduced) <= 500);
        Assert.Equal("the newest question", reduced[^1].Text);
    }

    [Fact]
    public async Task ApplyAsync_NullRequest_ThrowsWithParameterName()
    {
        var error = await Assert.ThrowsAsync<ArgumentNullException>(() => ContextPolicy.TokenBudget().ApplyAsync(null!));
        Assert.Equal("request", error.ParamName);
    }

    [Fact]
    public void Budget_For_NullModelOrCounter_ThrowsWithParameterName()
    {
        Assert.Equal("model", Assert.Throws<ArgumentNullException>(() => ContextBudget.For(null!, Counter)).ParamName);
        Assert.Equal("counter", Assert.Throws<ArgumentNullException>(() => ContextBudget.For(Model, null!)).ParamName);
    }

    [Fact]
    public void Budget_For_DefaultReserve_IsTheSmallerOfMaxOutputAndAQuarter()
    {
        var budget = ContextBudget.For(Model, Counter, contextWindow: 2000)!;

        Assert.Equal(500, budget.ReservedOutput);
        Assert.Equal(1500, budget.PromptBudget);
        Assert.True(budget.IsLearnedWindow);
        Assert.Equal(16384, ContextBudget.For(Model, Counter)!.ReservedOutput);
    }

    [Theory]
    [InlineData("75%", null, 0.75)]
    [InlineData("3000", 3000, null)]
    [InlineData("3,000", 3000, null)]
    [InlineData(" 50% ", null, 0.5)]
    public void ContextThreshold_TryParse_ValidText(string text, int? tokens, double? fraction)
    {
        Assert.True(ContextThreshold.TryParse(text, out var threshold));
        Assert.Equal(tokens, threshold!.Tokens);
        Assert.Equal(fraction, threshold.Fraction);
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("0")]
    [InlineData("150%")]
    [InlineData("-5")]
    public void ContextThreshold_TryParse_InvalidText_False(string text)
    {
        Assert.False(ContextThreshold.TryParse(text, out _));
    }

    [Fact]
    public void ContextThreshold_Resolve_ShareOfTheWindow()
    {
        Assert.Equal(1500, ContextThreshold.Default.Resolve(2000));
        Assert.Equal(700, ContextThreshold.OfTokens(700).Resolve(2000));
        Assert.Equal("75%", ContextThreshold.Default.ToString());
        Assert.Equal("fraction", Assert.Throws<ArgumentOutOfRangeException>(() => ContextThreshold.OfWindow(1.5)).ParamName);
    }
}
