using Parley.TestServer;

namespace Parley.Cli.Tests;

/// <summary>
/// Streamed reasoning (OpenAI-compatible <c>reasoning_content</c>, Ollama's <c>thinking</c>) is shown on stderr as it
/// arrives (dimmed in a terminal), never on stdout, never saved, never sent back; <c>--hide-reasoning</c> hides it.
/// </summary>
public class ReasoningDisplayTests
{
    private const string Thought = "The user greets me; a short greeting back will do.";

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Prompt_ReasoningContent_OnStderrNotStdout(bool stream)
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("Hello there!").WithReasoning("The user greets me; ", "a short greeting back will do."));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", stream ? ["-m", "deepseek-reasoner", "hi"] : ["--no-stream", "-m", "deepseek-reasoner", "hi"]);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("Hello there!\n", r.Stdout);
        Assert.True(r.Stderr.Contains(Thought, StringComparison.Ordinal), r.ToString());
    }

    [Fact]
    public async Task Prompt_HideReasoning_ShowsNoReasoning()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("Hello there!").WithReasoning("The user greets me; ", "a short greeting back will do."));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync(stdin: "", "--hide-reasoning", "-m", "deepseek-reasoner", "hi");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("Hello there!\n", r.Stdout);
        Assert.DoesNotContain("greets", r.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Prompt_OllamaThinking_OnStderrNotStdout(bool stream)
    {
        await using var server = await LoopbackServer.StartAsync(new LoopbackServerOptions { OllamaModels = [new OllamaModel("qwen3:0.6b") { ContextLength = 40_960 }] });
        server.Enqueue(ScriptedResponse.Text("Hello there!").WithReasoning("The user greets me; ", "a short greeting back will do."));
        using var parley = new ParleyProcess().With("OLLAMA_HOST", LoopbackAddresses.OllamaHost(server));

        var r = await parley.RunAsync(stdin: "", stream ? ["-m", "ollama:qwen3:0.6b", "--no-log", "hi"] : ["--no-stream", "-m", "ollama:qwen3:0.6b", "--no-log", "hi"]);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("Hello there!\n", r.Stdout);
        Assert.True(r.Stderr.Contains(Thought, StringComparison.Ordinal), r.ToString());
    }

    [Fact]
    public async Task Continue_Reasoning_NotSavedNorSentBack()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("Hello there!").WithReasoning("The user greets me; ", "a short greeting back will do."));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var first = await parley.RunAsync(stdin: "", "--json", "-m", "deepseek-reasoner", "hi");
        var second = await parley.RunAsync(stdin: "", "-c", "again");
        using var json = System.Text.Json.JsonDocument.Parse(first.Stdout);
        var history = await parley.RunAsync(stdin: "", "history", "show", json.RootElement.GetProperty("conversation_id").GetString()!);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("Hello there!", server.Requests[1].Body, StringComparison.Ordinal);
        Assert.DoesNotContain("greets", server.Requests[1].Body, StringComparison.Ordinal);
        Assert.Contains("Hello there!", history.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("greets", history.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Chat_Piped_ReasoningOnStderrBeforeTheAnswer_NotSavedNorSentBack(bool stream)
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("Hello there!").WithReasoning("The user greets me; ", "a short greeting back will do."));
        server.Enqueue(ScriptedResponse.Text("Again!").WithReasoning("Once more."));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync("hi\nagain\n", stream ? ["chat", "-m", "deepseek-reasoner"] : ["chat", "--no-stream", "-m", "deepseek-reasoner"]);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("Hello there!\nAgain!\n", r.Stdout);
        Assert.True(r.Stderr.Contains(Thought + "\nOnce more.\n", StringComparison.Ordinal), r.ToString());
        Assert.DoesNotContain("greets", server.Requests[1].Body, StringComparison.Ordinal);
        var id = (await ParleyDatabase.ListAsync(parley)).Single().Id;
        var history = await parley.RunAsync(stdin: "", "history", "show", id);
        Assert.Contains("Again!", history.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("greets", history.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_HideReasoning_ShowsNoReasoning()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Enqueue(ScriptedResponse.Text("Hello there!").WithReasoning("The user greets me; ", "a short greeting back will do."));
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);

        var r = await parley.RunAsync("hi\n", "chat", "--hide-reasoning", "-m", "deepseek-reasoner");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("Hello there!\n", r.Stdout);
        Assert.DoesNotContain("greets", r.Stderr, StringComparison.Ordinal);
    }
}
