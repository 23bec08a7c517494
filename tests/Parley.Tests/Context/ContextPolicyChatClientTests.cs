using System.Text.Json;
using Microsoft.Extensions.AI;
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
        using var client = inner.AsBuilder().UseContextPolicy(ContextPolicy.TokenBudget(), c => c.Catalog = SmallCatalog).Build();
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

    [Fact]
    public async Task UseContextPolicy_Summarize_ReportsTheSummaryCallAndKeepsTheSummary()
    {
        var inner = new FakeChatClient();
        var summarizer = new FakeSummarizer();
        ContextResult? reduced = null;
        ContextPolicyChatClient? middleware = null;
        using var client = inner.AsBuilder()
            .UseContextPolicy(ContextPolicy.Summarize(summarizer, new SummarizingPolicyOptions { KeepLastTurns = 1 }), c =>
            {
                c.Catalog = SmallCatalog;
                c.Reduced = r => reduced = r;
                middleware = c;
            })
            .Build();

        await client.GetResponseAsync(Conversation(10, words: 20), new ChatOptions { ModelId = "small-model" });

        Assert.True(summarizer.Calls >= 1);
        Assert.Equal(100, reduced!.SummaryCalls[0].Usage!.InputTokenCount);
        Assert.NotNull(middleware!.Summary);
        Assert.StartsWith(SummarizingPolicy.SummaryPrefix, inner.ReceivedMessages[0].ElementAt(1).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UseContextPolicy_Summarize_PricesTheSummaryCallLikeTheSession()
    {
        // The same code path as ChatSession: a summary call's cost comes from the catalog when the summarizer names no price.
        var catalog = SmallCatalog.WithOverrides(JsonDocument.Parse(
            """{"cheap-model": {"provider": "openai", "encoding": "o200k_base", "context_window": 8000, "input_per_million": 1.0, "output_per_million": 2.0}}""").RootElement);
        ContextResult? reduced = null;
        using var client = new FakeChatClient().AsBuilder()
            .UseContextPolicy(ContextPolicy.Summarize(new FakeSummarizer(), new SummarizingPolicyOptions { KeepLastTurns = 1 }), c =>
            {
                c.Catalog = catalog;
                c.Reduced = r => reduced = r;
            })
            .Build();

        await client.GetResponseAsync(Conversation(10, words: 20), new ChatOptions { ModelId = "small-model" });

        var call = reduced!.SummaryCalls[0];
        Assert.Equal(CostCalculator.Compute(call.Usage!, catalog.Find("cheap-model")), call.CostUsd);
        Assert.NotNull(call.CostUsd);
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
