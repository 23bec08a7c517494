using static Parley.Tests.Resilience.ResilienceTestKit;

namespace Parley.Tests.Resilience;

public class RetryNoticeTests
{
    private static RetryNotice Notice(ParleyApiException error, double seconds, int attempt = 1, int max = 3, TimeSpan? requested = null, bool capped = false) => new()
    {
        Attempt = attempt,
        MaxRetries = max,
        Delay = TimeSpan.FromSeconds(seconds),
        Error = error,
        RequestedDelay = requested,
        IsCapped = capped,
    };

    [Fact]
    public void Describe_RateLimited_SaysRateLimited()
    {
        Assert.Equal("rate limited (429); retrying in 2.0 s (1/3)", Notice(Http(429), 2).Describe());
    }

    [Fact]
    public void Describe_ServerError_SaysServerErrorWithStatus()
    {
        Assert.Equal("server error (503); retrying in 1.3 s (2/3)", Notice(Http(503), 1.3, attempt: 2).Describe());
    }

    [Theory]
    [InlineData(ApiFailureKind.ConnectionRefused, "connection refused; retrying in 0.4 s (1/3)")]
    [InlineData(ApiFailureKind.ConnectionFailed, "connection failed; retrying in 0.4 s (1/3)")]
    public void Describe_ConnectionFailure_NamesIt(ApiFailureKind kind, string expected)
    {
        Assert.Equal(expected, Notice(Failure(kind), 0.4).Describe());
    }

    [Fact]
    public void Describe_ConnectTimeout_SaysTimedOut()
    {
        Assert.Equal("connection timed out; retrying in 0.5 s (1/3)", Notice(ConnectTimeout(), 0.5).Describe());
    }

    [Theory]
    [InlineData(408, "request timeout (408); retrying in 1.0 s (1/3)")]
    [InlineData(409, "conflict (409); retrying in 1.0 s (1/3)")]
    [InlineData(502, "server error (502); retrying in 1.0 s (1/3)")]
    public void Describe_OtherRetryableStatuses_NameTheStatus(int status, string expected)
    {
        Assert.Equal(expected, Notice(Http(status), 1).Describe());
    }

    [Fact]
    public void Describe_Capped_SaysWhatTheServerAskedFor()
    {
        var notice = Notice(Http(429), 60, requested: TimeSpan.FromSeconds(300), capped: true);

        Assert.Equal("rate limited (429); retrying in 60.0 s (1/3; the server asked for 300.0 s, capped)", notice.Describe());
    }
}
