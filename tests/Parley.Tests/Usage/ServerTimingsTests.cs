using Microsoft.Extensions.AI;

namespace Parley.Tests.Usage;

public sealed class ServerTimingsTests
{
    [Fact]
    public void ServerTimings_GenerationNanoseconds_GiveTimeAndSpeed()
    {
        var usage = new UsageDetails
        {
            OutputTokenCount = 22,
            AdditionalCounts = new() { [ServerTimings.GenerationNanoseconds] = 105_611_917, [ServerTimings.LoadNanoseconds] = 38_473_250 },
        };

        Assert.Equal(TimeSpan.FromTicks(1_056_119), ServerTimings.GenerationTime(usage));
        Assert.Equal(TimeSpan.FromTicks(384_732), ServerTimings.LoadTime(usage));
        Assert.Equal(208.3, ServerTimings.OutputTokensPerSecond(usage)!.Value, precision: 1);
    }

    [Fact]
    public void ServerTimings_NoneReported_AreNull()
    {
        Assert.Null(ServerTimings.GenerationTime(null));
        Assert.Null(ServerTimings.OutputTokensPerSecond(new UsageDetails { OutputTokenCount = 5 }));
    }

    [Fact]
    public void ChatTurn_ServerTimings_WinOverWallClock()
    {
        var turn = new ChatTurn
        {
            UserMessage = new ChatMessage(ChatRole.User, "hi"),
            Usage = new UsageDetails { OutputTokenCount = 10, AdditionalCounts = new() { [ServerTimings.GenerationNanoseconds] = 100_000_000 } },
            Latency = TimeSpan.FromSeconds(5),
            TimeToFirstToken = TimeSpan.FromSeconds(1),
        };

        Assert.Equal(100, turn.OutputTokensPerSecond!.Value, precision: 6);
    }
}
