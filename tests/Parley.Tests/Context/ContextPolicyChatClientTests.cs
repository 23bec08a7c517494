using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Parley.Tests.Resilience;
using static Parley.Tests.Context.ContextHistories;

namespace Parley.Tests.Context;

public class ContextPolicyChatClientTests
{
    private static readonly ModelCatalog SmallCatalog = ModelCatalog.BuiltIn.WithOverrides(JsonDocument.Parse(
        """{"small-model": {"provider": "openai", "encoding": "o200k_base", "context_window": 600, "max_output_tokens": 100}}""").RootElement);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task UseContextPolicy_RequestedModel_FitsItsWindow(bool streaming)
    {
        var inner = new FakeChatClient();
        using var client = inner.AsBuilder().UseContextPolicy(ContextPolicy.TokenBudget(), catalog: SmallCatalog).Build();
        var options = new ChatOptions { ModelId = "small-model" };

        if (streaming)
        {
            await foreach (var _ in client.GetStreamingResponseAsync(Conversation(30), options))
            {
            }
        }
        else
        {
            await client.GetResponseAsync(Conversation(30), options);
        }

        var sent = Assert.Single(inner.ReceivedMessages).ToList();
        Assert.True(PromptTokens(sent) <= 500, $"{PromptTokens(sent)} tokens");
        Assert.Equal(ChatRole.System, sent[0].Role);
        Assert.Equal("the newest question", sent[^1].Text);
    }

