using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using static Parley.Tests.Resilience.ResilienceTestKit;

namespace Parley.Tests.Resilience;

public class ResilienceChatClientBuilderExtensionsTests
{
    private readonly ManualTimeProvider _time = new();

    [Fact]
    public void UseResilience_Build_RetriesOutsideTimeouts()
    {
        var fake = new FakeChatClient();

        var pipeline = fake.AsBuilder().UseResilience().Build();

        var retrying = Assert.IsType<RetryingChatClient>(pipeline);
        Assert.NotNull(retrying.GetService<TimeoutChatClient>());
        Assert.Same(fake, pipeline.GetService<FakeChatClient>());
    }

    [Fact]
    public void UseRetriesAndUseTimeouts_Options_ReachTheClients()
    {
        var options = new ResilienceOptions
        {
            MaxRetries = 5,
            BaseDelay = TimeSpan.FromSeconds(1),
            MaxRetryDelay = TimeSpan.FromSeconds(20),
            IdleTimeout = TimeSpan.FromSeconds(30),
            RequestTimeout = TimeSpan.FromMinutes(2),
            TimeProvider = _time,
        };

        var pipeline = new FakeChatClient().AsBuilder().UseRetries(options).UseTimeouts(options).Build();

        var retrying = pipeline.GetService<RetryingChatClient>()!;
        var timeouts = pipeline.GetService<TimeoutChatClient>()!;
        Assert.Equal(5, retrying.MaxRetries);
        Assert.Equal(TimeSpan.FromSeconds(1), retrying.BaseDelay);
        Assert.Equal(TimeSpan.FromSeconds(20), retrying.MaxRetryDelay);
        Assert.Same(_time, retrying.TimeProvider);
        Assert.Equal(TimeSpan.FromSeconds(30), timeouts.IdleTimeout);
        Assert.Equal(TimeSpan.FromMinutes(2), timeouts.RequestTimeout);
        Assert.Same(_time, timeouts.TimeProvider);
    }

    [Fact]
    public void UseResilience_ServicesHaveTimeProvider_ClientsUseIt()
    {
        var pipeline = new FakeChatClient().AsBuilder().UseResilience().Build(new SingleServiceProvider(_time));

        Assert.Same(_time, pipeline.GetService<RetryingChatClient>()!.TimeProvider);
        Assert.Same(_time, pipeline.GetService<TimeoutChatClient>()!.TimeProvider);
    }

    [Fact]
    public async Task UseResilience_StreamIdleTimeout_IsNotRetried()
    {
        var stalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var fake = new FakeChatClient { OnStream = (_, _, token) => Stall(stalled, token) };
        var pipeline = fake.AsBuilder().UseResilience(new ResilienceOptions { TimeProvider = _time }).Build();

        var run = Task.Run(() => AskAsync(pipeline, streaming: true));
        await stalled.Task;
        _time.Advance(ResilienceOptions.DefaultIdleTimeout);

        var e = await Assert.ThrowsAsync<ParleyApiException>(() => run);
        Assert.Equal(ApiFailureKind.Timeout, e.Kind);
        Assert.Equal(1, fake.Calls);

        static async IAsyncEnumerable<ChatResponseUpdate> Stall(TaskCompletionSource stalled, [EnumeratorCancellation] CancellationToken token)
        {
            stalled.TrySetResult();
            await Task.Delay(Timeout.Infinite, token);
            yield break;
        }
    }

    [Theory]
    [MemberData(nameof(ResilienceTestKit.BothPaths), MemberType = typeof(ResilienceTestKit))]
    public async Task UseResilience_TransientFailuresThenSuccess_AnswersAndAnnounces(bool streaming)
    {
        var log = new RecordingLogger();
        var fake = FakeChatClient.FailingWith(Http(429, retryAfter: TimeSpan.FromSeconds(2)), ConnectTimeout());
        var pipeline = fake.AsBuilder().UseResilience(new ResilienceOptions { TimeProvider = _time }).Build(log);

        var ask = AskAsync(pipeline, streaming);
        await _time.DriveAsync(ask);

        Assert.Equal("ok", await ask);
        Assert.Equal(3, fake.Calls);
        var lines = log.RetryLines;
        Assert.Equal(2, lines.Count);
        Assert.Equal("rate limited (429); retrying in 2.0 s (1/3)", lines[0]);
        Assert.StartsWith("connection timed out; retrying in ", lines[1]);
    }

    [Fact]
    public void UseRetries_NullBuilder_ThrowsWithParameterName()
    {
        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => ParleyChatClientBuilderExtensions.UseRetries(null!)).ParamName);
    }

    [Fact]
    public void UseTimeouts_NullBuilder_ThrowsWithParameterName()
    {
        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => ParleyChatClientBuilderExtensions.UseTimeouts(null!)).ParamName);
    }

    [Fact]
    public void UseResilience_NullBuilder_ThrowsWithParameterName()
    {
        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => ParleyChatClientBuilderExtensions.UseResilience(null!)).ParamName);
    }

    private sealed class SingleServiceProvider(TimeProvider time) : IServiceProvider
    {
        public object? GetService(Type serviceType) => serviceType == typeof(TimeProvider) ? time : null;
    }
}
