using Microsoft.Extensions.AI;
using static Parley.Tests.Resilience.ResilienceTestKit;

namespace Parley.Tests.Resilience;

public class RetryingChatClientTests
{
    private readonly ManualTimeProvider _time = new();
    private readonly RecordingLogger _log = new();

    private IReadOnlyList<LoggedEvent> Retries => _log.Retries;

    public static TheoryData<bool, int> RetryableStatuses()
    {
        var data = new TheoryData<bool, int>();
        foreach (var streaming in new[] { false, true })
        {
            foreach (var status in new[] { 408, 409, 429, 500, 502, 503, 504 })
            {
                data.Add(streaming, status);
            }
        }

        return data;
    }

    public static TheoryData<bool, string> NonRetryableFailures()
    {
        var data = new TheoryData<bool, string>();
        foreach (var streaming in new[] { false, true })
        {
            foreach (var name in NonRetryable.Keys)
            {
                data.Add(streaming, name);
            }
        }

        return data;
    }

    private static readonly Dictionary<string, Func<ParleyApiException>> NonRetryable = new()
    {
        ["400"] = () => Http(400),
        ["401"] = () => Http(401),
        ["403"] = () => Http(403),
        ["404"] = () => Http(404),
        ["422"] = () => Http(422),
        ["429 insufficient_quota"] = () => Http(429, code: "insufficient_quota", retryAfter: TimeSpan.FromSeconds(1)),
        ["HostNotFound"] = () => Failure(ApiFailureKind.HostNotFound),
        ["Tls"] = () => Failure(ApiFailureKind.Tls),
        ["InvalidResponse"] = () => Failure(ApiFailureKind.InvalidResponse),
        ["StreamInterrupted"] = () => Failure(ApiFailureKind.StreamInterrupted),
        ["Timeout (not connect)"] = () => Failure(ApiFailureKind.Timeout),
    };

    private RetryingChatClient Create(IChatClient inner, ResilienceOptions? options = null, double jitter = 1.0)
    {
        var client = new RetryingChatClient(inner, (options ?? new ResilienceOptions()) with
        {
            TimeProvider = _time,
            LoggerFactory = _log,
        });
        client.Jitter = () => jitter;
        return client;
    }

    [Theory]
    [MemberData(nameof(RetryableStatuses))]
    public async Task Call_RetryableStatusOnce_RetriesAndSucceeds(bool streaming, int status)
    {
        var fake = FakeChatClient.FailingWith(Http(status));
        var client = Create(fake);

        var ask = AskAsync(client, streaming);
        await _time.DriveAsync(ask);

        Assert.Equal("ok", await ask);
        Assert.Equal(2, fake.Calls);
        var retry = Assert.Single(Retries);
        Assert.Equal(status, retry["StatusCode"]);
    }

    [Theory]
    [InlineData(false, ApiFailureKind.ConnectionRefused)]
    [InlineData(true, ApiFailureKind.ConnectionRefused)]
    [InlineData(false, ApiFailureKind.ConnectionFailed)]
    [InlineData(true, ApiFailureKind.ConnectionFailed)]
    public async Task Call_ConnectionFailure_RetriesAndSucceeds(bool streaming, ApiFailureKind kind)
    {
        var fake = FakeChatClient.FailingWith(Failure(kind), Failure(kind));
        var client = Create(fake);

        var ask = AskAsync(client, streaming);
        await _time.DriveAsync(ask);

        Assert.Equal("ok", await ask);
        Assert.Equal(3, fake.Calls);
    }

    [Theory]
    [MemberData(nameof(ResilienceTestKit.BothPaths), MemberType = typeof(ResilienceTestKit))]
    public async Task Call_ConnectTimeout_Retries(bool streaming)
    {
        var fake = FakeChatClient.FailingWith(ConnectTimeout());
        var client = Create(fake);

        var ask = AskAsync(client, streaming);
        await _time.DriveAsync(ask);

        Assert.Equal("ok", await ask);
        Assert.Equal(2, fake.Calls);
        Assert.Equal("connection timed out; retrying in 0.5 s (1/3)", Assert.Single(_log.RetryLines));
    }

