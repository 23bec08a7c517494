using Microsoft.Extensions.AI;

namespace Parley.Tests.Usage;

public class CostBudgetTests
{
    private static ModelInfo Mini => ModelCatalog.BuiltIn.Find("gpt-4o-mini")!;

    [Fact]
    public void WorstCase_PromptAndMaxTokens_AppliesInputAndOutputPrices()
    {
        // 1,000 × $0.15/M + 100 × $0.60/M.
        Assert.Equal(0.00021m, CostBudget.WorstCase(Mini, 1_000, 100));
    }

    [Fact]
    public void WorstCase_NoMaxTokens_UsesTheModelsMaxOutput()
    {
        Assert.Equal(((1_000 * 0.15m) + (16_384 * 0.6m)) / 1_000_000m, CostBudget.WorstCase(Mini, 1_000, null));
    }

    [Fact]
    public void WorstCase_UnknownModelPriceOrMaxOutput_IsNull()
    {
        Assert.Null(CostBudget.WorstCase(null, 10, 10));
        Assert.Null(CostBudget.WorstCase(ModelCatalog.BuiltIn.Resolve("no-such-model"), 10, 10));
        Assert.Null(CostBudget.WorstCase(Mini with { OutputPerMillion = null }, 10, 10));
        Assert.Null(CostBudget.WorstCase(Mini with { MaxOutputTokens = null }, 10, null));
    }

    [Fact]
    public void WorstCase_FreeModelWithoutMaxOutput_IsZero()
    {
        Assert.Equal(0m, CostBudget.WorstCase(ModelCatalog.BuiltIn.Find("llama3.2")!, 5_000, null));
    }

    [Fact]
    public void Check_FitsWhatIsLeft_ReturnsTheWorstCase()
    {
        var usage = new ConversationUsage();
        usage.Add(new UsageDetails { InputTokenCount = 1, OutputTokenCount = 1 }, 0.001m);

        var worst = new CostBudget(0.01m).Check("gpt-4o-mini", Mini, new TokenCount(1_000, false), 100, usage);

        Assert.Equal(0.00021m, worst);
    }

    [Fact]
    public void Check_MoreThanIsLeft_ThrowsWithBothNumbers()
    {
        var usage = new ConversationUsage();
        usage.Add(new UsageDetails { InputTokenCount = 1, OutputTokenCount = 1 }, 0.0099m);

        var e = Assert.Throws<CostBudgetExceededException>(() => new CostBudget(0.01m).Check("gpt-4o-mini", Mini, new TokenCount(1_000, false), 100, usage));

        Assert.Equal(0.00021m, e.WorstCaseUsd);
        Assert.Equal(0.0099m, e.SpentUsd);
        Assert.Equal(0.0001m, e.RemainingUsd);
        Assert.False(e.IsUnenforceable);
        Assert.Contains("could cost up to $0.00021", e.Message);
        Assert.Contains("only $0.0001 is left of the $0.01 cost limit ($0.0099 spent)", e.Message);
        Assert.Contains("1,000 prompt tokens + up to 100 output tokens of gpt-4o-mini", e.Message);
        Assert.Contains("nothing was sent", e.Message);
    }

    [Fact]
    public void Check_UnknownPrice_RefusesAsUnenforceable()
    {
        var e = Assert.Throws<CostBudgetExceededException>(() =>
            new CostBudget(1m).Check("my-model", null, new TokenCount(10, true), 100, new ConversationUsage()));

        Assert.True(e.IsUnenforceable);
        Assert.Contains("cannot enforce the $1.00 cost limit: the price of my-model is unknown", e.Message);
    }

    [Fact]
    public void Check_UnknownMaxOutput_RefusesAndSuggestsMaxTokens()
    {
        var e = Assert.Throws<CostBudgetExceededException>(() =>
            new CostBudget(1m).Check("mine", Mini with { MaxOutputTokens = null }, new TokenCount(10, false), null, new ConversationUsage()));

        Assert.True(e.IsUnenforceable);
        Assert.Contains("set --max-tokens", e.Message);
    }

    [Fact]
    public void Check_EarlierCallOfUnknownPrice_Refuses()
    {
        var usage = new ConversationUsage();
        usage.Add(new UsageDetails { InputTokenCount = 1, OutputTokenCount = 1 }, null);

        var e = Assert.Throws<CostBudgetExceededException>(() => new CostBudget(1m).Check("gpt-4o-mini", Mini, new TokenCount(1, false), 1, usage));

        Assert.True(e.IsUnenforceable);
        Assert.Contains("cost so far is unknown", e.Message);
    }

    [Fact]
    public void Guards_BadArguments_NameTheParameter()
    {
        Assert.Equal("limitUsd", Assert.Throws<ArgumentOutOfRangeException>(() => new CostBudget(-1m)).ParamName);
        Assert.Equal("modelId", Assert.Throws<ArgumentNullException>(() => new CostBudget(1m).Check(null!, Mini, default, 1, new ConversationUsage())).ParamName);
        Assert.Equal("usage", Assert.Throws<ArgumentNullException>(() => new CostBudget(1m).Check("m", Mini, default, 1, null!)).ParamName);
    }
}
