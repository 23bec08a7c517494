using Parley.TestServer;

namespace Parley.Cli.Tests;

/// <summary>Retries and timeouts as a user sees them: announced on stderr, bounded, never duplicating a message.</summary>
public class ReliabilityTests
{
    [Fact]
    public async Task Prompt_RateLimitedThenOk_RetriesAfterServerWaitAndAnnouncesIt()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.RateLimited(0.3));
        server.Enqueue(ScriptedResponse.Text("finally"));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", "hi");

        Assert.Equal(0, r.ExitCode);
        Assert.Equal("finally\n", r.Stdout);
        Assert.Contains("rate limited (429); retrying in 0.3 s (1/3)", r.Stderr);
        Assert.Equal(2, server.Requests.Count);
        Assert.True(server.Requests[1].ReceivedAt - server.Requests[0].ReceivedAt >= TimeSpan.FromMilliseconds(250));
        Assert.Equal(server.Requests[0].Body, server.Requests[1].Body);
    }

    [Fact]
    public async Task Prompt_ServerErrorStorm_GivesUpAfterMaxRetries()
    {
        await using var server = await LoopbackServer.StartAsync();
        for (var i = 0; i < 5; i++)
        {
            server.Enqueue(ScriptedResponse.ServerError(503).WithHeader("retry-after-ms", "10"));
        }

        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", "--max-retries", "2", "hi");

        Assert.Equal(1, r.ExitCode);
        Assert.Equal(3, server.Requests.Count);
        Assert.Contains("(2/2)", r.Stderr);
        Assert.Contains("server error (503)", r.Stderr);
    }

    [Fact]
    public async Task Prompt_InsufficientQuota_IsNotRetried()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.InsufficientQuota());
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", "hi");

        Assert.Equal(1, r.ExitCode);
        Assert.Single(server.Requests);
        Assert.DoesNotContain("retrying", r.Stderr);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(404)]
    public async Task Prompt_ClientError_IsNotRetried(int status)
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Error(status, "no"));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", "hi");

        Assert.Equal(1, r.ExitCode);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Prompt_StreamStallsMidAnswer_IdleTimeoutEndsItKeepingPartial()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("one two three").WithChunks("one ", "two ", "three").StallAfterChunks(2));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", "--idle-timeout", "3", "hi");

        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Equal("one two \n", r.Stdout);
        Assert.Contains("no data from the server for 3 s", r.Stderr);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Chat_RetriedTurn_SendsTheSameMessagesOnce()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("a1"));
        server.Enqueue(ScriptedResponse.ServerError(502).WithHeader("retry-after-ms", "10"));
        server.Enqueue(ScriptedResponse.Text("a2"));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync("q1\nq2\n", "chat");

        Assert.Equal(0, r.ExitCode);
        Assert.Equal(3, server.Requests.Count);
        Assert.Equal(server.Requests[1].Messages, server.Requests[2].Messages);
        Assert.Equal([("user", "q1"), ("assistant", "a1"), ("user", "q2")], server.Requests[2].Messages);
    }

    [Theory]
    [InlineData("--max-retries", "-1")]
    [InlineData("--idle-timeout", "0")]
    [InlineData("--timeout", "soon")]
    public async Task Prompt_BadReliabilityFlag_Exit2(string flag, string value)
    {
        using var parley = new ParleyProcess();

        var r = await parley.RunAsync(stdin: "", flag, value, "hi");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains(flag, r.Stderr);
    }
}
