using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using static Parley.Tests.Resilience.ResilienceTestKit;

namespace Parley.Tests.Resilience;

public class TimeoutChatClientTests
{
    private readonly ManualTimeProvider _time = new();

    private TimeoutChatClient Create(IChatClient inner, ResilienceOptions? options = null) =>
        new(inner, (options ?? new ResilienceOptions()) with { TimeProvider = _time });

    /// <summary>A stream that yields <paramref name="texts"/>, signals <paramref name="stalled"/>, then waits for its token.</summary>
    private static async IAsyncEnumerable<ChatResponseUpdate> StallAfter(
        TaskCompletionSource stalled, [EnumeratorCancellation] CancellationToken token, params string[] texts)
    {
        foreach (var text in texts)
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, text);
        }

        stalled.TrySetResult();
        await Task.Delay(Timeout.Infinite, token);
        yield return new ChatResponseUpdate(ChatRole.Assistant, "never");
    }

    private static async Task<List<string>> CollectAsync(IAsyncEnumerable<ChatResponseUpdate> stream, List<string> into)
    {
        await foreach (var update in stream)
        {
            into.Add(update.Text);
        }

        return into;
    }

    [Fact]
    public async Task Stream_NoFirstUpdateWithinIdleTimeout_FailsWithTimeout()
    {
        var stalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var fake = new FakeChatClient { OnStream = (_, _, token) => StallAfter(stalled, token) };
        var client = Create(fake);

        var run = Task.Run(() => CollectAsync(client.GetStreamingResponseAsync(Conversation()), []));
        await stalled.Task;
        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.False(fake.ReceivedTokens[0].IsCancellationRequested);
        _time.Advance(TimeSpan.FromSeconds(1));

        var e = await Assert.ThrowsAsync<ParleyApiException>(() => run);
        Assert.Equal(ApiFailureKind.Timeout, e.Kind);
        Assert.Equal("no data from the server for 60 s", e.Message);
        Assert.Equal(string.Empty, e.PartialText);
    }

    [Fact]
    public async Task Stream_StallsMidAnswer_FailsWithTimeoutKeepingPartialText()
    {
        var stalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var fake = new FakeChatClient { OnStream = (_, _, token) => StallAfter(stalled, token, "Hel", "lo") };
        var client = Create(fake, new ResilienceOptions { IdleTimeout = TimeSpan.FromSeconds(5) });
        var received = new List<string>();

        var run = Task.Run(() => CollectAsync(client.GetStreamingResponseAsync(Conversation()), received));
        await stalled.Task;
        _time.Advance(TimeSpan.FromSeconds(5));

        var e = await Assert.ThrowsAsync<ParleyApiException>(() => run);
        Assert.Equal("no data from the server for 5 s", e.Message);
        Assert.Equal("Hello", e.PartialText);
        Assert.Equal(["Hel", "lo"], received);
    }

    [Fact]
    public async Task Stream_UpdatesKeepComingWithinIdleTimeout_Completes()
    {
        var gates = new[] { new TaskCompletionSource(), new TaskCompletionSource() };
        var waiting = new[]
        {
            new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously),
            new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously),
        };
        var fake = new FakeChatClient { OnStream = (_, _, token) => Gated(token) };
        var client = Create(fake);

        var run = Task.Run(() => CollectAsync(client.GetStreamingResponseAsync(Conversation()), []));
        for (var i = 0; i < gates.Length; i++)
        {
            await waiting[i].Task;
            _time.Advance(TimeSpan.FromSeconds(40)); // 80 s in total, never 60 s without data
            gates[i].SetResult();
        }

        Assert.Equal(["a", "b", "c", string.Empty], await run);

        async IAsyncEnumerable<ChatResponseUpdate> Gated([EnumeratorCancellation] CancellationToken token)
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, "a");
            waiting[0].SetResult();
            await gates[0].Task.WaitAsync(token);
            yield return new ChatResponseUpdate(ChatRole.Assistant, "b");
            waiting[1].SetResult();
            await gates[1].Task.WaitAsync(token);
            yield return new ChatResponseUpdate(ChatRole.Assistant, "c");
            yield return new ChatResponseUpdate { FinishReason = ChatFinishReason.Stop };
        }
    }

    [Fact]
    public async Task Stream_StallAfterCallerHeldAnUpdate_TimesOutAfterExactlyTheIdleTimeoutOfWaiting()
    {
        var stalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var fake = new FakeChatClient { OnStream = (_, _, token) => StallAfter(stalled, token, "a") };
        var client = Create(fake, new ResilienceOptions { IdleTimeout = TimeSpan.FromSeconds(10) });

        await using var updates = client.GetStreamingResponseAsync(Conversation()).GetAsyncEnumerator();
        Assert.True(await updates.MoveNextAsync());
        _time.Advance(TimeSpan.FromSeconds(37)); // the caller holds the update through several idle periods

        var next = Task.Run(async () => await updates.MoveNextAsync());
        await stalled.Task;
        _time.Advance(TimeSpan.FromSeconds(10) - TimeSpan.FromTicks(1));
        Assert.False(fake.ReceivedTokens[0].IsCancellationRequested);
        _time.Advance(TimeSpan.FromTicks(1));

        var e = await Assert.ThrowsAsync<ParleyApiException>(() => next);
        Assert.Equal("no data from the server for 10 s", e.Message);
        Assert.Equal("a", e.PartialText);
    }

    [Fact]
    public async Task Stream_CallerSlowBetweenUpdates_DoesNotCount()
    {
        var fake = new FakeChatClient();
        var client = Create(fake);

        await using var updates = client.GetStreamingResponseAsync(Conversation()).GetAsyncEnumerator();
        Assert.True(await updates.MoveNextAsync());
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.False(fake.ReceivedTokens[0].IsCancellationRequested);

        Assert.True(await updates.MoveNextAsync());
        Assert.Equal("k", updates.Current.Text);
        Assert.False(fake.ReceivedTokens[0].IsCancellationRequested);
    }

    [Fact]
    public async Task Response_SlowerThanRequestTimeout_FailsWithTimeout()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var fake = new FakeChatClient
        {
            OnResponse = async (_, _, token) =>
            {
                started.SetResult();
                await Task.Delay(Timeout.Infinite, token);
                return new ChatResponse();
            },
        };
        var client = Create(fake);

        var ask = client.GetResponseAsync(Conversation());
        await started.Task;
        _time.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromTicks(1));
        Assert.False(fake.ReceivedTokens[0].IsCancellationRequested);
        _time.Advance(TimeSpan.FromTicks(1));

        var e = await Assert.ThrowsAsync<ParleyApiException>(() => ask);
        Assert.Equal(ApiFailureKind.Timeout, e.Kind);
        Assert.Equal("no answer from the server within 10 min", e.Message);
        Assert.False(RetryingChatClient.IsTransient(e));
    }

    [Fact]
    public async Task Response_FastEnough_ReturnsAndDisarmsTimer()
    {
        var client = Create(new FakeChatClient());

        var response = await client.GetResponseAsync(Conversation());

        Assert.Equal("ok", response.Text);
        Assert.Equal(0, _time.ArmedTimers);
    }

    [Theory]
    [MemberData(nameof(ResilienceTestKit.BothPaths), MemberType = typeof(ResilienceTestKit))]
    public async Task Call_UserCancels_ThrowsOperationCanceledNotTimeout(bool streaming)
    {
        var stalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var fake = new FakeChatClient
        {
            OnStream = (_, _, token) => StallAfter(stalled, token, "partial"),
            OnResponse = async (_, _, token) =>
            {
                stalled.SetResult();
                await Task.Delay(Timeout.Infinite, token);
                return new ChatResponse();
            },
        };
        var client = Create(fake);
        using var cts = new CancellationTokenSource();

        var ask = Task.Run(() => AskAsync(client, streaming, token: cts.Token));
        await stalled.Task;
        cts.Cancel();

        var e = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ask);
        Assert.IsNotType<ParleyApiException>(e.InnerException);
    }

    [Theory]
    [MemberData(nameof(ResilienceTestKit.BothPaths), MemberType = typeof(ResilienceTestKit))]
    public async Task Call_UserCancelsAtTheSameTimeAsTimeout_ThrowsOperationCanceled(bool streaming)
    {
        var stalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var fake = new FakeChatClient
        {
            OnStream = (_, _, token) => StallAfter(stalled, token),
            OnResponse = async (_, _, token) =>
            {
                stalled.SetResult();
                await Task.Delay(Timeout.Infinite, token);
                return new ChatResponse();
            },
        };
        var client = Create(fake, new ResilienceOptions { IdleTimeout = TimeSpan.FromSeconds(1), RequestTimeout = TimeSpan.FromSeconds(1) });
        using var cts = new CancellationTokenSource();

        var ask = Task.Run(async () => await AskAsync(client, streaming, token: cts.Token));
        await stalled.Task;
        cts.Cancel();
        _time.Advance(TimeSpan.FromSeconds(1));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ask);
    }

    [Theory]
    [MemberData(nameof(ResilienceTestKit.BothPaths), MemberType = typeof(ResilienceTestKit))]
    public async Task Call_InfiniteTimeouts_UseNoTimer(bool streaming)
    {
        var client = Create(new FakeChatClient(), new ResilienceOptions { IdleTimeout = Timeout.InfiniteTimeSpan, RequestTimeout = Timeout.InfiniteTimeSpan });

        Assert.Equal("ok", await AskAsync(client, streaming));
        Assert.Empty(_time.RequestedDelays);
    }

    [Theory]
    [MemberData(nameof(ResilienceTestKit.BothPaths), MemberType = typeof(ResilienceTestKit))]
    public async Task Call_InnerFailsBeforeTimeout_PropagatesUnchanged(bool streaming)
    {
        var error = Http(500);
        var client = Create(FakeChatClient.FailingWith(error));

        var thrown = await Assert.ThrowsAsync<ParleyApiException>(() => AskAsync(client, streaming));

        Assert.Same(error, thrown);
    }

    [Fact]
    public void Constructor_NoOptions_TakesDefaults()
    {
        var client = new TimeoutChatClient(new FakeChatClient());

        Assert.Equal(TimeSpan.FromSeconds(60), client.IdleTimeout);
        Assert.Equal(TimeSpan.FromMinutes(10), client.RequestTimeout);
        Assert.Same(TimeProvider.System, client.TimeProvider);
    }

    [Fact]
    public void Constructor_NullInnerClient_ThrowsWithParameterName()
    {
        var e = Assert.Throws<ArgumentNullException>(() => new TimeoutChatClient(null!));

        Assert.Equal("innerClient", e.ParamName);
    }

    [Fact]
    public async Task GetResponseAsync_NullMessages_ThrowsWithParameterName()
    {
        var client = new TimeoutChatClient(new FakeChatClient());

        var e = await Assert.ThrowsAsync<ArgumentNullException>(() => client.GetResponseAsync(null!));

        Assert.Equal("messages", e.ParamName);
    }

    [Fact]
    public void GetStreamingResponseAsync_NullMessages_ThrowsAtOnceWithParameterName()
    {
        var client = new TimeoutChatClient(new FakeChatClient());

        var e = Assert.Throws<ArgumentNullException>(() => client.GetStreamingResponseAsync(null!));

        Assert.Equal("messages", e.ParamName);
    }

    [Fact]
    public void Properties_InvalidValues_Throw()
    {
        var client = new TimeoutChatClient(new FakeChatClient());

        Assert.Throws<ArgumentOutOfRangeException>(() => client.IdleTimeout = TimeSpan.Zero);
        Assert.Throws<ArgumentOutOfRangeException>(() => client.RequestTimeout = TimeSpan.FromSeconds(-5));
        Assert.Equal("value", Assert.Throws<ArgumentNullException>(() => client.TimeProvider = null!).ParamName);
    }
}