    [Theory]
    [MemberData(nameof(NonRetryableFailures))]
    public async Task Call_NonRetryableFailure_ThrowsAtOnceWithoutRetry(bool streaming, string failure)
    {
        var error = NonRetryable[failure]();
        var fake = FakeChatClient.FailingWith(error);
        var client = Create(fake);

        var thrown = await Assert.ThrowsAsync<ParleyApiException>(() => AskAsync(client, streaming));

        Assert.Same(error, thrown);
        Assert.Equal(1, fake.Calls);
        Assert.Empty(Retries);
        Assert.Empty(_time.RequestedDelays);
    }

    [Theory]
    [MemberData(nameof(ResilienceTestKit.BothPaths), MemberType = typeof(ResilienceTestKit))]
    public async Task Call_AlwaysFailing_GivesUpAfterMaxRetriesWithLastError(bool streaming)
    {
        var errors = Enumerable.Range(0, 4).Select(_ => Http(503)).ToArray();
        var fake = FakeChatClient.FailingWith(errors);
        var client = Create(fake);

        var ask = AskAsync(client, streaming);
        var drive = _time.DriveAsync(ask);

        var thrown = await Assert.ThrowsAsync<ParleyApiException>(() => drive);
        Assert.Same(errors[3], thrown);
        Assert.Equal(4, fake.Calls);
        Assert.Equal(
            ["server error (503); retrying in 0.5 s (1/3)", "server error (503); retrying in 1.0 s (2/3)", "server error (503); retrying in 2.0 s (3/3)"],
            _log.RetryLines);
    }

    [Theory]
    [MemberData(nameof(ResilienceTestKit.BothPaths), MemberType = typeof(ResilienceTestKit))]
    public async Task Call_MaxRetriesZero_DoesNotRetry(bool streaming)
    {
        var fake = FakeChatClient.FailingWith(Http(503));
        var client = Create(fake, new ResilienceOptions { MaxRetries = 0 });

        await Assert.ThrowsAsync<ParleyApiException>(() => AskAsync(client, streaming));

        Assert.Equal(1, fake.Calls);
    }

    [Theory]
    [MemberData(nameof(ResilienceTestKit.BothPaths), MemberType = typeof(ResilienceTestKit))]
    public async Task Call_RetryAfter_WaitsExactlyThatLong(bool streaming)
    {
        var fake = FakeChatClient.FailingWith(Http(429, retryAfter: TimeSpan.FromSeconds(2)));
        var client = Create(fake, jitter: 0.1);

        var ask = AskAsync(client, streaming);
        await _time.DriveAsync(ask);

        Assert.Equal([TimeSpan.FromSeconds(2)], _time.RequestedDelays);
        var retry = Assert.Single(Retries);
        Assert.Equal(false, retry["IsCapped"]);
        Assert.Equal(TimeSpan.FromSeconds(2), retry["RequestedDelay"]);
        Assert.Equal("rate limited (429); retrying in 2.0 s (1/3)", Assert.Single(_log.RetryLines));
    }

    [Theory]
    [MemberData(nameof(ResilienceTestKit.BothPaths), MemberType = typeof(ResilienceTestKit))]
    public async Task Call_RetryAfterAboveCap_WaitsTheCapAndSaysSo(bool streaming)
    {
        var fake = FakeChatClient.FailingWith(Http(429, retryAfter: TimeSpan.FromSeconds(300)));
        var client = Create(fake);

        var ask = AskAsync(client, streaming);
        await _time.DriveAsync(ask);

        Assert.Equal([ResilienceOptions.DefaultMaxRetryDelay], _time.RequestedDelays);
        var retry = Assert.Single(Retries);
        Assert.Equal(true, retry["IsCapped"]);
        Assert.Equal(TimeSpan.FromSeconds(60), retry["Delay"]);
        Assert.Equal("rate limited (429); retrying in 60.0 s (1/3; the server asked for 300.0 s, capped)", Assert.Single(_log.RetryLines));
    }

