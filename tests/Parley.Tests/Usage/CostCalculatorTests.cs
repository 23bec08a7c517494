using Microsoft.Extensions.AI;

namespace Parley.Tests.Usage;

public class CostCalculatorTests
{
    private static ModelInfo Priced(decimal? input, decimal? cached, decimal? output) =>
        new() { Id = "priced", InputPerMillion = input, CachedInputPerMillion = cached, OutputPerMillion = output };

    [Fact]
    public void Compute_PromptCachedAndCompletion_AppliesEachPrice()
    {
        var usage = new UsageDetails { InputTokenCount = 1_000_000, CachedInputTokenCount = 400_000, OutputTokenCount = 200_000, ReasoningTokenCount = 150_000 };

        decimal? cost = CostCalculator.Compute(usage, Priced(2.50m, 1.25m, 10m));

        // 600k × 2.50 + 400k × 1.25 + 200k (reasoning included) × 10, per million.
        Assert.Equal(1.5m + 0.5m + 2.0m, cost);
    }

    [Fact]
    public void Compute_RecordedGpt4oMiniCall_MatchesHandArithmetic()
    {
        var usage = new UsageDetails { InputTokenCount = 11, OutputTokenCount = 9 };

        decimal? cost = CostCalculator.Compute(usage, ModelCatalog.BuiltIn.Find("gpt-4o-mini-2024-07-18"));

        Assert.Equal(((11 * 0.15m) + (9 * 0.6m)) / 1_000_000m, cost);
    }

    [Fact]
    public void Compute_RecordedPromptCacheHit_UsesTheCachedPrice()
    {
        // gpt-5.6-sol, second call of the recorded prompt-cache pair: 4020 prompt, 4012 cached, 4 completion.
        var usage = new UsageDetails { InputTokenCount = 4020, CachedInputTokenCount = 4012, OutputTokenCount = 4 };

        decimal? cost = CostCalculator.Compute(usage, ModelCatalog.BuiltIn.Find("gpt-5.6-sol"));

        Assert.Equal(((8 * 5m) + (4012 * 0.5m) + (4 * 30m)) / 1_000_000m, cost);
    }

    [Fact]
    public void Compute_NoCachedPrice_ChargesCachedTokensAtTheInputPrice()
    {
        var usage = new UsageDetails { InputTokenCount = 100, CachedInputTokenCount = 50, OutputTokenCount = 0 };

        Assert.Equal(100 * 30m / 1_000_000m, CostCalculator.Compute(usage, Priced(30m, null, 60m)));
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public void Compute_UnknownPrice_IsNullNotZero(bool inputKnown, bool outputKnown)
    {
        var usage = new UsageDetails { InputTokenCount = 10, OutputTokenCount = 10 };

        Assert.Null(CostCalculator.Compute(usage, Priced(inputKnown ? 1m : null, null, outputKnown ? 1m : null)));
    }

    [Fact]
    public void Compute_NoModel_IsNull()
    {
        Assert.Null(CostCalculator.Compute(new UsageDetails { InputTokenCount = 1, OutputTokenCount = 1 }, null));
    }

    [Fact]
    public void Compute_UsageWithoutCounts_IsNull()
    {
        Assert.Null(CostCalculator.Compute(new UsageDetails(), Priced(1m, 1m, 1m)));
    }

    [Fact]
    public void Compute_LocalModel_IsZero()
    {
        var usage = new UsageDetails { InputTokenCount = 5000, OutputTokenCount = 700 };

        Assert.Equal(0m, CostCalculator.Compute(usage, ModelCatalog.BuiltIn.Find("llama3.2:3b")));
    }

    [Fact]
    public void Compute_CachedMoreThanPrompt_IsClamped()
    {
        var usage = new UsageDetails { InputTokenCount = 10, CachedInputTokenCount = 50, OutputTokenCount = 0 };

        Assert.Equal(10 * 1m / 1_000_000m, CostCalculator.Compute(usage, Priced(2m, 1m, 4m)));
    }

    [Fact]
    public void Compute_FineTune_UsesFineTunedPrices()
    {
        var usage = new UsageDetails { InputTokenCount = 1_000_000, OutputTokenCount = 1_000_000 };

        Assert.Equal(0.3m + 1.2m, CostCalculator.Compute(usage, ModelCatalog.BuiltIn.Find("ft:gpt-4o-mini-2024-07-18:org::abc")));
    }

    [Fact]
    public void Compute_NullUsage_ThrowsWithParameterName()
    {
        ArgumentNullException error = Assert.Throws<ArgumentNullException>(() => CostCalculator.Compute(null!, null));
        Assert.Equal("usage", error.ParamName);
    }
}
