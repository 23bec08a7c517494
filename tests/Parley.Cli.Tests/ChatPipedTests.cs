using Parley.TestServer;

namespace Parley.Cli.Tests;

/// <summary><c>parley chat</c> with piped stdin: each line is a turn, answers are printed plain.</summary>
public class ChatPipedTests
{
    [Fact]
    public async Task Chat_TwoLines_SecondTurnCarriesFirst()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync("What is artificial intelligence?\nCan you elaborate more on that?\n", "chat", "-s", "You are a helpful assistant.");

        Assert.Equal(0, r.ExitCode);
        Assert.Equal("Echo: What is artificial intelligence?\nEcho: Can you elaborate more on that?\n", r.Stdout);
        Assert.Equal(2, server.Requests.Count);
        Assert.Equal(
            [("system", "You are a helpful assistant."), ("user", "What is artificial intelligence?"), ("assistant", "Echo: What is artificial intelligence?"), ("user", "Can you elaborate more on that?")],
            server.Requests[1].Messages);
    }

    [Fact]
    public async Task Chat_NoMemory_SecondTurnIsStateless()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync("q1\nq2\n", "chat", "--no-memory", "-s", "sys");

        Assert.Equal(0, r.ExitCode);
        Assert.Equal([("system", "sys"), ("user", "q2")], server.Requests[1].Messages);
    }

    [Fact]
    public async Task Chat_HistoryAndReset_ShowThenForget()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync("hello\n/history\n/reset\nagain\n", "chat", "-s", "sys");

        Assert.Equal(0, r.ExitCode);
        Assert.Contains("User: hello\n\nAssistant: Echo: hello\n", r.Stdout);
        Assert.Contains("conversation reset", r.Stderr);
        Assert.Equal([("system", "sys"), ("user", "again")], server.Requests[1].Messages);
    }

    [Fact]
    public async Task Chat_UnknownCommand_HintsAndSendsNothing()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync("/histroy\n/frobnicate\n", "chat");

        Assert.Equal(0, r.ExitCode);
        Assert.Contains("did you mean /history?", r.Stderr);
        Assert.Contains("unknown command /frobnicate", r.Stderr);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Chat_MultiLineBlock_IsOneTurn()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        await parley.RunAsync("\"\"\"\nline one\nline two\n\"\"\"\n", "chat");

        Assert.Equal("line one\nline two", Assert.Single(server.Requests).Messages[^1].Content);
    }

    [Fact]
    public async Task Chat_SystemModelRetryUsage_ChangeTheNextRequest()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("first answer", promptTokens: 10, completionTokens: 2));
        server.Enqueue(ScriptedResponse.Text("second answer", promptTokens: 12, completionTokens: 2));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync("/system Be brief.\n/model gpt-4.1-mini\nquestion\n/retry\n/usage\n/exit\nnever sent\n", "chat");

        Assert.Equal(0, r.ExitCode);
        Assert.Equal(2, server.Requests.Count);
        Assert.Equal("gpt-4.1-mini", server.Requests[0].Model);
        Assert.Equal([("system", "Be brief."), ("user", "question")], server.Requests[1].Messages);
        Assert.Contains("Calls: 2 · Tokens: 22 in / 4 out", r.Stderr);
    }

    [Fact]
    public async Task Chat_Save_WritesOpenAIMessagesArray()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync("hello\n/save out.json\n", "chat", "-s", "sys");

        Assert.Equal(0, r.ExitCode);
        var saved = OpenAIMessageFormat.Parse(await File.ReadAllTextAsync(Path.Combine(parley.WorkingDirectory, "out.json")), "out.json");
        Assert.Equal(["system", "user", "assistant"], saved.Select(m => m.Role.Value));
        Assert.Equal("Echo: hello", saved[2].Text);
    }

    [Fact]
    public async Task Chat_ApiErrorOnOneTurn_ContinuesAndExits1()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.ServerError(500));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync("first\nsecond\n", "chat", "--max-retries", "0");

        Assert.Equal(1, r.ExitCode);
        Assert.Equal("Echo: second\n", r.Stdout);
        Assert.Equal([("user", "second")], server.Requests[1].Messages);
    }
}
