using Microsoft.Extensions.AI;
using static Parley.Tests.Context.ContextHistories;

namespace Parley.Tests.Context;

public class SummarizingContextPolicyTests
{
    [Fact]
    public async Task Apply_BelowThreshold_MakesNoCallAndSendsEverything()
    {
        var summarizer = new FakeSummarizer();
        var messages = Conversation(3);

        var result = await ContextPolicy.Summarize(summarizer).ApplyAsync(new ContextRequest { Messages = messages, Budget = Budget(4000, 500) });

        Assert.Equal(0, summarizer.Calls);
        Assert.Equal(messages, result.Messages);
        Assert.Null(result.Summary);
    }

    [Fact]
    public async Task Apply_PastThreshold_FoldsTheOldestTurnsAndKeepsSystemAndLastTurns()
    {
        var summarizer = new FakeSummarizer();
        var messages = Conversation(20);
        var policy = (SummarizingPolicy)ContextPolicy.Summarize(summarizer, new SummarizingPolicyOptions { KeepLastTurns = 2, SummaryModel = "cheap-model", SummaryInputLimit = 10_000 });

        var result = await policy.ApplyAsync(new ContextRequest { Messages = messages, Budget = Budget(2000, 500) });

        Assert.Equal(1, summarizer.Calls);
        Assert.Equal(
            [messages[0].Text, SummarizingPolicy.SummaryPrefix + "summary 1", .. messages[^5..].Select(m => m.Text)],
            result.Messages.Select(m => m.Text));
        Assert.Equal(ChatRole.System, result.Messages[1].Role);
        Assert.Same(result.SummaryMessage, result.Messages[1]);
        Assert.Equal(36, result.Summarized);
        Assert.Equal(0, result.Dropped);
        Assert.Same(messages[36], result.Summary!.Through);
        Assert.Equal("summary 1", result.Summary.Text);

        // The summarizer saw the folded turns, not the kept ones nor the system message.
        var input = summarizer.Input(0);
        Assert.Contains("question 0 ", input);
        Assert.Contains("answer 17 ", input);
        Assert.DoesNotContain("question 18 ", input);
        Assert.DoesNotContain("helpful assistant", input);
        Assert.Equal("cheap-model", summarizer.Options[0]!.ModelId);
        Assert.Equal(policy.MaxSummaryTokensFor(Budget(2000, 500)), summarizer.Options[0]!.MaxOutputTokens);

        var call = Assert.Single(result.SummaryCalls);
        Assert.Equal(TurnStatus.Complete, call.Status);
        Assert.Equal(100, call.Usage!.InputTokenCount);
        Assert.Equal("cheap-model", call.Model);
        Assert.Equal(36, call.MessagesSummarized);
    }

    [Fact]
    public async Task Apply_ExistingSummary_IsFoldedIntoTheNextOne()
    {
        var summarizer = new FakeSummarizer();
        var messages = Conversation(30);
        var earlier = new RunningSummary("the user likes apples", messages[10]);
        var policy = (SummarizingPolicy)ContextPolicy.Summarize(summarizer, new SummarizingPolicyOptions { KeepLastTurns = 2 });

        var result = await policy.ApplyAsync(new ContextRequest { Messages = messages, Budget = Budget(2000, 500), Summary = earlier });

        Assert.Contains("the user likes apples", summarizer.Input(0));
        Assert.DoesNotContain("question 0 ", summarizer.Input(0));
        Assert.Contains("question 5 ", summarizer.Input(0));
        Assert.Equal(56, result.Summarized);
        Assert.Same(messages[56], result.Summary!.Through);
    }

