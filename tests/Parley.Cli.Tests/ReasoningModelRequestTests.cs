using Parley.TestServer;

namespace Parley.Cli.Tests;

/// <summary>Reasoning models change the request, from the catalog: system role, temperature, reasoning effort, max-tokens field.</summary>
public class ReasoningModelRequestTests
{
    [Fact]
    public async Task OneShot_DeveloperRoleModel_SystemPromptIsSentAsDeveloper()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", "-m", "o3-mini", "-s", "Be brief.", "--max-tokens", "500", "hi");

        Assert.Equal(0, r.ExitCode);
        var request = Assert.Single(server.Requests);
        Assert.Equal([("developer", "Be brief."), ("user", "hi")], request.Messages);
        Assert.Equal(500, request.Json!.Value.GetProperty("max_completion_tokens").GetInt32());
        Assert.False(request.Json!.Value.TryGetProperty("max_tokens", out _));
    }

    [Fact]
    public async Task Chat_UserRoleModel_SystemPromptIsSentAsUserOnEveryTurn()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync("q1\nq2\n", "chat", "-m", "o1-mini", "-s", "Be brief.");

        Assert.Equal(0, r.ExitCode);
        Assert.Equal([("user", "Be brief."), ("user", "q1"), ("assistant", "Echo: q1"), ("user", "q2")], server.Requests[1].Messages);
    }

    [Fact]
    public async Task Chat_TemperatureOnAModelThatRejectsIt_IsDroppedWithOneWarning()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync("q1\nq2\n", "chat", "-m", "gpt-5-mini", "--temperature", "0.2", "--top-p", "0.9");

        Assert.Equal(0, r.ExitCode);
        Assert.Equal(2, server.Requests.Count);
        Assert.All(server.Requests, q =>
        {
            Assert.False(q.Json!.Value.TryGetProperty("temperature", out _));
            Assert.False(q.Json!.Value.TryGetProperty("top_p", out _));
        });
        Assert.Equal(1, Count(r.Stderr, "warning: gpt-5-mini does not accept --temperature; it was not sent"));
        Assert.Equal(1, Count(r.Stderr, "warning: gpt-5-mini does not accept --top-p; it was not sent"));
    }

    [Fact]
    public async Task OneShot_TemperatureOnAChatModel_IsSentWithoutWarning()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", "-m", "gpt-4o-mini", "--temperature", "0.2", "hi");

        Assert.Equal(0.2, Assert.Single(server.Requests).Json!.Value.GetProperty("temperature").GetDouble(), 3);
        Assert.DoesNotContain("warning", r.Stderr);
    }

    [Theory]
    [InlineData("low")]
    [InlineData("medium")]
    [InlineData("high")]
    public async Task OneShot_ReasoningEffort_IsSentAsReasoningEffort(string effort)
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", "-m", "o4-mini", "--reasoning-effort", effort, "hi");

        Assert.Equal(0, r.ExitCode);
        Assert.Equal(effort, Assert.Single(server.Requests).Json!.Value.GetProperty("reasoning_effort").GetString());
    }

    [Fact]
    public async Task Chat_ReasoningEffort_IsSentOnEveryTurn()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync("q1\nq2\n", "chat", "-m", "gpt-5", "--reasoning-effort", "low");

        Assert.Equal(0, r.ExitCode);
        Assert.All(server.Requests, q => Assert.Equal("low", q.Json!.Value.GetProperty("reasoning_effort").GetString()));
    }

    [Fact]
    public async Task OneShot_ReasoningEffortOnAChatModel_IsDroppedWithAWarning()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", "-m", "gpt-4o", "--reasoning-effort", "high", "hi");

        Assert.Equal(0, r.ExitCode);
        Assert.False(Assert.Single(server.Requests).Json!.Value.TryGetProperty("reasoning_effort", out _));
        Assert.Contains("warning: gpt-4o does not accept --reasoning-effort; it was not sent", r.Stderr);
    }

    [Fact]
    public async Task ReasoningEffort_UnknownLevel_ExitsWithUsageError()
    {
        using var parley = new ParleyProcess();

        var r = await parley.RunAsync(stdin: "", "--reasoning-effort", "extreme", "hi");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("extreme", r.Stderr);
    }

    [Fact]
    public async Task OneShot_LocalModel_MaxTokensUsesTheCatalogsField()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", "-m", "llama3.2", "--max-tokens", "50", "hi");

        Assert.Equal(0, r.ExitCode);
        var json = Assert.Single(server.Requests).Json!.Value;
        Assert.Equal(50, json.GetProperty("max_tokens").GetInt32());
        Assert.False(json.TryGetProperty("max_completion_tokens", out _));
    }

    private static int Count(string text, string part) => text.Split('\n').Count(l => l.Contains(part, StringComparison.Ordinal));
}
