using Microsoft.Extensions.AI;
using Parley.TestServer;

namespace Parley.Cli.Tests;

/// <summary>Counts read as English ("1 message", "2 messages"); the usage line shows a speed only when it means something.</summary>
public class WordingTests
{
    [Fact]
    public async Task HistoryImport_OneMessage_SaysMessageInTheSingular()
    {
        using var parley = new ParleyProcess();
        var file = Path.Combine(parley.WorkingDirectory, "one.json");
        await File.WriteAllTextAsync(file, """[{"role": "user", "content": "Who are you?"}]""");

        var r = await parley.RunAsync("", "history", "import", file);

        Assert.Equal(0, r.ExitCode);
        Assert.Contains("imported 1 message as", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void ContextReport_KeepLastOneTurn_SaysTurnInTheSingular()
    {
        using var summarizer = new UnusedChatClient();
        var policy = ContextPolicy.Summarize(summarizer, new SummarizingPolicyOptions { KeepLastTurns = 1 });

        var lines = ContextReportFormatter.Format(new ContextReport { Policy = "summarize", SummaryKeepsLastTurns = 1 }, policy);

        Assert.Contains(lines, l => l.Contains("keeps the last 1 turn verbatim", StringComparison.Ordinal));
    }

    [Fact]
    public void ContextReport_LastOneMessage_SaysMessageInTheSingular()
    {
        var lines = ContextReportFormatter.Format(new ContextReport { Policy = "last:1" }, ContextPolicy.LastMessages(1));

        Assert.Contains(lines, l => l.EndsWith("the last 1 message", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(1, "1 message")]
    [InlineData(2, "2 messages")]
    [InlineData(0, "0 messages")]
    [InlineData(1234, "1,234 messages")]
    public void Wording_Count_ReadsAsEnglish(long count, string expected)
    {
        Assert.Equal(expected, Wording.Count(count, "message"));
    }

    [Fact]
    public async Task UsageLine_InstantAnswer_ShowsNoSpeed()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("Paris.", promptTokens: 14, completionTokens: 2));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", "-u", "--no-log", "Capital of France?");

        Assert.Equal(0, r.ExitCode);
        Assert.Contains("Tokens: 14 in / 2 out", r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("tok/s", r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(" 0.0 s", r.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(50, 2000, null, "2.0 s · 25 tok/s")]
    [InlineData(56, 40, null, "40 ms")]
    [InlineData(3, 2000, null, "2.0 s")]
    [InlineData(56, 1000, 950, "1.0 s")]
    [InlineData(56, 1000, 500, "1.0 s · 112 tok/s")]
    public void UsageLine_Speed_ShownOnlyOverEnoughTokensAndTime(int outputTokens, int latencyMs, int? firstTokenMs, string expectedEnd)
    {
        var turn = new ChatTurn
        {
            UserMessage = new ChatMessage(ChatRole.User, "q"),
            AssistantMessage = new ChatMessage(ChatRole.Assistant, "a"),
            Usage = new UsageDetails { InputTokenCount = 10, OutputTokenCount = outputTokens },
            Latency = TimeSpan.FromMilliseconds(latencyMs),
            TimeToFirstToken = firstTokenMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null,
        };

        Assert.EndsWith(" · " + expectedEnd, UsageLineFormatter.Format(turn, pricingEnabled: false), StringComparison.Ordinal);
    }

    private sealed class UnusedChatClient : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