    [Fact]
    public async Task Apply_SummaryBelowThreshold_IsSentWithoutANewCall()
    {
        var summarizer = new FakeSummarizer();
        var messages = Conversation(6);
        var earlier = new RunningSummary("facts so far", messages[6]);

        var result = await ContextPolicy.Summarize(summarizer).ApplyAsync(new ContextRequest { Messages = messages, Budget = Budget(4000, 500), Summary = earlier });

        Assert.Equal(0, summarizer.Calls);
        Assert.Equal(SummarizingPolicy.SummaryPrefix + "facts so far", result.Messages[1].Text);
        Assert.Same(messages[7], result.Messages[2]);
        Assert.Equal(6, result.Summarized);
        Assert.Same(earlier, result.Summary);
    }

    [Fact]
    public async Task Apply_StaleSummary_IsIgnored()
    {
        var summarizer = new FakeSummarizer();
        var messages = Conversation(2);
        var stale = new RunningSummary("from another conversation", User("gone"));

        var result = await ContextPolicy.Summarize(summarizer).ApplyAsync(new ContextRequest { Messages = messages, Budget = Budget(4000, 500), Summary = stale });

        Assert.Equal(messages, result.Messages);
        Assert.Null(result.Summary);
    }

    [Fact]
    public async Task Apply_SummarizerFails_FallsBackToBudgetWithAWarning()
    {
        var summarizer = new FakeSummarizer { Answer = (_, _) => throw new ParleyApiException(ApiFailureKind.HttpError, "server error (500)", 500) };
        var messages = Conversation(30);
        var budget = Budget(1500, 300);

        var result = await ContextPolicy.Summarize(summarizer).ApplyAsync(new ContextRequest { Messages = messages, Budget = budget });

        Assert.Null(result.Summary);
        Assert.Contains("summary call failed", Assert.Single(result.Warnings));
        Assert.Equal(TurnStatus.Failed, Assert.Single(result.SummaryCalls).Status);
        Assert.True(PromptTokens(result.Messages) <= budget.PromptBudget);
        Assert.True(result.Dropped > 0);
        Assert.Same(messages[^1], result.Messages[^1]);
        Assert.Equal(ChatRole.User, result.Messages[1].Role);
    }

    [Fact]
    public async Task Apply_EmptySummary_CountsAsAFailure()
    {
        var summarizer = new FakeSummarizer { Answer = (_, _) => new ChatResponse(new ChatMessage(ChatRole.Assistant, "  ")) };

        var result = await ContextPolicy.Summarize(summarizer).ApplyAsync(new ContextRequest { Messages = Conversation(30), Budget = Budget(1500, 300) });

        Assert.Null(result.Summary);
        Assert.Contains("empty", Assert.Single(result.Warnings));
    }

    [Fact]
    public async Task Apply_Preview_MakesNoCallAndReportsTheSummaryDue()
    {
        var summarizer = new FakeSummarizer();

        var result = await ContextPolicy.Summarize(summarizer).ApplyAsync(new ContextRequest { Messages = Conversation(30), Budget = Budget(2000, 500), AllowSummaryCalls = false });

        Assert.Equal(0, summarizer.Calls);
        Assert.True(result.SummaryDue);
        Assert.True(PromptTokens(result.Messages) <= 1500);
    }

    [Fact]
    public async Task Apply_SmallSummaryInputLimit_FoldsOverSeveralCalls()
    {
        var summarizer = new FakeSummarizer();
        var policy = (SummarizingPolicy)ContextPolicy.Summarize(summarizer, new SummarizingPolicyOptions { KeepLastTurns = 1, SummaryInputLimit = 400 });

        var result = await policy.ApplyAsync(new ContextRequest { Messages = Conversation(30, words: 40), Budget = Budget(3000, 500) });

        Assert.True(summarizer.Calls > 2, $"{summarizer.Calls} calls");
        Assert.Equal(summarizer.Calls, result.SummaryCalls.Count);
        Assert.Contains($"summary {summarizer.Calls - 1}", summarizer.Input(summarizer.Calls - 1));
        Assert.Equal($"summary {summarizer.Calls}", result.Summary!.Text);
        Assert.Equal(58, result.Summarized);
        Assert.All(summarizer.Prompts, p => Assert.True(PromptTokens(p) <= 400 + 20, $"{PromptTokens(p)} tokens"));
    }

