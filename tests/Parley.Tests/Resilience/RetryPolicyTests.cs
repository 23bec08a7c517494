using static Parley.Tests.Resilience.ResilienceTestKit;

namespace Parley.Tests.Resilience;

public class RetryPolicyTests
{
    [Fact]
    public void ShouldRetry_TransientFailure_UntilMaxRetriesAttemptsFailed()
    {
        var policy = new RetryPolicy(new ResilienceOptions { MaxRetries = 2 });

        Assert.True(policy.ShouldRetry(Http(503), 1, CancellationToken.None));
        Assert.True(policy.ShouldRetry(Http(503), 2, CancellationToken.None));
        Assert.False(policy.ShouldRetry(Http(503), 3, CancellationToken.None));
    }

    [Fact]
    public void ShouldRetry_InsufficientQuotaOrCancelled_False()
    {
        var policy = new RetryPolicy();

        Assert.False(policy.ShouldRetry(Http(429, code: "insufficient_quota"), 1, CancellationToken.None));
        Assert.False(policy.ShouldRetry(Http(429), 1, new CancellationToken(canceled: true)));
        Assert.True(policy.ShouldRetry(Failure(ApiFailureKind.ConnectionRefused), 1, CancellationToken.None));
    }

    [Fact]
    public async Task WaitBeforeRetryAsync_RetryAfter_WaitsOnThePolicysClockCappedAtMaxRetryDelay()
    {
        var time = new ManualTimeProvider();
        var policy = new RetryPolicy(new ResilienceOptions { MaxRetryDelay = TimeSpan.FromSeconds(2), TimeProvider = time });

        var wait = policy.WaitBeforeRetryAsync(Http(429, retryAfter: TimeSpan.FromSeconds(30)), 1, CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(1.9));
        Assert.False(wait.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(0.1));
        await wait.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void ShouldRetry_NullError_ThrowsWithParameterName()
    {
        var e = Assert.Throws<ArgumentNullException>(() => new RetryPolicy().ShouldRetry(null!, 1, CancellationToken.None));
        Assert.Equal("error", e.ParamName);
    }
}
