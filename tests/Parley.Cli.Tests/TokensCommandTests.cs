using System.Text.Json;
using Parley.TestServer;

namespace Parley.Cli.Tests;

/// <summary><c>parley tokens</c>: only the number on stdout; a note on stderr when it is an estimate.</summary>
public class TokensCommandTests
{
    [Fact]
    public async Task Tokens_TextForExactModel_PrintsOnlyTheNumber()
    {
        using var parley = new ParleyProcess();

        var r = await parley.RunAsync(stdin: "", "tokens", "Hello, world", "-m", "gpt-4o");

        Assert.Equal(0, r.ExitCode);
        Assert.Equal(Exact("Hello, world", "gpt-4o") + "\n", r.Stdout);
        Assert.Equal("", r.Stderr);
    }

    [Fact]
    public async Task Tokens_Cl100kModel_CountsWithItsEncoding()
    {
        using var parley = new ParleyProcess();
        const string text = "tiktoken is great! 🎉 Ünïcödé and code: for (int i = 0; i < n; i++) { }";

        var gpt4 = await parley.RunAsync(stdin: "", "tokens", text, "-m", "gpt-4");
        var gpt4o = await parley.RunAsync(stdin: "", "tokens", text, "-m", "gpt-4o");

        Assert.Equal(Exact(text, "gpt-4") + "\n", gpt4.Stdout);
        Assert.Equal(Exact(text, "gpt-4o") + "\n", gpt4o.Stdout);
        Assert.NotEqual(gpt4.Stdout, gpt4o.Stdout);
    }

    [Fact]
    public async Task Tokens_File_CountsItsText()
    {
        using var parley = new ParleyProcess();
        const string text = "Line one.\nLine two, with more words in it.\n";
        await File.WriteAllTextAsync(Path.Combine(parley.WorkingDirectory, "notes.txt"), text);

        var r = await parley.RunAsync(stdin: "", "tokens", "-f", "notes.txt", "-m", "gpt-4o-mini");

        Assert.Equal(0, r.ExitCode);
        Assert.Equal(Exact(text, "gpt-4o-mini") + "\n", r.Stdout);
    }

    [Fact]
    public async Task Tokens_FileOfOneMegabyteWithoutSpaces_CountsItExactly()
    {
        // One pre-token piece of 1,000,000 bytes: Microsoft.ML.Tokenizers' merge alone took over 120 s (the process
        // helper gives up after 90 s). Runs of 'a' merge into 8-letter tokens from the left (npm tiktoken: 12,500 for
        // 100,000; LongPieceTokenizerTests checks it), so the whole run counts ten times its tenth.
        using var parley = new ParleyProcess();
        await File.WriteAllTextAsync(Path.Combine(parley.WorkingDirectory, "run.txt"), new string('a', 1_000_000));

        var r = await parley.RunAsync(stdin: "", "tokens", "-f", "run.txt", "-m", "gpt-4o");

        Assert.Equal(0, r.ExitCode);
        Assert.Equal((10 * Exact(new string('a', 100_000), "gpt-4o")) + "\n", r.Stdout);
    }

    [Fact]
    public async Task Tokens_Stdin_IsCounted()
    {
        using var parley = new ParleyProcess();

        var r = await parley.RunAsync(stdin: "piped words here\n", "tokens", "-m", "gpt-4o-mini");

        Assert.Equal(0, r.ExitCode);
        Assert.Equal(Exact("piped words here", "gpt-4o-mini") + "\n", r.Stdout);
    }

    [Fact]
    public async Task Tokens_Messages_CountsThePromptAsBilled()
    {
        using var parley = new ParleyProcess();
        await File.WriteAllTextAsync(Path.Combine(parley.WorkingDirectory, "m.json"), """
            [{"role": "system", "content": "You are a helpful assistant."},
             {"role": "user", "content": "What's the capital of France?"}]
            """);

        var mini = await parley.RunAsync(stdin: "", "tokens", "--messages", "m.json", "-m", "gpt-4o-mini");
        var reasoning = await parley.RunAsync(stdin: "", "tokens", "--messages", "m.json", "-m", "o3-mini");

        Assert.Equal(0, mini.ExitCode);
        var messages = OpenAIMessageFormat.Parse(await File.ReadAllTextAsync(Path.Combine(parley.WorkingDirectory, "m.json")), "m.json");
        Assert.Equal(new TokenCounter().CountPrompt(messages, ModelCatalog.BuiltIn.Find("gpt-4o-mini")).Value + "\n", mini.Stdout);
        Assert.Equal(new TokenCounter().CountPrompt(messages, ModelCatalog.BuiltIn.Find("o3-mini")).Value + "\n", reasoning.Stdout);
        Assert.Equal("", mini.Stderr);
    }

    [Fact]
    public async Task Tokens_EstimatedModel_NumberOnStdoutNoteOnStderr()
    {
        using var parley = new ParleyProcess();

        var r = await parley.RunAsync(stdin: "", "tokens", "Hello, world", "-m", "llama3.2");

        Assert.Equal(0, r.ExitCode);
        Assert.Matches(@"^\d+\n$", r.Stdout);
        Assert.Contains("estimate (~", r.Stderr);
        Assert.Contains("llama3.2 has no exact tokenizer", r.Stderr);
    }

