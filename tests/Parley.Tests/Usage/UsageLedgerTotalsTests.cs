using Microsoft.Extensions.AI;

namespace Parley.Tests;

/// <summary>The ledger sums calls the way a session does: both use <see cref="ConversationUsage"/>.</summary>
public class UsageLedgerTotalsTests
{
    private static readonly (UsageDetails? Usage, decimal? Cost)[] Calls =
    [
        (new UsageDetails { InputTokenCount = 100, OutputTokenCount = 20, CachedInputTokenCount = 64, ReasoningTokenCount = 8 }, 0.002m),
        (new UsageDetails { InputTokenCount = 50, OutputTokenCount = 5 }, null),
        (new UsageDetails { InputTokenCount = 7, OutputTokenCount = 3, ReasoningTokenCount = 2 }, 0.0001m),
    ];

    [Fact]
    public void Totals_SameCalls_EqualAConversationsTotals()
    {
        var ledger = new UsageLedger();
        var conversation = new ConversationUsage();
        foreach (var (usage, cost) in Calls)
        {
            ledger.Record(new UsageEntry("gpt-4o-mini", usage, cost, TimeSpan.FromSeconds(1)));
            conversation.Add(usage, cost);
        }

        var totals = ledger.Totals;

        Assert.Equal(
            (conversation.Calls, conversation.InputTokens, conversation.OutputTokens, conversation.CachedInputTokens, conversation.ReasoningTokens, conversation.CostUsd, conversation.HasUnknownCost),
            (totals.Calls, totals.InputTokens, totals.OutputTokens, totals.CachedInputTokens, totals.ReasoningTokens, totals.CostUsd, totals.HasUnknownCost));
        Assert.Equal((conversation.InputTokens, conversation.OutputTokens, conversation.CostUsd), (ledger.InputTokens, ledger.OutputTokens, ledger.CostUsd));
    }

    [Fact]
    public void Totals_ACallWithoutUsage_MakesTheCostALowerBound()
    {
        var ledger = new UsageLedger();
        ledger.Record(new UsageEntry("gpt-4o-mini", new UsageDetails { InputTokenCount = 1, OutputTokenCount = 1 }, 0.001m, TimeSpan.Zero));
        Assert.False(ledger.HasUnknownCost);

        ledger.Record(new UsageEntry("gpt-4o-mini", null, null, TimeSpan.Zero));

        Assert.True(ledger.HasUnknownCost);
        Assert.Equal(2, ledger.Totals.Calls);
    }

    [Fact]
    public void Totals_IsACopy_LaterCallsDoNotChangeIt()
    {
        var ledger = new UsageLedger();
        var before = ledger.Totals;

        ledger.Record(new UsageEntry("gpt-4o-mini", new UsageDetails { InputTokenCount = 10 }, 0.001m, TimeSpan.Zero));

        Assert.Equal(0, before.Calls);
        Assert.Equal(10, ledger.Totals.InputTokens);
    }
}
