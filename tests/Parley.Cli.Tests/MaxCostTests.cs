using Parley.TestServer;

namespace Parley.Cli.Tests;

/// <summary><c>--max-cost USD</c>: a request that could take the conversation over the limit is not sent (exit 1).</summary>
public class MaxCostTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task OneShot_CouldCostMoreThanTheLimit_RefusesAndSendsNothing(bool stream)
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        // No --max-tokens: gpt-4o-mini's 16,384-token maximum output alone costs $0.0098.
        var r = await parley.RunAsync(stdin: "", stream ? ["-m", "gpt-4o-mini", "--max-cost", "0.005", "hello"] : ["--no-stream", "-m", "gpt-4o-mini", "--max-cost", "0.005", "hello"]);

        Assert.Equal(1, r.ExitCode);
        Assert.Equal("", r.Stdout);
        Assert.Empty(server.Requests);
        Assert.Matches(@"error: this request could cost up to \$0\.0098\d* \(\d+ prompt tokens \+ up to 16,384 output tokens of gpt-4o-mini\) but only \$0\.0050 is left of the \$0\.0050 cost limit \(\$0\.00 spent\)", r.Stderr);
        Assert.Contains("nothing was sent", r.Stderr);
    }

    [Fact]
    public async Task OneShot_MaxTokensLowersTheWorstCase_RequestIsSent()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", "-m", "gpt-4o-mini", "--max-cost", "0.005", "--max-tokens", "100", "hello");

        Assert.Equal(0, r.ExitCode);
        Assert.Equal("Echo: hello\n", r.Stdout);
    }

    [Fact]
    public async Task OneShot_UnknownPrice_RefusesBecauseTheLimitCannotBeEnforced()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", "-m", "my-own-model", "--max-cost", "1", "hello");

        Assert.Equal(1, r.ExitCode);
        Assert.Empty(server.Requests);
        Assert.Contains("cannot enforce the $1.00 cost limit: the price of my-own-model is unknown", r.Stderr);
    }

    [Fact]
    public async Task Continue_SavedCostCountsAgainstTheLimit()
    {
        await using var server = await LoopbackServer.StartAsync();
        // 100,000 × $0.15/M + 1,000 × $0.60/M = $0.0156.
        server.Enqueue(ScriptedResponse.Text("first", promptTokens: 100_000, completionTokens: 1_000));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        var first = await parley.RunAsync(stdin: "", "-m", "gpt-4o-mini", "one");
        Assert.Equal(0, first.ExitCode);

        var refused = await parley.RunAsync(stdin: "", "-c", "--max-cost", "0.015", "--max-tokens", "10", "two");
        var allowed = await parley.RunAsync(stdin: "", "-c", "--max-cost", "0.05", "--max-tokens", "10", "three");

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("but only $0.00 is left of the $0.015 cost limit ($0.0156 spent)", refused.Stderr);
        Assert.Equal(0, allowed.ExitCode);
        Assert.Equal(2, server.Requests.Count);
        Assert.Equal("three", server.Requests[1].Messages[^1].Content);
    }

    [Fact]
    public async Task Chat_LimitReached_TurnIsRefusedConversationGoesOnExit1()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("first", promptTokens: 100_000, completionTokens: 1_000));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync("one\ntwo\n/usage\n", "chat", "-m", "gpt-4o-mini", "--max-cost", "0.015", "--max-tokens", "100");

        Assert.Equal(1, r.ExitCode);
        Assert.Single(server.Requests);
        Assert.Equal("first\n", r.Stdout);
        Assert.Contains("error: this request could cost up to", r.Stderr);
        Assert.Contains("($0.0156 spent)", r.Stderr);
        Assert.Contains("Calls: 1 · Tokens: 100,000 in / 1,000 out · total 101,000 · $0.0156 of $0.015 limit", r.Stderr);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("abc")]
    public async Task MaxCost_NotADollarAmount_ExitsWithUsageError(string value)
    {
        using var parley = new ParleyProcess();

        var r = await parley.RunAsync(stdin: "", "--max-cost", value, "hello");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--max-cost", r.Stderr);
    }
}
