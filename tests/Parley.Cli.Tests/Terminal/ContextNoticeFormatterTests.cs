namespace Parley.Cli.Tests;

/// <summary>The one line that says a turn did not carry the whole history: plural-correct, and absent when nothing was left out.</summary>
public class ContextNoticeFormatterTests
{
    [Theory]
    [InlineData("budget", 8192, false, 1, 0, "context: dropped 1 earlier message (policy budget, 8,192-token window)")]
    [InlineData("budget", 80, true, 1234, 0, "context: dropped 1,234 earlier messages (policy budget, 80-token window learned from the server)")]
    [InlineData("last:4", 128000, false, 6, 0, "context: dropped 6 earlier messages (policy last:4)")]
    [InlineData("summarize", 2000, false, 0, 1, "context: 1 earlier message sent as a summary (policy summarize, 2,000-token window)")]
    [InlineData("summarize", 2000, false, 2, 14, "context: 14 earlier messages sent as a summary, dropped 2 (policy summarize, 2,000-token window)")]
    [InlineData("ReducerX", null, false, 3, 0, "context: dropped 3 earlier messages (policy ReducerX)")]
    public void Format_SomethingLeftOut_OneLine(string policy, int? window, bool learned, int dropped, int summarized, string expected)
    {
        var report = new ContextReport
        {
            Policy = policy,
            ContextWindow = window,
            IsLearnedWindow = learned,
            MessagesDropped = dropped,
            MessagesSummarized = summarized,
        };

        Assert.Equal(expected, ContextNoticeFormatter.Format(report));
    }

    [Fact]
    public void Format_NothingLeftOutOrNoReport_IsNull()
    {
        Assert.Null(ContextNoticeFormatter.Format(new ContextReport { Policy = "budget", ContextWindow = 8192, MessagesSent = 5 }));
        Assert.Null(ContextNoticeFormatter.Format(null));
    }
}