    [Theory]
    [MemberData(nameof(ResilienceTestKit.BothPaths), MemberType = typeof(ResilienceTestKit))]
    public async Task Call_NoRetryAfter_BackoffDoublesUpToTheCap(bool streaming)
    {
        var fake = FakeChatClient.FailingWith(Http(500), Http(502), Http(503), Http(504), Http(500));
        var client = Create(fake, new ResilienceOptions { MaxRetries = 5, BaseDelay = TimeSpan.FromSeconds(10), MaxRetryDelay = TimeSpan.FromSeconds(30) });

        var ask = AskAsync(client, streaming);
        await _time.DriveAsync(ask);

        Assert.Equal(new[] { 10, 20, 30, 30, 30 }.Select(s => TimeSpan.FromSeconds(s)), _time.RequestedDelays);
        Assert.All(Retries, r => Assert.Equal(false, r["IsCapped"]));
    }

    [Fact]
    public void ComputeDelay_RealJitter_StaysWithinTheExponentialCeiling()
    {
        var client = new RetryingChatClient(new FakeChatClient());
        var seen = new HashSet<TimeSpan>();
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var ceiling = TimeSpan.FromSeconds(0.5 * Math.Pow(2, attempt - 1));
            for (var i = 0; i < 200; i++)
            {
                var (delay, capped) = client.ComputeDelay(Http(503), attempt);
                Assert.InRange(delay, TimeSpan.Zero, ceiling);
                Assert.False(capped);
                seen.Add(delay);
            }
        }

