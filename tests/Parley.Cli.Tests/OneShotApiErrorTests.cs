using Parley.TestServer;

namespace Parley.Cli.Tests;

/// <summary>API failures: exit 1, one line on stderr that says what happened and what to do, never the key.</summary>
public class OneShotApiErrorTests
{
    private const string Key = "sk-proj-secret-key-do-not-print-4242";

    public static TheoryData<int, string?, string> Cases => new()
    {
        { 401, "invalid_api_key", "authentication failed (401)" },
        { 403, null, "access denied (403)" },
        { 404, "model_not_found", "not found (404)" },
        { 429, "rate_limit_exceeded", "rate limited (429)" },
        { 500, null, "server error (500)" },
        { 503, null, "server error (503)" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Prompt_HttpError_Exit1WithOneClearLine(int status, string? code, string expected)
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Error(status, $"The server says no (key {Key}).", "invalid_request_error", code));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl, Key);

        var r = await parley.RunAsync(stdin: "", "--max-retries", "0", "hi");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains(expected, r.Stderr);
        Assert.Contains("The server says no", r.Stderr);
        Assert.DoesNotContain(Key, r.Stdout + r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task Prompt_InsufficientQuota_SaysOutOfCredit()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.InsufficientQuota());
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", "hi");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("out of credit: check your plan and billing", r.Stderr);
    }

    [Fact]
    public async Task Prompt_Verbose_ShowsStackTraceButNeverTheKey()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Error(401, $"Incorrect API key provided: {Key}."));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl, Key);

        var r = await parley.RunAsync(stdin: "", "--verbose", "--max-retries", "0", "hi");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("   at ", r.Stderr);
        Assert.DoesNotContain(Key, r.Stdout + r.Stderr);
    }

    [Fact]
    public async Task Prompt_BiggerThanTheModelsWindow_Exit2AndNothingSent()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        var huge = string.Concat(Enumerable.Repeat("The quick brown fox jumps over the lazy dog. ", 2_000));

        var r = await parley.RunAsync(stdin: huge, "-m", "gpt-4", "Summarize this");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("8,192-token window", r.Stderr);
        Assert.Contains("nothing was sent", r.Stderr);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Prompt_StreamDropped_PrintsPartialAndExit1()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("partial answer here").WithChunks("partial ", "answer ", "here").DropAfterChunks(2));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", "hi");

        Assert.Equal(1, r.ExitCode);
        Assert.Equal("partial answer \n", r.Stdout);
        Assert.Contains("partial answer was kept", r.Stderr);
    }

    [Fact]
    public async Task Prompt_SigintWhileWaiting_Exit130()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("slow").WithDelay(TimeSpan.FromSeconds(30)));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        using var process = parley.Start(["hi"], redirectStdin: false);
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (server.Requests.Count == 0)
        {
            await Task.Delay(50, timeout.Token);
        }

        ParleyProcess.Interrupt(process);
        await process.WaitForExitAsync(timeout.Token);

        Assert.Equal(130, process.ExitCode);
        Assert.Contains("interrupted", await stderr);
    }
}