    [Fact]
    public async Task UseContextPolicy_UnknownModel_SendsEverything()
    {
        var inner = new FakeChatClient();
        using var client = inner.AsBuilder().UseContextPolicy(ContextPolicy.TokenBudget()).Build();

        await client.GetResponseAsync(Conversation(30), new ChatOptions { ModelId = "no-such-model" });

        Assert.Equal(62, Assert.Single(inner.ReceivedMessages).Count());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task UseContextPolicy_Summarize_ReturnsTheResultWithTheResponseAndLogsTheSummaryCall(bool streaming)
    {
        var inner = new FakeChatClient();
        var summarizer = new FakeSummarizer();
        var log = new RecordingLogger();
        using var client = inner.AsBuilder()
            .UseContextPolicy(ContextPolicy.Summarize(summarizer, new SummarizingPolicyOptions { KeepLastTurns = 1 }), catalog: SmallCatalog, loggerFactory: log)
            .Build();

        var response = streaming
            ? await client.GetStreamingResponseAsync(Conversation(10, words: 20), new ChatOptions { ModelId = "small-model" }).ToChatResponseAsync()
            : await client.GetResponseAsync(Conversation(10, words: 20), new ChatOptions { ModelId = "small-model" });

        var result = Assert.IsType<ContextResult>(response.AdditionalProperties?[ContextResult.ResultKey]);
        Assert.Equal(summarizer.Calls, result.SummaryCalls.Count);
        Assert.Equal(100, result.SummaryCalls[0].Usage!.InputTokenCount);
        Assert.NotNull(result.Summary);
        Assert.StartsWith(SummarizingPolicy.SummaryPrefix, inner.ReceivedMessages[0].ElementAt(1).Text, StringComparison.Ordinal);
        var applied = Assert.Single(log.Events, e => e.EventId.Id == ParleyTelemetry.ContextApplied);
        Assert.Equal(LogLevel.Debug, applied.Level);
        Assert.Equal("summarize", applied["Policy"]);
        Assert.Equal(result.Summarized, applied["MessagesSummarized"]);
        var calls = log.Events.Where(e => e.EventId.Id == ParleyTelemetry.SummaryCallCompleted).ToList();
        Assert.Equal(result.SummaryCalls.Count, calls.Count);
        Assert.Equal(100L, calls[0]["InputTokens"]);
        Assert.All(calls, c => Assert.Equal(true, c["Succeeded"]));
        Assert.Contains("Parley.ContextPolicyChatClient", log.Categories);
        Assert.DoesNotContain(log.Events, e => e.Message.Contains("summary 1", StringComparison.Ordinal) || e.Message.Contains("apple", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UseContextPolicy_Summarize_PricesTheSummaryCallLikeTheSession()
    {
        // The same code path as ChatSession: a summary call's cost comes from the catalog when the summarizer names no price.
        var catalog = SmallCatalog.WithOverrides(JsonDocument.Parse(
            """{"cheap-model": {"provider": "openai", "encoding": "o200k_base", "context_window": 8000, "input_per_million": 1.0, "output_per_million": 2.0}}""").RootElement);
        using var client = new FakeChatClient().AsBuilder()
            .UseContextPolicy(ContextPolicy.Summarize(new FakeSummarizer(), new SummarizingPolicyOptions { KeepLastTurns = 1 }), catalog: catalog)
            .Build();

        var response = await client.GetResponseAsync(Conversation(10, words: 20), new ChatOptions { ModelId = "small-model" });

        var call = ((ContextResult)response.AdditionalProperties![ContextResult.ResultKey]!).SummaryCalls[0];
        Assert.Equal(CostCalculator.Compute(call.Usage!, catalog.Find("cheap-model")), call.CostUsd);
        Assert.NotNull(call.CostUsd);
    }

    [Fact]
    public async Task UseContextPolicy_SameHistoryAsASession_SendsTheSameMessages()
    {
        // One code path: a session and the middleware, each with its own summarizer, send the same requests turn after turn.
        var sessionModel = new FakeChatClient();
        var session = new ChatSession(sessionModel, new ChatSessionOptions
        {
            Model = "small-model",
            SystemPrompt = "You are a helpful assistant.",
            Catalog = SmallCatalog,
            Context = ContextPolicy.Summarize(new FakeSummarizer(), new SummarizingPolicyOptions { KeepLastTurns = 1 }),
        });
        var middlewareModel = new FakeChatClient();
        using var client = middlewareModel.AsBuilder()
            .UseContextPolicy(ContextPolicy.Summarize(new FakeSummarizer(), new SummarizingPolicyOptions { KeepLastTurns = 1 }), catalog: SmallCatalog)
            .Build();

        for (var i = 0; i < 16; i++)
        {
            var question = $"question {i} " + Words(30);
            await client.GetResponseAsync([.. session.History, User(question)], new ChatOptions { ModelId = "small-model" });
            await session.SendAsync(question);
        }

        Assert.Equal(16, middlewareModel.ReceivedMessages.Count);
        Assert.Contains(sessionModel.ReceivedMessages, m => m.Any(x => x.Text.StartsWith(SummarizingPolicy.SummaryPrefix, StringComparison.Ordinal)));
        for (var i = 0; i < 16; i++)
        {
            Assert.Equal(
                sessionModel.ReceivedMessages[i].Select(m => (m.Role, m.Text)),
                middlewareModel.ReceivedMessages[i].Select(m => (m.Role, m.Text)));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task UseContextPolicy_TwoConversations_EachKeepsItsOwnSummary(bool withConversationIds)
    {
        // One middleware serves two conversations in turn: each one's next request reuses its own summary, never the other's.
        var inner = new FakeChatClient();
        var summarizer = new FakeSummarizer
        {
            Answer = (call, prompt) => new ChatResponse(new ChatMessage(ChatRole.Assistant, $"{(prompt[^1].Text.Contains("alpha", StringComparison.Ordinal) ? "alpha" : "beta")} summary {call}")),
        };
        using var client = inner.AsBuilder()
            .UseContextPolicy(ContextPolicy.Summarize(summarizer, new SummarizingPolicyOptions { KeepLastTurns = 1 }), catalog: SmallCatalog)
            .Build();
        var alpha = Topical("alpha");
        var beta = Topical("beta");
        ChatOptions Options(string id) => new() { ModelId = "small-model", ConversationId = withConversationIds ? id : null };

        await client.GetResponseAsync(alpha, Options("a"));
        await client.GetResponseAsync(beta, Options("b"));
        var calls = summarizer.Calls;
        alpha.AddRange([Assistant("ok"), User("one more question")]);
        beta.AddRange([Assistant("ok"), User("one more question")]);
        await client.GetResponseAsync(alpha, Options("a"));
        await client.GetResponseAsync(beta, Options("b"));

        Assert.Equal(calls, summarizer.Calls); // neither conversation had its history summarized twice
        var alphaSummary = inner.ReceivedMessages[0].ElementAt(1).Text;
        var betaSummary = inner.ReceivedMessages[1].ElementAt(1).Text;
        Assert.StartsWith(SummarizingPolicy.SummaryPrefix + "alpha summary", alphaSummary, StringComparison.Ordinal);
        Assert.StartsWith(SummarizingPolicy.SummaryPrefix + "beta summary", betaSummary, StringComparison.Ordinal);
        Assert.Equal(alphaSummary, inner.ReceivedMessages[2].ElementAt(1).Text);
        Assert.Equal(betaSummary, inner.ReceivedMessages[3].ElementAt(1).Text);
    }

    [Fact]
    public async Task UseChatReducer_SummarizingPolicyForTwoConversations_EachKeepsItsOwnSummary()
    {
        // As a plain IChatReducer the policy serves every conversation of the pipeline, like the middleware.
        var inner = new FakeChatClient();
        var summarizer = new FakeSummarizer
        {
            Answer = (call, prompt) => new ChatResponse(new ChatMessage(ChatRole.Assistant, $"{(prompt[^1].Text.Contains("alpha", StringComparison.Ordinal) ? "alpha" : "beta")} summary {call}")),
        };
        var policy = ContextPolicy.Summarize(summarizer, new SummarizingPolicyOptions { KeepLastTurns = 1 });
        policy.Budget = Budget(600, 100);
        using var client = inner.AsBuilder().UseChatReducer(policy).Build();
        var alpha = Topical("alpha");
        var beta = Topical("beta");

        await client.GetResponseAsync(alpha);
        await client.GetResponseAsync(beta);
        var calls = summarizer.Calls;
        alpha.AddRange([Assistant("ok"), User("one more question")]);
        beta.AddRange([Assistant("ok"), User("one more question")]);
        await client.GetResponseAsync(alpha);
        await client.GetResponseAsync(beta);

        Assert.Equal(calls, summarizer.Calls);
        Assert.StartsWith(SummarizingPolicy.SummaryPrefix + "alpha summary", inner.ReceivedMessages[2].ElementAt(1).Text, StringComparison.Ordinal);
        Assert.Equal(inner.ReceivedMessages[0].ElementAt(1).Text, inner.ReceivedMessages[2].ElementAt(1).Text);
        Assert.Equal(inner.ReceivedMessages[1].ElementAt(1).Text, inner.ReceivedMessages[3].ElementAt(1).Text);
    }

    private static List<ChatMessage> Topical(string topic)
    {
        var messages = new List<ChatMessage> { Sys() };
        for (var i = 0; i < 10; i++)
        {
            messages.Add(User($"question {i} " + Words(20, topic)));
            messages.Add(Assistant($"answer {i} " + Words(20, topic)));
        }

        messages.Add(User("the newest question"));
        return messages;
    }

    [Fact]
    public async Task UseChatReducer_PolicyWithBudget_WorksAsAnIChatReducer()
    {
        var inner = new FakeChatClient();
        using var client = inner.AsBuilder().UseChatReducer(new TokenBudgetPolicy { Budget = Budget(600, 100) }).Build();

        await client.GetResponseAsync(Conversation(30));

        Assert.True(PromptTokens(Assert.Single(inner.ReceivedMessages)) <= 500);
    }

    [Fact]
    public void UseContextPolicy_NullArguments_ThrowWithParameterNames()
    {
        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => ParleyChatClientBuilderExtensions.UseContextPolicy(null!, ContextPolicy.KeepAll())).ParamName);
        Assert.Equal("policy", Assert.Throws<ArgumentNullException>(() => new FakeChatClient().AsBuilder().UseContextPolicy(null!)).ParamName);
        Assert.Equal("policy", Assert.Throws<ArgumentNullException>(() => new ContextPolicyChatClient(new FakeChatClient(), null!)).ParamName);
    }
}