        Assert.True(seen.Count > 100, "full jitter spreads the waits");
    }

    [Fact]
    public void ComputeDelay_JitterZero_RetriesAtOnce()
    {
        var client = Create(new FakeChatClient(), jitter: 0.0);

        Assert.Equal(TimeSpan.Zero, client.ComputeDelay(Http(503), 3).Delay);
    }

    [Fact]
    public async Task Stream_FailsAfterFirstUpdate_PropagatesWithoutRetry()
    {
        var error = Http(503);
        var fake = new FakeChatClient { OnStream = (_, _, _) => PartThenFail(error) };
        var client = Create(fake);
        var received = new List<string>();

        var thrown = await Assert.ThrowsAsync<ParleyApiException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync(Conversation()))
            {
                received.Add(update.Text);
            }
        });

        Assert.Same(error, thrown);
        Assert.Equal(["Hel"], received);
        Assert.Equal(1, fake.Calls);
        Assert.Empty(Retries);

        static async IAsyncEnumerable<ChatResponseUpdate> PartThenFail(Exception failure)
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, "Hel");
            await Task.Yield();
            throw failure;
        }
    }

    [Theory]
    [MemberData(nameof(ResilienceTestKit.BothPaths), MemberType = typeof(ResilienceTestKit))]
    public async Task Call_CancelledDuringBackoff_EndsAtOnceWithOperationCanceled(bool streaming)
    {
        var fake = FakeChatClient.FailingWith(Http(429, retryAfter: TimeSpan.FromSeconds(30)));
        var client = Create(fake);
        using var cts = new CancellationTokenSource();

        var ask = AskAsync(client, streaming, token: cts.Token);
        await _time.WaitForArmedTimersAsync();
        cts.Cancel();

        var finished = await Task.WhenAny(ask, Task.Delay(TimeSpan.FromSeconds(10)));
        Assert.Same(ask, finished);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ask);
        Assert.Equal(1, fake.Calls);
        Assert.Equal(0, _time.ArmedTimers);
    }

    [Theory]
    [MemberData(nameof(ResilienceTestKit.BothPaths), MemberType = typeof(ResilienceTestKit))]
    public async Task Call_AlreadyCancelled_DoesNotRetry(bool streaming)
    {
        using var cts = new CancellationTokenSource();
        var fake = FakeChatClient.FailingWith(Http(503));
        fake.OnResponse = (_, _, _) =>
        {
            cts.Cancel();
            return Task.FromException<ChatResponse>(Http(503));
        };
        fake.OnStream = (_, _, _) =>
        {
            cts.Cancel();
            return FakeChatClient.Throwing(Http(503));
        };
        var client = Create(fake);

        await Assert.ThrowsAsync<ParleyApiException>(() => AskAsync(client, streaming, token: cts.Token));

        Assert.Equal(1, fake.Calls);
    }

    [Theory]
    [MemberData(nameof(ResilienceTestKit.BothPaths), MemberType = typeof(ResilienceTestKit))]
    public async Task Call_Retried_SendsTheSameUnchangedMessageList(bool streaming)
    {
        var fake = FakeChatClient.FailingWith(Http(503), Failure(ApiFailureKind.ConnectionRefused));
        var client = Create(fake);
        var history = Conversation();

        var ask = AskAsync(client, streaming, history);
        await _time.DriveAsync(ask);

        Assert.Equal(3, fake.Calls);
        Assert.All(fake.ReceivedMessages, m => Assert.Same(history, m));
        Assert.Equal(2, history.Count);
    }

    [Theory]
    [MemberData(nameof(ResilienceTestKit.BothPaths), MemberType = typeof(ResilienceTestKit))]
    public async Task Call_LazyMessages_EnumeratedOnceAndSentAlikeEachTime(bool streaming)
    {
        var fake = FakeChatClient.FailingWith(Http(503));
        var client = Create(fake);
        var enumerations = 0;

        IEnumerable<ChatMessage> Lazy()
        {
            enumerations++;
            yield return new ChatMessage(ChatRole.User, "hello");
        }

        var ask = AskAsync(client, streaming, Lazy());
        await _time.DriveAsync(ask);

        Assert.Equal(1, enumerations);
        Assert.Same(fake.ReceivedMessages[0], fake.ReceivedMessages[1]);
    }

    [Fact]
    public void IsTransient_InsufficientQuota_False()
    {
        Assert.False(RetryingChatClient.IsTransient(Http(429, code: "insufficient_quota")));
        Assert.True(RetryingChatClient.IsTransient(Http(429, code: "rate_limit_exceeded")));
    }

    [Fact]
    public void Constructor_NoOptions_TakesDefaults()
    {
        var client = new RetryingChatClient(new FakeChatClient());

        Assert.Equal(3, client.MaxRetries);
        Assert.Equal(TimeSpan.FromSeconds(0.5), client.BaseDelay);
        Assert.Equal(TimeSpan.FromSeconds(60), client.MaxRetryDelay);
        Assert.Same(TimeProvider.System, client.TimeProvider);
    }

    [Fact]
    public void Constructor_NullInnerClient_ThrowsWithParameterName()
    {
        var e = Assert.Throws<ArgumentNullException>(() => new RetryingChatClient(null!));

        Assert.Equal("innerClient", e.ParamName);
    }

    [Fact]
    public async Task GetResponseAsync_NullMessages_ThrowsWithParameterName()
    {
        var client = new RetryingChatClient(new FakeChatClient());

        var e = await Assert.ThrowsAsync<ArgumentNullException>(() => client.GetResponseAsync(null!));

        Assert.Equal("messages", e.ParamName);
    }

    [Fact]
    public void GetStreamingResponseAsync_NullMessages_ThrowsAtOnceWithParameterName()
    {
        var client = new RetryingChatClient(new FakeChatClient());

        var e = Assert.Throws<ArgumentNullException>(() => client.GetStreamingResponseAsync(null!));

        Assert.Equal("messages", e.ParamName);
    }

    [Fact]
    public void IsTransient_Null_ThrowsWithParameterName()
    {
        var e = Assert.Throws<ArgumentNullException>(() => RetryingChatClient.IsTransient(null!));

        Assert.Equal("error", e.ParamName);
    }

    [Fact]
    public void Properties_InvalidValues_Throw()
    {
        var client = new RetryingChatClient(new FakeChatClient());

        Assert.Throws<ArgumentOutOfRangeException>(() => client.MaxRetries = -1);
        Assert.Throws<ArgumentOutOfRangeException>(() => client.BaseDelay = TimeSpan.FromSeconds(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => client.MaxRetryDelay = TimeSpan.FromSeconds(-1));
        Assert.Equal("value", Assert.Throws<ArgumentNullException>(() => client.TimeProvider = null!).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetryingChatClient(new FakeChatClient(), new ResilienceOptions { MaxRetries = -1 }));
    }
}
