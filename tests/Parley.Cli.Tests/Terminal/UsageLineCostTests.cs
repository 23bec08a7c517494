using Microsoft.Extensions.AI;

namespace Parley.Cli.Tests;

/// <summary>The one usage line: tokens, dollars (or "cost unknown", never a silent 0), latency, speed.</summary>
public class UsageLineCostTests
{
    [Fact]
    public void Format_KnownCost_ReadsLikeTheDocumentedLine()
    {
        var turn = Turn(0.0012m, TimeSpan.FromSeconds(2));

        Assert.Equal("Tokens: 1,234 in (200 cached) / 56 out · $0.0012 · 2.0 s · 28 tok/s", UsageLineFormatter.Format(turn, pricingEnabled: true));
    }

    [Fact]
    public void Format_UnknownCost_SaysSo()
    {
        var turn = Turn(null, TimeSpan.FromSeconds(2));

        Assert.Equal("Tokens: 1,234 in (200 cached) / 56 out · cost unknown · 2.0 s · 28 tok/s", UsageLineFormatter.Format(turn, pricingEnabled: true));
    }

    [Theory]
    [InlineData("0", "$0.0000")]
    [InlineData("0.000204", "$0.000204")]
    [InlineData("0.0099", "$0.0099")]
    [InlineData("0.0156", "$0.0156")]
    [InlineData("1.5", "$1.50")]
    [InlineData("12.3456", "$12.3456")]
    public void Cost_Amounts_AreInvariantAndNeverRoundedToZero(string amount, string expected)
    {
        Assert.Equal(expected, UsageLineFormatter.Cost(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture)));
    }

    private static ChatTurn Turn(decimal? cost, TimeSpan latency) => new()
    {
        UserMessage = new ChatMessage(ChatRole.User, "q"),
        AssistantMessage = new ChatMessage(ChatRole.Assistant, "a"),
        Usage = new UsageDetails { InputTokenCount = 1234, CachedInputTokenCount = 200, OutputTokenCount = 56 },
        CostUsd = cost,
        Latency = latency,
    };
}