    [Fact]
    public async Task Tokens_UnknownModel_EstimatesWithANote()
    {
        using var parley = new ParleyProcess();

        var r = await parley.RunAsync(stdin: "", "tokens", "Hello, world", "-m", "my-own-model");

        Assert.Equal(0, r.ExitCode);
        Assert.Equal(Exact("Hello, world", "gpt-4o") + "\n", r.Stdout); // uncalibrated o200k count
        Assert.Contains("'my-own-model' is not in the model catalog", r.Stderr);
        Assert.Contains("not calibrated yet", r.Stderr);
    }

    [Theory]
    [InlineData("missing.txt", "-f")]
    [InlineData("missing.json", "--messages")]
    [InlineData("bad.json", "--messages")]
    [InlineData("notarray.json", "--messages")]
    public async Task Tokens_BadFile_ExitsWithUsageError(string file, string flag)
    {
        using var parley = new ParleyProcess();
        await File.WriteAllTextAsync(Path.Combine(parley.WorkingDirectory, "bad.json"), "[{\"role\": \"user\", ");
        await File.WriteAllTextAsync(Path.Combine(parley.WorkingDirectory, "notarray.json"), "{\"role\": \"user\"}");

        var r = await parley.RunAsync(stdin: "", "tokens", flag, file, "-m", "gpt-4o");

        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Stdout);
        Assert.Contains(file, r.Stderr);
    }

    [Theory]
    [InlineData("tokens")]
    [InlineData("tokens", "text", "-f", "x.txt")]
    [InlineData("tokens", "-f", "x.txt", "--messages", "x.json")]
    [InlineData("tokens", "hi", "--bogus")]
    public async Task Tokens_NothingOrTooMuchToCount_ExitsWithUsageError(params string[] args)
    {
        using var parley = new ParleyProcess();
        await File.WriteAllTextAsync(Path.Combine(parley.WorkingDirectory, "x.txt"), "x");

        var r = await parley.RunAsync(stdin: "", args);

        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Stdout);
    }

    [Fact]
    public async Task Tokens_EstimatedModelAfterAChat_UsesTheRatioLearnedFromTheServer()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var parley = new ParleyProcess().Against(server.OpenAIBaseUrl);
        // Calibration needs the tokenizer, which the CLI loads only for a prompt that must be counted: one longer than
        // the model's window in bytes (a short prompt is not worth the vocabulary load just to calibrate).
        var window = ModelCatalog.BuiltIn.Find("llama3.2")!.ContextWindow!.Value;
        var question = string.Concat(Enumerable.Repeat("What is the capital of France? ", (window / 30) + 100)) + "Answer in one word.";
        var file = Path.Combine(parley.WorkingDirectory, "question.txt");
        await File.WriteAllTextAsync(file, question);
        var before = await parley.RunAsync(stdin: "", "tokens", "-f", file, "-m", "llama3.2");
        var facts = Path.Combine(parley.ParleyHome, "learned-models.json");
        Assert.False(File.Exists(facts));

        // A short prompt is not counted, so it does not calibrate (no vocabulary load at exit).
        server.Enqueue(ScriptedResponse.Text("Paris.", promptTokens: 99, completionTokens: 2));
        Assert.Equal(0, (await parley.RunAsync(stdin: "", "-m", "llama3.2", "--no-log", "What is the capital of France?")).ExitCode);
        Assert.False(File.Exists(facts));

        // The server bills twice Parley's estimate of the prompt.
        var estimate = new TokenCounter().CountPrompt([new(Microsoft.Extensions.AI.ChatRole.User, question)], ModelCatalog.BuiltIn.Find("llama3.2")).Value;
        server.Enqueue(ScriptedResponse.Text("Paris.", promptTokens: estimate * 2, completionTokens: 2));
        var chat = await parley.RunAsync(stdin: question, "-m", "llama3.2", "--no-log");
        Assert.Equal(0, chat.ExitCode);

        Assert.True(File.Exists(facts), "the learned-facts file was not written");
        using (var doc = JsonDocument.Parse(await File.ReadAllTextAsync(facts)))
        {
            Assert.Equal(2.0, doc.RootElement.GetProperty("endpoints").GetProperty(LearnedModelFacts.EndpointKey(server.OpenAIBaseUrl)).GetProperty("llama3.2").GetProperty("calibration_ratio").GetDouble(), 6);
        }

        var after = await parley.RunAsync(stdin: "", "tokens", "-f", file, "-m", "llama3.2");
        Assert.Equal((int.Parse(before.Stdout.Trim()) * 2) + "\n", after.Stdout);
        Assert.Contains("× 2.000, calibrated", after.Stderr);
    }

    private static int Exact(string text, string model) => new TokenCounter().CountText(text, ModelCatalog.BuiltIn.Find(model)).Value;
}