    [Fact]
    public async Task Apply_ToolCallsInFoldedTurns_AreSummarizedWithTheirResults()
    {
        var summarizer = new FakeSummarizer();
        List<ChatMessage> messages = [Sys(), User("weather in Paris?"), Call("c1"), Result("c1", "rainy"), Assistant("It rains."), .. Conversation(12).Skip(1)];

        var result = await ContextPolicy.Summarize(summarizer, new SummarizingPolicyOptions { KeepLastTurns = 1 })
            .ApplyAsync(new ContextRequest { Messages = messages, Budget = Budget(1200, 300) });

        var input = summarizer.Input(0);
        Assert.Contains("[calls get_weather(", input);
        Assert.Contains("[result: rainy]", input);
        Assert.DoesNotContain(result.Messages, m => m.Contents.Any(c => c is FunctionCallContent or FunctionResultContent));
    }

    [Fact]
    public async Task Apply_QuestionThatCannotFit_MakesNoSummaryCall()
    {
        var summarizer = new FakeSummarizer();
        List<ChatMessage> messages = [.. Conversation(20).SkipLast(1), User(Words(3000))];

        var result = await ContextPolicy.Summarize(summarizer).ApplyAsync(new ContextRequest { Messages = messages, Budget = Budget(2000, 500) });

        Assert.Equal(0, summarizer.Calls);
        Assert.Same(messages[^1], result.Messages[^1]);
    }

    [Fact]
    public async Task Apply_LongSummary_IsCutToTheMaximum()
    {
        var summarizer = new FakeSummarizer { Answer = (_, _) => new ChatResponse(new ChatMessage(ChatRole.Assistant, Words(2000))) };
        var policy = (SummarizingPolicy)ContextPolicy.Summarize(summarizer, new SummarizingPolicyOptions { MaxSummaryTokens = 100 });

        var result = await policy.ApplyAsync(new ContextRequest { Messages = Conversation(30), Budget = Budget(2000, 500) });

        Assert.InRange(Counter.CountText(result.Summary!.Text, Model).Value, 90, 100);
    }

    [Fact]
    public async Task ReduceAsync_AsPlainChatReducer_KeepsItsRunningSummary()
    {
        var summarizer = new FakeSummarizer();
        var policy = (SummarizingPolicy)ContextPolicy.Summarize(summarizer, new SummarizingPolicyOptions { SummaryInputLimit = 10_000 });
        policy.Budget = Budget(2000, 500);
        var messages = Conversation(20);

        await policy.ReduceAsync(messages, CancellationToken.None);
        messages.Add(Assistant("an answer"));
        messages.Add(User("one more question"));
        var second = (await policy.ReduceAsync(messages, CancellationToken.None)).ToList();

        Assert.Equal(1, summarizer.Calls);
        Assert.Equal(SummarizingPolicy.SummaryPrefix + "summary 1", second[1].Text);
        Assert.NotNull(policy.Summary);
    }

    [Fact]
    public void Summarize_NullSummarizer_ThrowsWithParameterName()
    {
        Assert.Equal("summarizer", Assert.Throws<ArgumentNullException>(() => ContextPolicy.Summarize(null!)).ParamName);
    }

    [Fact]
    public void Summarize_NegativeKeepLastTurns_ThrowsWithParameterName()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ContextPolicy.Summarize(new FakeSummarizer(), new SummarizingPolicyOptions { KeepLastTurns = -1 }));
        Assert.Equal("options", error.ParamName);
    }

    [Fact]
    public void Summarize_Options_AreCopied()
    {
        var options = new SummarizingPolicyOptions { KeepLastTurns = 2 };
        var policy = (SummarizingPolicy)ContextPolicy.Summarize(new FakeSummarizer(), options);

        options.KeepLastTurns = 9;

        Assert.Equal(2, policy.Options.KeepLastTurns);
    }
}
