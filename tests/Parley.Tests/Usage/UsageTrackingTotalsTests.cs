using Microsoft.Extensions.AI;

namespace Parley.Tests;

/// <summary><see cref="ParleyChatClientBuilderExtensions.UseUsageTracking"/> totals a pipeline's calls in a <see cref="ConversationUsage"/>.</summary>
public class UsageTrackingTotalsTests
{
    [Fact]
    public async Task UseUsageTracking_ACallWithoutUsage_MakesTheCostALowerBound()
    {
        var usage = new ConversationUsage();
        usage.Add(new UsageDetails { InputTokenCount = 1, OutputTokenCount = 1 }, 0.001m);
        using var client = new NoUsageClient().AsBuilder().UseUsageTracking(usage).Build();
        Assert.False(usage.HasUnknownCost);

        await client.GetResponseAsync("hi");

        Assert.True(usage.HasUnknownCost);
        Assert.Equal(2, usage.Calls);
    }

    [Fact]
    public void UseUsageTracking_ConcurrentCalls_CountsEveryCall()
    {
        var usage = new ConversationUsage();
        using var client = new NoUsageClient().AsBuilder().UseUsageTracking(usage).Build();

        // Two threads at once, as a gateway's concurrent requests on one pipeline.
        var threads = Enumerable.Range(0, 2).Select(_ => new Thread(() =>
        {
            for (var i = 0; i < 500_000; i++)
            {
                client.GetResponseAsync("hi").GetAwaiter().GetResult();
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.Equal(1_000_000, usage.Snapshot().Calls);
    }

    [Fact]
    public void Snapshot_IsACopy_LaterCallsDoNotChangeIt()
    {
        var usage = new ConversationUsage();
        var before = usage.Snapshot();

        usage.Add(new UsageDetails { InputTokenCount = 10 }, 0.001m);

        Assert.Equal(0, before.Calls);
        Assert.Equal(10, usage.Snapshot().InputTokens);
    }

    private sealed class NoUsageClient : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")));

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            AsyncEnumerable.Empty<ChatResponseUpdate>();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
